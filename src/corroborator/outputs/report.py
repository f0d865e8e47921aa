"""The static HTML report: one self-contained file a researcher can open offline.

The template (``templates/report.html``) is rendered by Jinja2 with autoescaping on.
Document texts are highlighted by splitting them at span boundaries and handing the
template plain pieces of text, each escaped on output; nothing is ever marked up by
string replacement. No script runs and nothing is fetched: inline CSS only, and a
Content-Security-Policy that forbids scripts and remote resources.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

import corroborator
from corroborator.consolidate._facts import phrase
from corroborator.consolidate.credibility import RULE as CREDIBILITY_RULE
from corroborator.consolidate.credibility import case_sources, credibility_of
from corroborator.model import Case, Document, Event
from corroborator.outputs import charts
from corroborator.outputs._documents import (
    _UNSAFE_ID, _Cites, _documents, _entity_name, _Marks, _marks, _Page, _Span, _speaker)
from corroborator.outputs.briefing import Briefing, build_briefing
from corroborator.outputs.redact import Witnesses, assert_redacted, assign_pseudonyms, redact_case, redaction_notice

logger = logging.getLogger(__name__)

_TEMPLATES = Path(__file__).parent / "templates"
_ENTITY_CITES = 5
# The timeline spans the page, so it is drawn wide to keep its labels at text size.
_TIMELINE_W = 1080
_env: jinja2.Environment | None = None


def generated_by() -> str:
    """Name and version of the producer, as exports and reports record it."""
    # Read at call time: this module may be imported while the package is initialising.
    return f"corroborator {corroborator.__version__}"


def _environment() -> jinja2.Environment:
    """The Jinja2 environment, created once; autoescape is on for every template."""
    global _env
    if _env is None:
        _env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return _env


def _claim_ids(v: Any) -> list[Any]:
    """The claim ids a total lists (None, one id, or a list)."""
    return [] if v is None else list(v) if isinstance(v, (list, tuple)) else [v]


def _lists(case: Case, w: Witnesses, cites: _Cites) -> dict[str, _Lazy]:
    """The long lists of the report (figures, quotes, dated events, entities), each item made as it is read."""
    entities = {e.id: e for e in case.entities}
    return {
        "entities": _Lazy(sorted(case.entities, key=lambda e: (-len(e.mention_ids), e.name)), lambda e: {
                      "name": _entity_name(e, w), "type": e.type, "protected": e.protected,
                      "aliases": [] if e.protected else list(e.aliases), "count": len(e.mention_ids),
                      "cites": [cites.link(case.mentions[m]) for m in e.mention_ids[:_ENTITY_CITES] if m in case.mentions]}),
        "quotes": _Lazy(case.quotes, lambda q: {
                    "text": q.mention.text, "speaker": _speaker(q, entities, w), "protected": q.mention.id in w.quotes,
                    "reported_by": q.reported_by, "cite": cites.link(q.mention), "review": _review(case, q.mention.id)}),
        "figures": _Lazy(case.figures, lambda f: {
                     "text": f.mention.text, "event": f.event, "value": f.value, "qualifier": f.qualifier,
                     "subject": f.subject, "attributed_to": f.attributed_to, "when": f.when,
                     "cite": cites.link(f.mention), "review": _review(case, f.mention.id)}),
        "events": _Lazy(sorted(case.events, key=lambda e: (e.date or "", e.doc_id, e.id)),
                        lambda e: _event(e, case, cites)),
    }


def _context(case: Case, w: Witnesses, *, redacted: bool, notice: Mapping[str, Any] | None = None,
             pages: list[_Page] | None = None, list_pages: Mapping[str, list[_Page]] | None = None,
             ) -> tuple[dict[str, Any], _Marks, _Cites]:
    """Everything the template shows, as plain values; with ``pages``, the documents go to those pages,
    with ``list_pages`` the long lists (figures, quotes, events, entities) to theirs."""
    cites = _Cites(docs={d.id: d for d in case.documents},
                   files={d.id: p.href for p in pages or () for d in p.documents})
    # Figure mentions are looked up by id (under redaction their offsets move), so the briefing needs them all.
    briefing = build_briefing(dataclasses.replace(case, mentions={**{f.mention.id: f.mention for f in case.figures},
                                                                  **case.mentions}))
    marks = _marks(case, w, _cited_spans(briefing))
    # First: the documents register the anchors the citations link to (the pages' are found as they are cited).
    if pages is None:
        documents = _documents(case.documents, marks, cites)
    else:
        documents = []
        cites.marks = marks
    figures = {f.mention.id: f for f in case.figures}
    claim_anchor = {c.id: "claim-" + _UNSAFE_ID.sub("_", c.id) for c in case.claims}
    totals = [_total(kind, t, case, cites, claim_anchor, w) for kind, t in sorted(case.totals.items())]
    return {
        "doc_pages": [{"href": p.href, "first": p.first, "last": p.last} for p in pages or ()],
        "list_pages": {kind: [{"href": p.href, "first": p.first, "last": p.last} for p in found]
                       for kind, found in (list_pages or {}).items()},
        "generated_by": generated_by(),
        "redacted": redacted,
        "notice": notice or redaction_notice(redacted=redacted),
        "briefing": _briefing(briefing, cites, w),
        "panels": _panels(briefing, case, cites, w),
        "timeline_chart": _timeline_chart(briefing, case, cites, w),
        "summary": [("documents", len(case.documents)), ("entities", len(case.entities)),
                    ("quotes", len(case.quotes)), ("figures", len(case.figures)), ("dated events", len(case.events)),
                    ("claims", len(case.claims)), ("protected witnesses", w.count)],
        "totals": totals,
        "sources": list(case_sources(case).values()),
        "credibility_rule": CREDIBILITY_RULE,
        "claims": _Lazy(case.claims, lambda c: {"id": c.id, "anchor": claim_anchor[c.id], "event": c.event,
                    "range": str(c.low) if c.low == c.high else f"{c.low}–{c.high}",
                    "sources": c.independent_sources, "status": c.status, "note": c.note,
                    "review": _review(case, c.id), "credibility": credibility_of(case, c),
                    "figures": [cites.link(figures[f].mention) for f in case.cited_figures(c) if f in figures],
                    "copies": len(c.figure_ids) - len(case.cited_figures(c))}),
        "documents": documents,
        "rejected": [{"text": case.mentions[i].text if i in case.mentions else i, "review": _review(case, i),
                      "cite": cites.link(case.mentions[i]) if i in case.mentions else None}
                     for i, r in sorted(case.reviews.items()) if r.get("status") == "rejected"],
        **_lists(case, w, cites),
    }, marks, cites


class _Lazy:
    """A list for the template whose items are made as it is read, so a long one is never held made.

    True when it has items, like the list it stands for; read it once.
    """

    def __init__(self, items: Sequence[Any], make: Callable[[Any], dict[str, Any]]) -> None:
        self.items, self.make = items, make

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self.make, self.items)


def _review(case: Case, item_id: str) -> dict[str, Any]:
    """An item's review state for the template: status, who and when, and what was corrected."""
    r = case.review_of(item_id)
    def shown(v: Any) -> str:
        """A corrected value; nothing (no attribution, no date) as a dash, never "None"."""
        return "—" if v is None or v == "" else str(v)

    changes = "; ".join(f"{k}: {shown(v.get('machine'))} → {shown(v.get('reviewed'))}" if "machine" in v
                        else f"{k}: {shown(v.get('reviewed'))}" for k, v in (r.get("corrected") or {}).items()
                        if "machine" not in v or v.get("machine") != v.get("reviewed"))
    return {"status": r["status"], "by": r.get("by"), "at": r.get("at"), "note": r.get("note"), "changes": changes}


