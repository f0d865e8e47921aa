"""Redaction of protected witnesses at the output boundary.

A witness exposed can be killed, so this module fails closed: :func:`redact_case`
replaces every protected name, alias and protected quote by a stable pseudonym
(``[Witness N]``), re-maps every offset so spans stay exact, and then searches every
string of the result; if any protected name is still there it raises
:class:`RedactionError` instead of returning.

Pseudonyms are stable: witnesses are numbered in the order of their first appearance
(document id, then offset). The same name anywhere in the case is the same witness.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from corroborator._witness_names import PSEUDONYM, PSEUDONYM_RE, NameMatcher, norm, proper_names
from corroborator.errors import RedactionError
from corroborator.model import Case, Entity, Mention, NoiseSpan, ProtectedPerson, mention_id

logger = logging.getLogger(__name__)

# Shorter repeats of a protected quote are too likely to be ordinary phrases.
_MIN_QUOTE_REPEAT = 20


class _UnionFind:
    """Disjoint sets of hashable keys."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, key: Any) -> Any:
        """Root of ``key``'s set."""
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: Any, b: Any) -> None:
        """Merge the sets of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass(frozen=True)
class Witnesses:
    """Who is protected in a case and the pseudonym of each.

    Attributes:
        count: Number of distinct witnesses.
        names: Normalised protected name -> pseudonym.
        entities: Protected entity id -> pseudonym.
        quotes: Protected quote mention id -> pseudonym.
        persons: Pseudonym of each ``case.protected`` entry, in order.
    """

    count: int
    names: dict[str, str]
    entities: dict[str, str]
    quotes: dict[str, str]
    persons: tuple[str, ...]
    matcher: NameMatcher | None = None

    def name_spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, pseudonym)`` of every protected name in ``text``."""
        if self.matcher is None or not text:
            return []
        return [(s, e, self.names.get(norm(found), PSEUDONYM.format("?"))) for s, e, found in self.matcher.spans(text)]

    def scrub(self, value: str) -> str:
        """``value`` with every protected name replaced by its pseudonym."""
        return _replace(value, self.name_spans(value)) if self.matcher is not None and value else value

    def leaks(self, value: str) -> bool:
        """Whether ``value`` still contains a protected name (pseudonyms aside)."""
        return bool(self.name_spans(PSEUDONYM_RE.sub(" ", value)))


