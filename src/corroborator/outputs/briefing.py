"""The cited briefing: a short multi-document summary in which every sentence carries its spans.

Built from a consolidated :class:`~corroborator.model.Case` (redacted or not: every
citation is looked up in the case's own mentions and texts, so offsets stay exact):

- one composed sentence per total ("At least 200 gay people were detained, according
  to The Russian LGBT Network"), citing the figures behind ``best``, then one per other
  claim it rests on and per dispute;
- a few sentences extracted verbatim from the reports: the body sentences whose words
  most reports share, each also citing the similar sentences of other reports;
- the timeline's best-attested dated events.

The figures table gives every claim its range, sources and status; the figure series
and timeline series are plain lists for charts. Sentences that hold a direct quote or a
protected witness are never extracted.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from corroborator.consolidate._facts import phrase
from corroborator.consolidate.timeline import content_words, timeline_series
from corroborator.model import EVENT_KINDS, Case, Document
from corroborator.text import sentences

logger = logging.getLogger(__name__)

_VERB = {"killed": "were killed", "injured": "were injured", "detained": "were detained", "disappeared": "disappeared",
         "tortured": "were tortured", "ill_treated": "were ill-treated", "fled": "fled", "evacuated": "were evacuated", "other": "were affected"}
_STATUS_WORDS = {"superseded": "later superseded", "conflicting": "disputed"}
_QUOTE_MARKS = re.compile(r"[\"“”‘’]")
_SUPPORT = 0.3
_REDUNDANT = 0.3


@dataclass(frozen=True)
class Citation:
    """An exact span of a report: ``text == document.text[start:end]``."""

    doc: str
    start: int
    end: int
    text: str
    label: str = ""


@dataclass(frozen=True)
class BriefingSentence:
    """One sentence of the briefing: ``kind`` is "total", "claim", "extract" or "timeline"."""

    text: str
    citations: tuple[Citation, ...]
    kind: str


@dataclass
class Briefing:
    """The briefing, its figures table and the chart series."""

    sentences: list[BriefingSentence]
    figures_table: list[dict[str, Any]] = field(default_factory=list)
    figure_series: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    timeline_series: list[dict[str, Any]] = field(default_factory=list)

    def references(self) -> list[Citation]:
        """Every citation once, numbered by first use (index + 1)."""
        return list(dict.fromkeys(c for s in self.sentences for c in s.citations))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for templates and JSON: sentences cite reference numbers."""
        refs = self.references()
        number = {c: i + 1 for i, c in enumerate(refs)}
        return {
            "sentences": [{"text": s.text, "kind": s.kind, "refs": [number[c] for c in s.citations]}
                          for s in self.sentences],
            "references": [{"n": number[c], "doc": c.doc, "start": c.start, "end": c.end, "text": c.text,
                            "label": c.label} for c in refs],
            "figures_table": self.figures_table, "figure_series": self.figure_series,
            "timeline": self.timeline, "timeline_series": self.timeline_series,
        }

    def to_markdown(self) -> str:
        """The briefing as Markdown: sentences with [n] markers, the figures table, the references."""
        data = self.to_dict()
        lines = ["## Briefing", ""]
        for s in data["sentences"]:
            lines.append(s["text"] + "".join(f" [{n}]" for n in s["refs"]))
        if data["figures_table"]:
            lines += ["", "### Figures", "", "| claim | event | range | sources | status | note |",
                      "|---|---|---|---|---|---|"]
            for row in data["figures_table"]:
                cells = [row["claim"], row["event"], row["range"], "; ".join(row["sources"]), row["status"], row["note"]]
                lines.append("| " + " | ".join(_md_cell(str(c)) for c in cells) + " |")
        lines += ["", "### References", ""]
        for r in data["references"]:
            lines.append(f"[{r['n']}] {r['label']}, characters {r['start']}–{r['end']}: “{_md_cell(r['text'])}”")
        return "\n".join(lines) + "\n"


