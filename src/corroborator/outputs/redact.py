"""Redaction of protected witnesses at the output boundary.

A witness exposed can be killed, so this module fails closed: :func:`redact_case`
replaces every protected name, alias, pseudonym, initial and real name, and every
span a reviewer marked as identifying (wherever the same words occur), by the
witness's stable pseudonym (``[Witness N]``), re-maps every offset so spans stay
exact, and then searches every string of the result as a reader would see it; if any
protected name is still there it raises :class:`RedactionError` instead of returning.

Redaction hides *who* a witness is, never *what* they said: the words of protected
testimony stay, with the names inside them replaced. Where a partner needs more,
``withhold_testimony=True`` also replaces each protected quote (and every repeat of
its words) by ``[testimony withheld]`` and drops the facts taken from inside it; the
final check then looks for the testimony as well.

Pseudonyms are stable: witnesses are numbered in the order of their first appearance
(document id, then offset). The same name anywhere in the case is the same witness.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from corroborator.witnesses import WITHHELD, Witnesses, assign_pseudonyms, proper_names
from corroborator.errors import Problem, RedactionError
from corroborator.analyze.dates import event_summary
from corroborator.model import Case, Claim, Document, Entity, Event, Mention, NoiseSpan, Origin, ProtectedPerson
from corroborator.outputs.textmap import TextMap
from corroborator.store.lean import ShelvedDocument, TextShelf, replace_document

logger = logging.getLogger(__name__)

# Facts an extractor can take from inside a quote; said by a protected witness, they are testimony.
_FACT_KINDS = frozenset({"figure", "date", "entity", "event"})
# Keys that identify an item of a plain list (a total's claims, citations, series points).
_ITEM_KEYS = ("id", "claim", "figure", "mention")


@dataclasses.dataclass(frozen=True)
class Redaction:
    """A redacted case, and how to find the machine item and offset behind what it shows.

    Attributes:
        case: The redacted case.
        ids: Per kind (``documents``, ``mentions``, ``quotes``, ``figures``, ``entities``,
            ``events``, ``claims``), redacted id -> machine id of every item kept, but for
            an id several machine items were rewritten to (it names none for certain).
            Quotes and figures are keyed by their mention's id.
        texts: Machine document id -> the :class:`TextMap` of its text.
    """

    case: Case
    ids: dict[str, dict[str, str]]
    texts: dict[str, TextMap]


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping replacement spans; overlaps merge under the first pseudonym."""
    merged: list[tuple[int, int, str]] = []
    for start, end, pseudonym in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            merged.append((start, end, pseudonym))
    return merged


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each span replaced by its pseudonym."""
    pieces, cursor = [], 0
    for start, end, pseudonym in spans:
        pieces += [text[cursor:start], pseudonym]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


class _RedactedTexts:
    """The redacted text of each document by id.

    Plain documents get theirs made at once. Shelved ones (a large case, whose texts are
    kept compressed) get theirs on a shelf of their own, made one at a time, and unpacked
    when read, so a redacted case holds its texts no more than the case did.
    """

    def __init__(self, documents: list[Document], spans: Mapping[str, list[tuple[int, int, str]]]) -> None:
        self.shelf = TextShelf() if any(isinstance(d, ShelvedDocument) for d in documents) else None
        self.texts: dict[str, str] = {}
        for d in documents:
            text = _replace(d.text, spans[d.id]) if spans[d.id] else d.text
            if self.shelf is None:
                self.texts[d.id] = text
            else:
                self.shelf.put(d.id, text)

    def __getitem__(self, doc_id: str) -> str:
        return self.texts[doc_id] if self.shelf is None else self.shelf.text(doc_id)

    def document(self, doc: Document, **changes: Any) -> Document:
        """The redacted document: ``doc`` with ``changes`` and its redacted text."""
        text = self[doc.id]
        if self.shelf is None:
            return dataclasses.replace(doc, text=text, **changes)
        # Its own shelf, keyed by the redacted id the document gets.
        redacted = self.shelf if changes.get("id", doc.id) == doc.id else TextShelf()
        return replace_document(doc, redacted, text=text, **changes)


def _all_mentions(case: Case) -> Iterator[Mention]:
    """Every mention the case holds, wherever it is kept."""
    yield from case.mentions.values()
    yield from (q.mention for q in case.quotes)
    yield from (f.mention for f in case.figures)
    yield from (p.evidence for p in case.protected if p.evidence is not None)


def _document_spans(case: Case, w: Witnesses, withhold: bool) -> dict[str, list[tuple[int, int, str]]]:
    """Per document, the merged spans to replace by a pseudonym (or by WITHHELD)."""
    # Names; when testimony is withheld, the quotes and their repeats anywhere (a pull quote, another report).
    spans = {d.id: w.name_spans(d.text) + (w.testimony_spans(d.text) if withhold else []) for d in case.documents}
    for quote in case.quotes if withhold else ():
        m = quote.mention
        if quote.mention.id in w.quotes and m.doc_id in spans:
            spans[m.doc_id].append((m.start, m.end, WITHHELD))
    for m in (case.mentions.get(i) for i in w.marks):
        # A span a reviewer marked as identifying goes where it was marked, whatever its edges.
        if m is not None and m.doc_id in spans:
            spans[m.doc_id].append((m.start, m.end, w.marks[m.id]))
    for entity in case.entities:
        pseudonym = w.entities.get(entity.id)
        for m in (case.mentions[i] for i in entity.mention_ids if pseudonym and i in case.mentions):
            # A variant spelling NER tied to the witness is a name even if not listed.
            if m.doc_id in spans and proper_names(m.text):
                spans[m.doc_id].append((m.start, m.end, pseudonym))
    return {doc_id: _merge(s) for doc_id, s in spans.items()}


def _testimony_facts(case: Case, w: Witnesses) -> set[str]:
    """Ids of the facts only protected testimony states: mentions wholly inside a protected
    quote, the events, entities and claims resting on them alone."""
    quoted: dict[str, list[tuple[int, int, str]]] = {}
    for q in case.quotes:
        if q.mention.id in w.quotes:
            quoted.setdefault(q.mention.doc_id, []).append((q.mention.start, q.mention.end, ""))
    if not quoted:
        return set()
    merged = {doc: _merge(spans) for doc, spans in quoted.items()}
    starts = {doc: [s for s, _, _ in spans] for doc, spans in merged.items()}

    def inside(m: Mention) -> bool:
        """Whether ``m`` lies wholly inside a protected quote."""
        i = bisect.bisect_right(starts.get(m.doc_id, []), m.start) - 1
        return i >= 0 and m.end <= merged[m.doc_id][i][1]

    dropped = {m.id for m in _all_mentions(case) if m.kind in _FACT_KINDS and inside(m)}
    for e in case.events:
        # An event dated by testimony tells the testimony: it goes, with its sentence.
        if e.id in dropped or any(i in dropped for i in e.mention_ids):
            dropped.add(e.id)
            dropped.update(i for i in e.mention_ids if i in case.mentions and case.mentions[i].kind == "event")
    dropped.update(e.id for e in case.entities if e.mention_ids and all(i in dropped for i in e.mention_ids))
    dropped.update(c.id for c in case.claims if c.figure_ids and all(i in dropped for i in c.figure_ids))
    return dropped


def _is_span(v: Any) -> bool:
    """Whether ``v`` is a ``[start, end]`` pair of offsets."""
    return isinstance(v, (list, tuple)) and len(v) == 2 and all(type(x) is int for x in v) and v[0] <= v[1]


class _Redactor:
    """The redaction of one case: its new texts, offset maps, id table and dropped facts."""

    def __init__(self, case: Case, w: Witnesses, withhold: bool = False):
        self.case, self.w, self.withhold = case, w, withhold
        spans = _document_spans(case, w, withhold)
        self.maps = {doc_id: TextMap(s) for doc_id, s in spans.items()}
        self.texts = _RedactedTexts(case.documents, spans)
        # Facts inside testimony are the testimony's words: they go only when the words do.
        self.dropped = _testimony_facts(case, w) if withhold else set()
        self.refs: dict[str, str] = {}
        # Entity ids may be built from a name (or its hash): protected ones get neutral ids.
        for entity in case.entities:
            if entity.id in w.entities:
                base = "witness:" + w.entities[entity.id].strip("[]").split()[-1]
                self.refs[entity.id] = base if base not in self.refs.values() else f"{base}:{len(self.refs)}"
        self._number_mentions()

    def _number_mentions(self) -> None:
        """Every mention keeps its id: an item has one id in the app, the API and every export,
        redacted or not (ids name a document and offsets, never a person)."""
        for m in _all_mentions(self.case):
            self.refs[m.id] = self.scrub(m.id)

    def scrub(self, v: str) -> str:
        """A string with protected names (and withheld testimony) replaced."""
        return self.w.scrub(v, withhold=self.withhold)

    def span(self, doc_id: str, start: int, end: int) -> tuple[int, int]:
        """New offsets of a span of a document."""
        return self.maps[doc_id].map_span(start, end)

    def mention(self, m: Mention) -> Mention:
        """The mention in the redacted text, with its new id."""
        if m.doc_id not in self.maps:
            logger.warning("mention %s points at a document not in the case; kept without text", m.id)
            return dataclasses.replace(m, id=self.refs[m.id], doc_id=self.scrub(m.doc_id), text="",
                                       attrs=self.value(m.attrs))
        start, end = self.span(m.doc_id, m.start, m.end)
        return dataclasses.replace(m, id=self.refs[m.id], doc_id=self.scrub(m.doc_id), start=start, end=end,
                                   text=self.texts[m.doc_id][start:end], attrs=self._attrs(m))

    def _attrs(self, m: Mention) -> dict[str, Any]:
        """A mention's attrs: spans in it (``*_span``, ``sentence``, review evidence) re-mapped."""
        attrs = self.value(m.attrs, m.doc_id)
        ids = m.attrs.get("date_mention_ids")
        if isinstance(ids, list) and "other_dates" in attrs and any(i in self.dropped for i in ids):
            # The values of dates dropped as testimony go with their ids.
            kept = [self.case.mentions[i].attrs.get("value") for i in ids
                    if i not in self.dropped and i in self.case.mentions]
            attrs["other_dates"] = [v for v in kept if v != attrs.get("date")]
        return attrs

    def value(self, v: Any, doc: str | None = None) -> Any:
        """Any plain value with ids re-mapped, names replaced and spans of ``doc`` moved, recursively."""
        if isinstance(v, str):
            return self.refs[v] if v in self.refs else self.scrub(v)
        if isinstance(v, dict):
            out = {self.value(k): self.value(x, doc) for k, x in v.items()}
            where = v.get("doc", doc)
            if where not in self.maps:
                return out
            if type(v.get("start")) is int and type(v.get("end")) is int:
                # A cited span (a total's citation, a reviewer's evidence) moves with its text.
                out["start"], out["end"] = self.span(where, v["start"], v["end"])
                if "text" in v:
                    out["text"] = self.texts[where][out["start"]:out["end"]]
            for key, x in v.items():
                if isinstance(key, str) and (key.endswith("_span") or key == "sentence") and _is_span(x):
                    out[self.value(key)] = type(x)(self.span(where, x[0], x[1]))
            return out
        if isinstance(v, (list, tuple)):
            return type(v)(self.value(x, doc) for x in v if not self._gone(x))
        return v

    def _gone(self, item: Any) -> bool:
        """Whether a list item is, or is identified by, a dropped fact."""
        if isinstance(item, str):
            return item in self.dropped
        return isinstance(item, dict) and any(isinstance(item.get(k), str) and item[k] in self.dropped
                                              for k in _ITEM_KEYS)

    def event(self, e: Event) -> Event:
        """The event; its summary is re-cut from its redacted sentence when that changed."""
        what = self.value(e.what)
        sentence = next((self.case.mentions[i] for i in e.mention_ids
                         if i in self.case.mentions and self.case.mentions[i].kind == "event"), None)
        if sentence is not None and sentence.doc_id in self.maps:
            start, end = self.span(sentence.doc_id, sentence.start, sentence.end)
            if self.texts[sentence.doc_id][start:end] != sentence.text:
                what = event_summary(self.texts[sentence.doc_id][start:end])
        return dataclasses.replace(e, id=self.value(e.id), doc_id=self.scrub(e.doc_id), date=self.value(e.date),
                                   precision=self.value(e.precision), what=what,
                                   mention_ids=_unique(self.value(e.mention_ids)))

    def claim(self, c: Claim, values: dict[str, int]) -> Claim:
        """The claim; recounted from the figures left if testimony figures were dropped."""
        kept = [i for i in c.figure_ids if i not in self.dropped]
        new = dataclasses.replace(c, id=self.value(c.id), event=self.value(c.event),
                                  figure_ids=_unique(self.value(c.figure_ids)), note=self.value(c.note),
                                  status=self.value(c.status))
        if len(kept) == len(c.figure_ids):
            return new
        left = [values[i] for i in kept if i in values] or [c.low, c.high]
        sources = min(c.independent_sources, len(kept))
        status = "single_source" if c.status in ("corroborated", "conflicting") and sources < 2 else c.status
        return dataclasses.replace(new, low=min(left), high=max(left), independent_sources=sources, status=status,
                                   note=f"recounted after redaction: {len(kept)} figure(s) left")

    def entity(self, entity: Entity) -> Entity:
        """The entity with names replaced; a protected one is known by its pseudonym only."""
        pseudonym = self.w.entities.get(entity.id)
        name = pseudonym or self.value(entity.name)
        # Every alias of a protected witness identifies them ("the young man" of one report).
        aliases = () if pseudonym else _unique(a for a in self.value(entity.aliases) if a != name)
        return dataclasses.replace(entity, id=self.value(entity.id), name=name, type=self.value(entity.type),
                                   aliases=aliases, mention_ids=_unique(self.value(entity.mention_ids)),
                                   why=self.value(entity.why))