def assign_pseudonyms(case: Case) -> Witnesses:
    """Group the protected people of a case into witnesses and number them.

    Protected persons, protected entities and protected quotes that share a name are
    one witness; a quote joins its speaker's witness; a description ("the man") joins
    only within one document. A quote is treated as protected if it is marked so, or
    its speaker is a protected entity, or its speaker label is a protected name.

    Args:
        case: The case, unredacted.

    Returns:
        The pseudonym assignment, ordered by first appearance (document id, offset).
    """
    texts = {d.id: d.text for d in case.documents}
    uf = _UnionFind()
    first: dict[Any, tuple[str, int]] = {}
    all_names: set[str] = set()

    def add(node: Any, doc_id: str, offset: int, labels: Iterable[str | None]) -> None:
        """Register a member, link it to its names (or its in-document description)."""
        uf.find(node)
        first[node] = min(first.get(node, (doc_id, offset)), (doc_id, offset))
        for label in labels:
            names = proper_names(label)
            all_names.update(names)
            for name in names:
                uf.union(node, ("name", norm(name)))
            if label and PSEUDONYM_RE.fullmatch(label.strip()):
                uf.union(node, ("name", label.strip()))
            elif label and not names:
                uf.union(node, ("label", doc_id, norm(label)))

    for i, person in enumerate(case.protected):
        labels = (person.label, *person.names)
        text = texts.get(person.doc_id, "")
        offsets = [text.find(n) for label in labels for n in proper_names(label)]
        offsets = [o for o in offsets if o >= 0]
        if person.evidence is not None:
            offsets.append(person.evidence.start)
        add(("person", i), person.doc_id, min(offsets, default=len(text)), labels)

    protected_entities = {e.id: e for e in case.entities if e.protected}
    speaker_mentions: dict[str, str] = {}
    for entity in protected_entities.values():
        spans = [case.mentions[m] for m in entity.mention_ids if m in case.mentions]
        where = min(((m.doc_id, m.start) for m in spans), default=("\uffff", 0))
        add(("entity", entity.id), where[0], where[1], (entity.name, *entity.aliases))
        speaker_mentions.update((m, entity.id) for m in entity.mention_ids)

    name_keys = {norm(n) for n in all_names}
    # "one person who was arrested" is protected where a protected person is so described.
    described = {(p.doc_id, norm(p.label)) for p in case.protected if p.label and not proper_names(p.label)}
    for quote in case.quotes:
        by_entity = quote.speaker if quote.speaker in protected_entities else None
        by_entity = by_entity or speaker_mentions.get(quote.speaker_mention_id or "")
        label = quote.speaker_label or ""
        by_label = (quote.mention.doc_id, norm(label)) in described
        by_name = any(norm(n) in name_keys for n in proper_names(label))
        if not (quote.protected or by_entity or by_label or by_name):
            continue
        node = ("quote", quote.mention.id)
        add(node, quote.mention.doc_id, quote.mention.start, (quote.speaker_label,))
        if by_entity:
            uf.union(node, ("entity", by_entity))

    groups: dict[Any, list[Any]] = {}
    for node in first:
        groups.setdefault(uf.find(node), []).append(node)
    ordered = sorted(groups.values(), key=lambda members: min(first[m] for m in members))
    pseudonym_of: dict[Any, str] = {}
    for number, members in enumerate(ordered, start=1):
        for member in members:
            pseudonym_of[member] = PSEUDONYM.format(number)
    # A name node is no member itself: it reaches its pseudonym through its group's root.
    root_pseudonym = {uf.find(m): p for m, p in pseudonym_of.items()}
    names = {norm(n): root_pseudonym[uf.find(("name", norm(n)))] for n in all_names}
    return Witnesses(
        count=len(ordered),
        names=names,
        entities={k[1]: p for k, p in pseudonym_of.items() if k[0] == "entity"},
        quotes={k[1]: p for k, p in pseudonym_of.items() if k[0] == "quote"},
        persons=tuple(pseudonym_of[("person", i)] for i in range(len(case.protected))),
        matcher=NameMatcher(all_names) if all_names else None,
    )


class _OffsetMap:
    """Maps offsets of a text to offsets of the text with some spans replaced."""

    def __init__(self, spans: list[tuple[int, int, str]]):
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]
        self.new_starts: list[int] = []
        self.new_ends: list[int] = []
        shift = 0
        for start, end, replacement in spans:
            self.new_starts.append(start + shift)
            self.new_ends.append(start + shift + len(replacement))
            shift += len(replacement) - (end - start)

    def map(self, pos: int, *, is_end: bool) -> int:
        """New offset of ``pos``; inside a replaced span, that span's new start or end."""
        i = bisect.bisect_right(self.ends, pos)
        if i < len(self.starts) and self.starts[i] < pos < self.ends[i]:
            return self.new_ends[i] if is_end else self.new_starts[i]
        return pos + (self.new_ends[i - 1] - self.ends[i - 1] if i else 0)


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


def _all_mentions(case: Case) -> Iterator[Mention]:
    """Every mention the case holds, wherever it is kept."""
    yield from case.mentions.values()
    yield from (q.mention for q in case.quotes)
    yield from (f.mention for f in case.figures)
    yield from (p.evidence for p in case.protected if p.evidence is not None)