def build_briefing(case: Case, *, extracts: int = 4, timeline_entries: int = 3) -> Briefing:
    """Compose the cited briefing of a consolidated case.

    Args:
        case: The case with claims, totals, near-duplicate links and timeline (as
            :func:`corroborator.consolidate.consolidate` stores them and the store loads them).
        extracts: How many sentences to extract from the reports.
        timeline_entries: How many dated events to tell.

    Returns:
        The briefing; every sentence has at least one citation.
    """
    docs = {d.id: d for d in case.documents}
    cite = _Citer(case, docs)
    out: list[BriefingSentence] = []
    for kind in sorted(case.totals, key=lambda k: EVENT_KINDS.index(k) if k in EVENT_KINDS else 99):
        out.extend(_total_sentences(kind, case.totals[kind], case, cite))
    originals = {doc_id: link.original_id for doc_id, link in case.duplicates.items()}
    # Sentences whose figures the totals already tell add nothing: extracts give the rest of the story.
    told_figures = {fid for c in case.claims for fid in c.figure_ids}
    out.extend(_extracts(case, docs, cite, extracts, set(originals), told_figures))
    timeline = list(case.timeline)
    told = {(c.doc, c.start) for s in out for c in s.citations}
    blocked = _blocked_spans(case)
    for entry in sorted(timeline, key=lambda t: (-t["independent_reports"], t["date"])):
        cites = tuple(c for c in (cite.span(x["doc"], x["start"], x["end"]) for x in entry["citations"]) if c)
        if _QUOTE_MARKS.search(entry["what"]) or any(_overlaps(c, blocked) for c in cites):
            continue  # testimony is quoted in the reports, never retold in the briefing
        if cites and timeline_entries > 0 and not {(c.doc, c.start) for c in cites} & told:
            copies = _and_copies(len(entry.get("copies") or ()))
            what = entry["what"][:-1] + copies + "." if copies and entry["what"].endswith(".") else entry["what"] + copies
            text = f"{entry['date']}: {what}"
            out.append(BriefingSentence(text, cites, "timeline"))
            timeline_entries -= 1
    return Briefing(out, _figures_table(case, cite), _figure_series(case), timeline, timeline_series(timeline))


class _Citer:
    """Citations from figure ids or spans, always re-read from the case's own text."""

    def __init__(self, case: Case, docs: Mapping[str, Document]) -> None:
        self.mentions = case.mentions
        self.docs = docs

    def figure(self, figure_id: str) -> Citation | None:
        m = self.mentions.get(figure_id)
        return self.span(m.doc_id, m.start, m.end) if m is not None else None

    def span(self, doc_id: str, start: int, end: int) -> Citation | None:
        doc = self.docs.get(doc_id)
        if doc is None or not 0 <= start < end <= len(doc.text):
            return None
        return Citation(doc_id, start, end, doc.text[start:end], _doc_label(doc))