def _total(kind: str, t: Any, case: Case, cites: _Cites, claim_anchor: Mapping[str, str],
           w: Witnesses) -> dict[str, Any]:
    """A row of the totals table: best with its qualifier, range, sources, notes and citations."""
    t = t if isinstance(t, dict) else {"best": t}
    best = t.get("best")
    notes = ["disputed"] if t.get("disputed") else []
    notes += [f"not counted: {e.get('claim')} ({e.get('reason')})" for e in t.get("excluded") or []]
    notes += [f"moved: {m}" for m in t.get("moved") or []]
    docs = {d.id: d for d in case.documents} if t.get("citations") else {}
    links = [c for c in (_figure_cite(x, case, docs, cites) for x in t.get("citations") or []) if c]
    return {"event": kind, "best": phrase(best, t.get("qualifier") or "exact") if isinstance(best, int) else best,
            "range": _range(t.get("low"), t.get("high")), "note": t.get("note"),
            "sources": [w.scrub(str(s)) for s in t.get("sources") or []], "notes": [w.scrub(n) for n in notes],
            "cites": links,
            "claims": [{"label": c, "href": "#" + claim_anchor[c] if c in claim_anchor else None}
                       for c in map(str, _claim_ids(t.get("claims")))]}


def _range(low: Any, high: Any) -> str:
    """``low–high``, or one value when they are equal or only one is known."""
    if low is None or high is None or low == high:
        return str(low if low is not None else high if high is not None else "")
    return f"{low}–{high}"


def _figure_cite(x: Mapping[str, Any], case: Case, docs: Mapping[str, Document],
                 cites: _Cites) -> dict[str, str] | None:
    """The link of a total's citation: through its figure id, else its span if the text still matches."""
    m = case.mentions.get(x.get("figure") or "")
    if m is not None:
        return cites.link(m)
    doc = docs.get(x.get("doc") or "")
    # A redacted case keeps a citation's old offsets: only a span whose text still matches is trusted.
    if doc is not None and isinstance(x.get("start"), int) and doc.text[x["start"]:x.get("end", 0)] == x.get("text"):
        return cites.span(doc.id, x["start"], x["end"])
    return None