def _document_spans(case: Case, w: Witnesses) -> dict[str, list[tuple[int, int, str]]]:
    """Per document, the merged spans to replace by a pseudonym."""
    spans: dict[str, list[tuple[int, int, str]]] = {d.id: [] for d in case.documents}
    texts = {d.id: d.text for d in case.documents}
    for doc in case.documents:
        spans[doc.id] += w.name_spans(doc.text)
    for quote in case.quotes:
        pseudonym, m = w.quotes.get(quote.mention.id), quote.mention
        if pseudonym is None or m.doc_id not in spans:
            continue
        spans[m.doc_id].append((m.start, m.end, pseudonym))
        words = texts[m.doc_id][m.start:m.end]
        # The same words repeated in a pull quote would give the testimony away.
        if len(words) >= _MIN_QUOTE_REPEAT:
            at = texts[m.doc_id].find(words)
            while at >= 0:
                spans[m.doc_id].append((at, at + len(words), pseudonym))
                at = texts[m.doc_id].find(words, at + 1)
    for entity in case.entities:
        pseudonym = w.entities.get(entity.id)
        for m in (case.mentions[i] for i in entity.mention_ids if pseudonym and i in case.mentions):
            # A variant spelling NER tied to the witness is a name even if not listed.
            if m.doc_id in spans and proper_names(m.text):
                spans[m.doc_id].append((m.start, m.end, pseudonym))
    return {doc_id: _merge(s) for doc_id, s in spans.items()}


def redact_case(case: Case) -> Case:
    """A copy of ``case`` in which no protected witness can be identified.

    Every proper name, alias and label of a protected person, the span of every
    protected quote (and verbatim repeats of it in the same document) and every
    mention of a protected entity are replaced by the witness's pseudonym in every
    document text; every offset is re-mapped so ``text[start:end] == mention.text``
    still holds (a mention overlapping a replaced span grows to cover the pseudonym);
    names are replaced in every other string field too. Descriptions that name no one
    ("the man") are kept. The input is not modified.

    Args:
        case: The case, unredacted.

    Returns:
        The redacted case.

    Raises:
        RedactionError: A protected name is still present after redaction.
    """
    w = assign_pseudonyms(case)
    spans = _document_spans(case, w)
    maps = {doc_id: _OffsetMap(s) for doc_id, s in spans.items()}
    texts = {d.id: _replace(d.text, spans[d.id]) for d in case.documents}
    refs: dict[str, str] = {}

    def remap(m: Mention) -> Mention:
        """The mention in the redacted text, with its id recomputed from its new span."""
        omap, text = maps.get(m.doc_id), texts.get(m.doc_id)
        if omap is None or text is None:
            logger.warning("mention %s points at a document not in the case; kept without text", m.id)
            new = dataclasses.replace(m, id=w.scrub(m.id), doc_id=w.scrub(m.doc_id), text="", attrs=value(m.attrs))
        else:
            start, end = omap.map(m.start, is_end=False), omap.map(m.end, is_end=True)
            new_id = mention_id(w.scrub(m.doc_id), m.kind, start, end) if m.id == mention_id(m.doc_id, m.kind, m.start, m.end) else w.scrub(m.id)
            new = dataclasses.replace(m, id=new_id, doc_id=w.scrub(m.doc_id), start=start, end=end,
                                      text=text[start:end], attrs=value(m.attrs))
        refs[m.id] = new.id
        return new

    def value(v: Any) -> Any:
        """Any plain value with ids re-mapped and names replaced, recursively."""
        if isinstance(v, str):
            return refs[v] if v in refs else w.scrub(v)
        if isinstance(v, dict):
            out = {value(k): value(x) for k, x in v.items()}
            doc = v.get("doc")
            if doc in maps and isinstance(v.get("start"), int) and isinstance(v.get("end"), int):
                # A span cited inside a plain value (a total's citation) moves with its text.
                out["start"] = maps[doc].map(v["start"], is_end=False)
                out["end"] = maps[doc].map(v["end"], is_end=True)
                if "text" in v:
                    out["text"] = texts[doc][out["start"]:out["end"]]
            return out
        if isinstance(v, (list, tuple)):
            return type(v)(value(x) for x in v)
        return v

    # Entity ids may be built from a name (or its hash): protected ones get neutral ids.
    taken: set[str] = set()
    for entity in case.entities:
        if entity.id in w.entities:
            base = "witness:" + w.entities[entity.id].strip("[]").split()[-1]
            refs[entity.id] = base if base not in taken else f"{base}:{len(taken)}"
            taken.add(refs[entity.id])
    for m in list(_all_mentions(case)):
        remap(m)
    return _checked(Case(
        documents=[dataclasses.replace(
            d, id=w.scrub(d.id), path=w.scrub(d.path), title=value(d.title), outlet=value(d.outlet),
            author=value(d.author), published=value(d.published), url=value(d.url), text=texts[d.id],
            noise=tuple(NoiseSpan(maps[d.id].map(n.start, is_end=False), maps[d.id].map(n.end, is_end=True), value(n.kind))
                        for n in d.noise)) for d in case.documents],
        mentions={new.id: new for new in map(remap, case.mentions.values())},
        entities=[_redact_entity(e, w, value) for e in case.entities],
        quotes=[dataclasses.replace(
            q, mention=remap(q.mention), speaker=value(q.speaker), speaker_mention_id=value(q.speaker_mention_id),
            reported_by=value(q.reported_by), protected=q.mention.id in w.quotes or q.protected,
            speaker_label=w.quotes.get(q.mention.id) or value(q.speaker_label)) for q in case.quotes],
        figures=[dataclasses.replace(
            f, mention=remap(f.mention), event=value(f.event), subject=value(f.subject),
            attributed_to=value(f.attributed_to), when=value(f.when)) for f in case.figures],
        events=[dataclasses.replace(
            e, id=value(e.id), doc_id=w.scrub(e.doc_id), date=value(e.date), precision=value(e.precision),
            what=value(e.what), mention_ids=_unique(value(e.mention_ids))) for e in case.events],
        claims=[dataclasses.replace(
            c, id=value(c.id), event=value(c.event), figure_ids=_unique(value(c.figure_ids)), note=value(c.note),
            status=value(c.status)) for c in case.claims],
        protected=[ProtectedPerson(doc_id=w.scrub(p.doc_id), label=w.persons[i], names=(w.persons[i],),
                                   evidence=remap(p.evidence) if p.evidence is not None else None)
                   for i, p in enumerate(case.protected)],
        totals=value(case.totals),
        schema_version=case.schema_version,
    ), w)