def _total_sentences(kind: str, total: Mapping[str, Any], case: Case, cite: _Citer) -> list[BriefingSentence]:
    """The composed sentences of one total: the best figure, the claims behind it, disputes."""
    cites = tuple(c for c in (cite.figure(x.get("figure", "")) or cite.span(x["doc"], x["start"], x["end"])
                              for x in total.get("citations", [])) if c)
    if not cites:
        return []
    figures = {f.mention.id: f for f in case.figures}
    subjects = Counter(figures[x["figure"]].subject for x in total["citations"]
                       if x.get("figure") in figures and figures[x["figure"]].subject)
    subject = subjects.most_common(1)[0][0] if subjects else "people"
    said_by = sorted({x.get("source") for x in total["citations"] if x.get("source")})
    best = phrase(total["best"], total.get("qualifier", "exact"))
    text = f"{best[:1].upper()}{best[1:]} {subject} {_VERB.get(kind, 'were affected')}"
    copies = _copies_of_figures(case)
    text += f", according to {_join(said_by)}" if said_by else ""
    text += _and_copies(sum(copies.get(x.get("figure", ""), 0) for x in total["citations"])) + "."
    out = [BriefingSentence(text, cites, "total")]
    best_ids = {x.get("figure") for x in total["citations"]}
    for detail in total.get("claims_detail", []):
        if best_ids & {f for s in detail["sources"] for f in s["figures"]}:
            continue
        claim_cites = tuple(c for s in detail["sources"] for c in (cite.figure(f) for f in s["figures"][:3]) if c)
        if not claim_cites:
            continue
        names = _join([f"{s['name']} ({s['said']})" for s in detail["sources"]])
        when = f" ({detail['when']})" if detail.get("when") and "/" not in detail["when"] else ""
        status = _STATUS_WORDS.get(detail["status"], detail["status"].replace("_", " "))
        excluded = [e["reason"] for e in total.get("excluded", []) if e["claim"] == detail["id"]]
        status = f"not counted, {excluded[0]}" if excluded else status
        n = sum(copies.get(f, 0) for s in detail["sources"] for f in s["figures"])
        out.append(BriefingSentence(f"{kind.capitalize()}{when}: {names}; {status}{_and_copies(n)}.", claim_cites,
                                    "claim"))
    return out


#: Candidates ranked at first when extracts are chosen; more only if these run out.
_RANKED = 2_000

_Candidate = tuple[str, int, int, frozenset[str]]


def _extracts(case: Case, docs: Mapping[str, Document], cite: _Citer, limit: int, copies: set[str],
              told_figures: set[str]) -> list[BriefingSentence]:
    """Body sentences most reports share, each citing the similar sentences of other reports.

    The candidate sentences are made again on each of a few passes over the reports
    instead of being kept: how many reports use each word, then the best-ranked
    candidates, then the support of the ones chosen.
    """
    blocked = _blocked_spans(case)
    for fid in told_figures:
        m = case.mentions.get(fid)
        if m is not None:
            blocked.setdefault(m.doc_id, []).append((m.start, m.end))

    def candidates() -> Iterator[_Candidate]:
        for doc in case.documents:
            if doc.id not in copies:  # a copy is not a second report
                yield from _candidates(doc, blocked)

    # A word counts once per report.
    spread: Counter[str] = Counter()
    words_of_doc: set[str] = set()
    last = None
    for doc_id, _, _, words in candidates():
        if doc_id != last:
            spread.update(words_of_doc)
            words_of_doc, last = set(), doc_id
        words_of_doc.update(words)
    spread.update(words_of_doc)

    def rank(c: _Candidate) -> tuple[float, str, int]:
        return -sum(spread[w] for w in c[3]) / len(c[3]), c[0], c[1]

    ranked = _RANKED
    while True:
        best = heapq.nsmallest(ranked, candidates(), key=rank)
        chosen: list[_Candidate] = []
        for cand in best:
            if len(chosen) >= limit:
                break
            if all(_jaccard(cand[3], c[3]) < _REDUNDANT for c in chosen) and cand[0] not in {c[0] for c in chosen}:
                chosen.append(cand)
        if len(chosen) >= limit or len(best) < ranked:
            break
        ranked *= 4  # the best-ranked ran out before enough were chosen: rank more
    chosen.sort(key=lambda c: (docs[c[0]].published or "9999", c[0], c[1]))
    support: list[list[_Candidate]] = [[] for _ in chosen]
    if chosen:
        for cand in candidates():
            for found, (doc_id, _, _, words) in zip(support, chosen):
                if len(found) < 3 and cand[0] != doc_id and _jaccard(words, cand[3]) >= _SUPPORT:
                    found.append(cand)
            if all(len(found) >= 3 for found in support):
                break
    out = []
    for (doc_id, s, e, words), found in zip(chosen, support):
        cites = [cite.span(doc_id, s, e)] + [cite.span(c[0], c[1], c[2]) for c in found]
        out.append(BriefingSentence(docs[doc_id].text[s:e], tuple(c for c in cites if c), "extract"))
    return out