def redact_case(case: Case, *, withhold_testimony: bool = False) -> Case:
    """A copy of ``case`` in which no protected witness can be identified.

    Every proper name (and its given-name and surname forms), alias, pseudonym,
    initial and real name of a protected person, every span a reviewer marked as
    identifying one (wherever the same words occur), and every mention of a protected
    entity, is replaced by the witness's pseudonym in every document text and string
    field; every offset (including ``*_span``/``sentence`` attrs and review evidence) is
    re-mapped so ``text[start:end] == mention.text`` still holds (a mention overlapping
    a replaced span grows to cover the pseudonym; ids that then clash get ``~N``).
    The words of protected testimony stay, names inside them replaced, and so do the
    figures, dates and events found in it. Descriptions that name no one ("the man")
    are kept; digests and ids are not text. The input is not modified.

    With ``withhold_testimony``, each protected quote (and every repeat of its words or
    sentences anywhere in the case) is replaced by ``[testimony withheld]`` too; its
    speaker label and span stay. Figures, dates, entity mentions and events found
    wholly inside protected testimony are then dropped, with the events, entities and
    claims resting on them alone; the claims left are recounted.

    Args:
        case: The case, unredacted.
        withhold_testimony: Withhold the words of protected testimony as well.

    Returns:
        The redacted case.

    Raises:
        RedactionError: A protected name (or withheld testimony) is still present after redaction.
    """
    return redact(case, withhold_testimony=withhold_testimony, with_ids=False).case