def _redact_entity(entity: Entity, w: Witnesses, value: Any) -> Entity:
    """The entity with names replaced; a protected one is known by its pseudonym only."""
    pseudonym = w.entities.get(entity.id)
    name = pseudonym or value(entity.name)
    aliases = _unique(a for a in value(entity.aliases) if a != name)
    return dataclasses.replace(entity, id=value(entity.id), name=name, type=value(entity.type), aliases=aliases,
                               mention_ids=_unique(value(entity.mention_ids)), why=value(entity.why))


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


def _checked(redacted: Case, w: Witnesses) -> Case:
    """``redacted`` if no protected name is left in any of its strings, else raise."""
    for path, text in _strings(redacted, "case"):
        if w.leaks(text):
            # The message names the field, never the name: logs are not redacted.
            raise RedactionError(f"a protected name is still present in {path} after redaction")
    return redacted


def assert_redacted(text: str, original: Case, *, where: str = "output") -> None:
    """Raise unless ``text`` is free of every protected name of ``original``.

    The last check before anything redacted is written: run it on the final
    serialised output (JSON, CSV, Markdown, HTML with entities unescaped).

    Raises:
        RedactionError: A protected name occurs in ``text``.
    """
    if assign_pseudonyms(original).leaks(text):
        raise RedactionError(f"a protected name is still present in the {where}; nothing was written")