def _candidates(doc: Document, blocked: Mapping[str, list[tuple[int, int]]]) -> Iterator[_Candidate]:
    """The sentences of a report that could be extracted: body text, not quoted, clear of blocked spans."""
    text = doc.text
    for s, e in sentences(text):
        noise = doc.in_noise(s, e)
        sentence = text[s:e]
        # Headlines too: a briefing sentence is a reported sentence, not a headline.
        if noise is not None or not 40 <= len(sentence) <= 320:
            continue
        if _QUOTE_MARKS.search(sentence) or _overlaps(Citation(doc.id, s, e, sentence), blocked):
            continue
        words = content_words(sentence)
        if len(words) >= 5:
            yield doc.id, s, e, words


def _copies_of_figures(case: Case) -> dict[str, int]:
    """How many figures of copies repeat each figure of a claim (they are cited by it, never counted)."""
    return {figure_id: len(copies) for figure_id, copies in case.figure_copies().items()}


def _and_copies(n: int) -> str:
    """" (and 3 copies)" for a statement repeated by copies of its report; "" for none."""
    return f" (and {n} {'copy' if n == 1 else 'copies'})" if n else ""


def _blocked_spans(case: Case) -> dict[str, list[tuple[int, int]]]:
    """Spans no extracted sentence may touch: quotes, protected witnesses' mentions."""
    blocked: dict[str, list[tuple[int, int]]] = {}
    protected = {mid for e in case.entities if e.protected for mid in e.mention_ids}
    for q in case.quotes:
        blocked.setdefault(q.mention.doc_id, []).append((q.mention.start, q.mention.end))
    for mid in protected:
        m = case.mentions.get(mid)
        if m is not None:
            blocked.setdefault(m.doc_id, []).append((m.start, m.end))
    for p in case.protected:
        if p.evidence is not None:
            blocked.setdefault(p.doc_id, []).append((p.evidence.start, p.evidence.end))
    return blocked


def _overlaps(c: Citation, blocked: Mapping[str, list[tuple[int, int]]]) -> bool:
    """True when a cited span touches a blocked one."""
    return any(b[0] < c.end and c.start < b[1] for b in blocked.get(c.doc, ()))


def _figures_table(case: Case, cite: _Citer) -> list[dict[str, Any]]:
    """One row per claim: range, sources, status, note and citations."""
    details = {d["id"]: d for t in case.totals.values() for d in t.get("claims_detail", [])}
    rows = []
    order = {kind: i for i, kind in enumerate(EVENT_KINDS)}
    claims = sorted(case.claims, key=lambda c: (order.get(c.event, 99), details.get(c.id, {}).get("date") or "9999", c.id))
    for c in claims:
        detail: Mapping[str, Any] = details.get(c.id, {})
        sources = [f"{s['name']} ({s['said']})" for s in detail.get("sources", [])]
        rows.append({"claim": c.id, "event": c.event, "range": str(c.low) if c.low == c.high else f"{c.low}–{c.high}",
                     "low": c.low, "high": c.high, "sources": sources, "independent_sources": c.independent_sources,
                     "status": c.status, "note": c.note, "when": detail.get("when"),
                     "citations": [vars(x) for x in (cite.figure(f) for f in case.cited_figures(c)) if x],
                     "copies": len(c.figure_ids) - len(case.cited_figures(c))})
    return rows


def _figure_series(case: Case) -> list[dict[str, Any]]:
    """Every total's series as one flat list with the event kind on each point."""
    return [dict(point, event=kind) for kind, t in sorted(case.totals.items()) for point in t.get("series", [])]


def _doc_label(doc: Document) -> str:
    """A report as a reference names it."""
    name = doc.outlet or doc.title or doc.path.rsplit("/", 1)[-1] or "report"
    return f"{name} ({doc.published})" if doc.published else name


def _join(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell or line."""
    return " ".join(text.split()).replace("|", "\\|")