def redact_case_with_ids(case: Case, *, withhold_testimony: bool = False) -> tuple[Case, dict[str, str]]:
    """:func:`redact_case`, and the original id behind every id the redacted case shows.

    When testimony is withheld, facts taken from it are dropped, so the redacted lists
    no longer line up with the original's by position: pair items through this map.

    Returns:
        The redacted case, and redacted id -> original id of every document, mention,
        entity, event and claim it keeps.
    """
    done = redact(case, withhold_testimony=withhold_testimony)
    return done.case, {k: v for kind in ("documents", "mentions", "entities", "events", "claims")
                       for k, v in done.ids[kind].items()}


def redact(case: Case, *, withhold_testimony: bool = False, with_ids: bool = True) -> Redaction:
    """:func:`redact_case`, with the redaction's own id and offset maps.

    Everything the redaction moved or renamed it knows exactly, so a reader's selection
    in a redacted text, or an id on a redacted page, leads back to the machine's without
    aligning texts.

    Args:
        case: The case, unredacted.
        withhold_testimony: As for :func:`redact_case`.
        with_ids: Make the id maps (``Redaction.ids``); without them (empty) a large
            case's redaction holds a million fewer entries.

    Raises:
        RedactionError: A protected name (or withheld testimony) is still present after redaction.
    """
    w = assign_pseudonyms(case)
    r = _Redactor(case, w, withhold_testimony)
    gone = r.dropped
    values = {f.mention.id: f.value for f in case.figures}
    totals = r.value(case.totals)
    # A total whose every claim came from testimony goes too.
    totals = {k: t for (k, t), old in zip(totals.items(), case.totals.values())
              if not (isinstance(old, dict) and old.get("claims") and isinstance(t, dict) and not t.get("claims"))}
    ids = {} if not with_ids else {
        "documents": _paired((r.scrub(d.id), d.id) for d in case.documents),
        "mentions": _paired((r.refs[m.id], m.id) for m in _all_mentions(case) if m.id not in gone),
        "quotes": _paired((r.refs[q.mention.id], q.mention.id) for q in case.quotes),
        "figures": _paired((r.refs[f.mention.id], f.mention.id) for f in case.figures if f.mention.id not in gone),
        **{kind: _paired((r.value(x.id), x.id) for x in getattr(case, kind) if x.id not in gone)
           for kind in ("entities", "events", "claims")},
    }
    redacted = _checked(Case(
        documents=[r.texts.document(
            d, id=r.scrub(d.id), path=r.scrub(d.path), title=r.value(d.title), outlet=r.value(d.outlet),
            author=r.value(d.author), published=r.value(d.published), url=r.value(d.url),
            noise=tuple(NoiseSpan(*r.span(d.id, n.start, n.end), r.value(n.kind)) for n in d.noise),
            pages=tuple(r.maps[d.id].map(p, is_end=False) for p in d.pages))
            for d in case.documents],
        mentions={new.id: new for new in (r.mention(m) for m in case.mentions.values() if m.id not in gone)},
        entities=[r.entity(e) for e in case.entities if e.id not in gone],
        quotes=[dataclasses.replace(
            q, mention=r.mention(q.mention), speaker=None if q.speaker in gone else r.value(q.speaker),
            speaker_mention_id=None if q.speaker_mention_id in gone else r.value(q.speaker_mention_id),
            reported_by=r.value(q.reported_by), protected=q.mention.id in w.quotes or q.protected,
            speaker_label=w.quotes.get(q.mention.id) or r.value(q.speaker_label)) for q in case.quotes],
        figures=[dataclasses.replace(
            f, mention=r.mention(f.mention), event=r.value(f.event), subject=r.value(f.subject),
            attributed_to=r.value(f.attributed_to), when=r.value(f.when))
            for f in case.figures if f.mention.id not in gone],
        events=[r.event(e) for e in case.events if e.id not in gone],
        claims=[r.claim(c, values) for c in case.claims if c.id not in gone],
        protected=[ProtectedPerson(doc_id=r.scrub(p.doc_id), label=w.persons[i], names=(w.persons[i],),
                                   evidence=r.mention(p.evidence) if p.evidence is not None else None)
                   for i, p in enumerate(case.protected)],
        totals=totals,
        **_consolidated(r, case),
        schema_version=case.schema_version,
        settings_digest=case.settings_digest,  # a digest of settings names no one
        # Review states move with their items' ids; a reviewer's note is scrubbed like any text.
        reviews={r.refs.get(k, r.value(k)): r.value(v) for k, v in case.reviews.items() if k not in gone},
        reliability={r.value(k): r.value(v) for k, v in case.reliability.items()},
    ), w, withhold_testimony)
    return Redaction(redacted, ids, r.maps)