def _cited_spans(briefing: Briefing) -> dict[str, list[_Span]]:
    """Every span the briefing cites, per document, so each gets an anchor to link to."""
    spans: dict[str, list[_Span]] = defaultdict(list)
    for n, c in enumerate(briefing.references(), 1):
        spans[c.doc].append(_Span(f"\x00cite{n}", c.start, c.end, "cited", f"cited in the briefing [{n}]"))
    return spans


def _briefing(briefing: Briefing, cites: _Cites, w: Witnesses) -> dict[str, Any]:
    """The briefing's sentences with numbered links to the exact spans they cite."""
    data = briefing.to_dict()
    cited = {r["n"]: cites.span(r["doc"], r["start"], r["end"]) for r in data["references"]}
    refs = {r["n"]: {"n": r["n"], "href": cited[r["n"]]["href"], "label": w.scrub(r["label"]),
                     "span": cited[r["n"]]["label"], "text": w.scrub(r["text"])} for r in data["references"]}
    return {"sentences": [{"text": w.scrub(s["text"]), "kind": s["kind"], "refs": [refs[n] for n in s["refs"]]}
                          for s in data["sentences"]],
            "references": list(refs.values())}


def _panels(briefing: Briefing, case: Case, cites: _Cites, w: Witnesses) -> list[dict[str, Any]]:
    """One figure-evolution panel per event kind (the chart model the app draws too), linked to the spans."""
    def href(figure_id: str | None) -> str:
        """The anchor of a figure in the documents."""
        m = case.mentions.get(figure_id) if figure_id else None
        return cites.link(m)["href"] if m is not None else "#totals"

    return charts.case_evolution(case, href, w.scrub)


def _timeline_chart(briefing: Briefing, case: Case, cites: _Cites, w: Witnesses) -> dict[str, Any] | None:
    """The merged timeline on a time axis: numbered marks, and a legend with sources and citations."""
    events = {e.id: e for e in case.events}
    entries = sorted(((charts.parse_date(t["date"]), t) for t in briefing.timeline), key=lambda pt: pt[0] or ())
    legend, items = [], []
    for period, t in entries:
        if period is None:
            continue
        links = [cites.span(c["doc"], c["start"], c["end"]) for c in t.get("citations") or []]
        if not links:  # no sentence span: the event's first mention
            links = [cites.link(case.mentions[m]) for e in t.get("events") or [] if e in events
                     for m in events[e].mention_ids[:1] if m in case.mentions]
        n = str(len(items) + 1)
        sources = w.scrub("; ".join(t.get("sources") or []))
        what = w.scrub(t["what"])
        legend.append({"n": n, "date": t["date"], "precision": t["precision"], "what": what, "sources": sources,
                       "reports": t.get("independent_reports"), "cites": links})
        items.append(charts.TimelineItem(t["date"], t["precision"], f"{n}. {t['date']}: {what[:140]} — {sources}",
                                         links[0]["href"] if links else "#timeline", n))
    chart = charts.timeline_chart(items, width=_TIMELINE_W, label_gap=18)
    return chart and dict(chart, legend=legend)


def _event(e: Event, case: Case, cites: _Cites) -> dict[str, Any]:
    """A timeline entry."""
    return {"date": e.date, "precision": e.precision, "what": e.what,
            "cites": [cites.link(case.mentions[m]) for m in e.mention_ids if m in case.mentions]}


def render_report(case: Case, *, redact: bool = False, withhold_testimony: bool = False) -> str:
    """Render the case as one self-contained HTML page.

    Sections: a notice saying whether the report is redacted and how (an unredacted
    one says it holds protected identities and must not be shared), the cited briefing
    (each sentence linked to the exact spans it rests
    on), figure-evolution charts per event kind and a chart of the merged timeline
    (inline SVG), summary counts, totals (best with its qualifier, sources, disputes,
    citations), claims, documents (text with noise dimmed and labelled, mentions and
    briefing citations highlighted with tooltips and ``#doc-ID-OFFSET`` anchors, copies
    marked as such),
    entities (a protected witness by pseudonym only), quotes with speakers and
    citations, figures, and dated events in date order.

    Args:
        case: The case in memory.
        redact: Redact protected witnesses first (the briefing is built from the
            redacted case); the final HTML is checked again. Testimony is kept.
        withhold_testimony: Also withhold the words of protected testimony (implies
            ``redact``).

    Returns:
        The HTML text.

    Raises:
        RedactionError: Redaction is on and a protected name (or withheld testimony) survived.
    """
    redact = redact or withhold_testimony
    notice = redaction_notice(redacted=redact, withhold_testimony=withhold_testimony,
                              witnesses=None if redact else assign_pseudonyms(case).count)
    shown = redact_case(case, withhold_testimony=withhold_testimony) if redact else case
    page = _environment().get_template("report.html").render(
        **_context(shown, assign_pseudonyms(shown), redacted=redact, notice=notice)[0])
    if redact:
        assert_redacted(html.unescape(page), case, where="HTML report", withhold_testimony=withhold_testimony)
    return page