def _paired(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Redacted id -> machine id; an id that several machine items were rewritten to (their ids
    differed only in a protected name) names none of them for certain, so it is left out."""
    out: dict[str, str] = {}
    shared: set[str] = set()
    for new, old in pairs:
        if out.setdefault(new, old) != old:
            shared.add(new)
    return {new: old for new, old in out.items() if new not in shared}


def _consolidated(r: _Redactor, case: Case) -> dict[str, Any]:
    """The stored case-wide results as the redacted case holds them: ids, names and spans moved."""
    gone = r.dropped
    events = {e.id: e for e in case.events}
    originals = {k: d.original_id for k, d in case.duplicates.items()}
    timeline = (_timeline_entry(r, case, t, events, originals) for t in case.timeline)
    return {
        "duplicates": {r.scrub(k): dataclasses.replace(d, doc_id=r.scrub(d.doc_id), original_id=r.scrub(d.original_id))
                       for k, d in case.duplicates.items()},
        "provenance": {r.refs.get(mid, r.scrub(mid)): _origin(r, o) for mid, o in case.provenance.items()
                       if mid not in gone},
        "claim_details": {r.value(cid): r.value(d) for cid, d in case.claim_details.items() if cid not in gone},
        "timeline": [t for t in timeline if t is not None],
        "problems": [Problem(r.scrub(p.stage), r.scrub(p.document), r.scrub(p.error), r.scrub(p.message))
                     for p in case.problems],
    }


def _origin(r: _Redactor, o: Origin) -> Origin:
    """Where a figure or quote comes from, in the redacted case."""
    evidence = r.span(o.doc_id, *o.evidence) if o.evidence and o.doc_id in r.maps else o.evidence
    return dataclasses.replace(
        o, mention_id=r.refs.get(o.mention_id, r.scrub(o.mention_id)), doc_id=r.scrub(o.doc_id),
        source_key=r.value(o.source_key), source=r.value(o.source), source_kind=r.value(o.source_kind),
        how=r.value(o.how), relayed_by=tuple(r.value(list(o.relayed_by))), evidence=evidence,
        original_doc=r.scrub(o.original_doc) if o.original_doc else None)


def _timeline_entry(r: _Redactor, case: Case, entry: dict[str, Any], events: dict[str, Event],
                    originals: dict[str, str]) -> dict[str, Any] | None:
    """A timeline entry in the redacted case; None when every event of it was withheld.

    Its citations move with the text; its summary is the redacted summary of the event
    that leads it (the next one when that event was withheld as testimony).
    """
    kept = [e for e in entry.get("events") or [] if e not in r.dropped]
    if not kept:
        return None
    out: dict[str, Any] = r.value(entry)
    leads = [e for e in kept if e in events]
    lead = next((events[e] for e in leads if events[e].what == entry["what"]), None)
    if lead is None and leads:
        lead = events[leads[0]]
        out["date"], out["precision"] = r.value(lead.date), r.value(lead.precision)
    if lead is not None:
        out["what"] = r.event(lead).what
    if len(kept) < len(entry["events"]):
        docs = sorted({events[e].doc_id for e in leads})
        by_id = {d.id: d for d in case.documents}
        out["docs"] = [r.scrub(d) for d in docs]
        # Named as the timeline names a source: outlet, title, file name, short id.
        out["sources"] = sorted({r.value(by_id[d].outlet or by_id[d].title or by_id[d].path.rsplit("/", 1)[-1]
                                         or d[:12]) for d in docs if d in by_id})
        out["independent_reports"] = len({originals.get(d, d) for d in docs})
    return out


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in order, duplicates dropped (merged spans can share an id)."""
    return tuple(dict.fromkeys(items))


def _strings(v: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside a value, with a path naming where it sits."""
    if isinstance(v, str):
        yield path, v
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        for f in dataclasses.fields(v):
            yield from _strings(getattr(v, f.name), f"{path}.{f.name}")
    elif isinstance(v, dict):
        for i, (k, x) in enumerate(v.items()):
            # Paths never quote a key: a leaking key would put the name in the message.
            yield from _strings(k, f"{path}.key{i}")
            yield from _strings(x, f"{path}[{i}]")
    elif isinstance(v, (list, tuple, set, frozenset)):
        for i, x in enumerate(v):
            yield from _strings(x, f"{path}[{i}]")


def _checked(redacted: Case, w: Witnesses, withhold: bool = False) -> Case:
    """``redacted`` if no protected name (or withheld testimony) is left in any of its strings, else raise."""
    for path, text in _strings(redacted, "case"):
        if w.leaks(text, testimony=withhold):
            # The message names the field, never the name: logs are not redacted.
            raise RedactionError(f"a protected name{' or testimony' if withhold else ''} is still present in "
                                 f"{path} after redaction")
    return redacted


def assert_redacted(text: str, original: Case, *, where: str = "output", withhold_testimony: bool = False) -> None:
    """Raise unless ``text`` is free of every protected name of ``original``.

    The last check before anything redacted is written: run it on the final
    serialised output (JSON, CSV, Markdown, HTML with entities unescaped). It reads
    ``text`` as a reader would (invisible characters dropped, NFKC-normalised). With
    ``withhold_testimony`` the words of protected testimony must be absent too.

    Raises:
        RedactionError: A protected name (or withheld quote) occurs in ``text``.
    """
    redaction_check(original, where=where, withhold_testimony=withhold_testimony)(text)


def redaction_check(original: Case, *, where: str = "output", withhold_testimony: bool = False
                    ) -> Callable[[str], None]:
    """:func:`assert_redacted` for output written piece by piece: check each piece before it is written.

    The witnesses are found once; the check is then called with every piece of text (a
    JSON item, a batch of CSV rows, a page of the report). Pieces must end between
    values, never inside a name.

    Raises:
        RedactionError: (from the check) A protected name (or withheld quote) occurs in a piece.
    """
    w = assign_pseudonyms(original)
    what = "name or testimony" if withhold_testimony else "name"

    def check(text: str) -> None:
        if w.leaks(text, testimony=withhold_testimony):
            raise RedactionError(f"a protected {what} is still present in the {where}; nothing was written")
    return check


#: The modes :func:`redaction_notice` names.
REDACTION_MODES = ("identities", "testimony_withheld")


def redaction_notice(*, redacted: bool, withhold_testimony: bool = False, witnesses: int | None = None
                     ) -> dict[str, object]:
    """What an export or report says at its top about its redaction.

    Args:
        redacted: Whether protected identities were replaced.
        withhold_testimony: Whether the words of protected testimony were withheld too.
        witnesses: Number of protected witnesses in the case, if known.

    Returns:
        ``{"redacted": bool, "mode": "identities" | "testimony_withheld" | None,
        "notice": str}``.
    """
    if not redacted:
        count = "" if witnesses is None else f" ({witnesses} protected witness{'es' if witnesses != 1 else ''} found)"
        return {"redacted": False, "mode": None,
                "notice": "NOT REDACTED: this file contains the identities of protected witnesses" + count +
                          ". It must not be shared. Share a redacted export (--redact) instead."}
    how = ("Every protected witness's name, alias, pseudonym, initial and real name, and every detail a reviewer "
           "marked as identifying them, is replaced by a stable "
           "label such as [Witness 1], in every text and field; offsets are remapped so spans stay exact.")
    if withhold_testimony:
        return {"redacted": True, "mode": "testimony_withheld",
                "notice": "REDACTED, testimony withheld: " + how + " The words of each protected quote are "
                          f"replaced by {WITHHELD}, and facts taken from them are left out."}
    return {"redacted": True, "mode": "identities",
            "notice": "REDACTED: " + how + " The words of their testimony are kept."}
