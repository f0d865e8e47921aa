"""Reading a case file lean, one kind of extraction at a time, for consolidation.

Only what consolidation reads is loaded: no date mentions (events carry their dates),
no extraction details of quotes and event sentences, a few attributes of figures, no
previous consolidation results. Items come in :meth:`CaseStore.load_case`'s order.

Document texts are what grows most with a case, and the case steps read each one a
few times, a document at a time: :meth:`LeanReader.documents` keeps them compressed
in a :class:`TextShelf` and gives documents whose ``text`` is unpacked when read (the
last few stay unpacked), so a case's texts are never all held as strings.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from corroborator.model import Document, Event, Figure, Mention, ProtectedPerson, Quote
from corroborator.store._rows import DOCUMENT_COLUMNS, document, mention, rows

#: Figure attributes read by provenance, places and claims.
FIGURE_ATTRS = ("sentence", "in_noise", "attribution_span", "relayed_by", "hit", "single", "aggregate", "persons")
_NO_ATTRS: dict[str, Any] = {}
#: The fields of a document other than its text, set one by one on a shelved document.
_ALL_FIELDS = tuple(f.name for f in dataclasses.fields(Document))
_FIELDS = tuple(name for name in _ALL_FIELDS if name != "text")
_SLOT = {name: Document.__dict__[name] for name in _FIELDS}
#: Fields whose few distinct values repeat over a case's documents.
_SHARED = ("media_type", "outlet", "author", "published", "language")


class TextShelf:
    """Document texts kept compressed in memory; the last few read are kept unpacked.

    Args:
        unpacked: How many texts read last stay unpacked (a step reads one document's
            text many times in a row).
    """

    def __init__(self, unpacked: int = 16) -> None:
        self._packed: dict[str, bytes] = {}
        self._unpacked: OrderedDict[str, str] = OrderedDict()
        self._keep = unpacked

    def put(self, doc_id: str, text: str) -> None:
        """Keep ``text`` as the text of ``doc_id``."""
        self._packed[doc_id] = zlib.compress(text.encode("utf-8", "surrogatepass"), 1)

    def text(self, doc_id: str) -> str:
        """The text of ``doc_id``."""
        found = self._unpacked.get(doc_id)
        if found is not None:
            self._unpacked.move_to_end(doc_id)
            return found
        found = zlib.decompress(self._packed[doc_id]).decode("utf-8", "surrogatepass")
        self._unpacked[doc_id] = found
        if len(self._unpacked) > self._keep:
            self._unpacked.popitem(last=False)
        return found

    def packed_size(self) -> int:
        """Bytes the compressed texts take."""
        return sum(len(b) for b in self._packed.values())


class ShelvedDocument(Document):
    """A :class:`Document` whose ``text`` is read from a :class:`TextShelf` when asked for.

    It reads and compares like the document it stands for; pickled, it becomes that
    plain document. Made by :func:`shelved`, never by calling the class.
    """

    __slots__ = ("_shelf",)

    @property  # type: ignore[override]
    def text(self) -> str:  # noqa: D102 (the document's text)
        return self._shelf.text(self.id)

    def __reduce__(self) -> tuple[Any, ...]:
        return Document, _values(self)

    def __eq__(self, other: object) -> bool:
        # Equal to the plain document it stands for, as to another shelved one.
        return _values(self) == _values(other) if isinstance(other, Document) else NotImplemented

    def __hash__(self) -> int:
        return hash(_values(self))  # a frozen dataclass's hash: that of its values in order


def _values(doc: Document) -> tuple[Any, ...]:
    """A document's field values in order (its text unpacked)."""
    return tuple(getattr(doc, name) for name in _ALL_FIELDS)


def replace_document(doc: Document, shelf: TextShelf | None = None, **changes: Any) -> Document:
    """``dataclasses.replace`` for a document that may be shelved.

    A plain document is replaced as usual. A shelved one gives a shelved document
    whose text (the new one, or its own) goes on ``shelf``: a shelf of its own for a
    changed copy of a case, since a shelf holds one text per document id.
    """
    if not isinstance(doc, ShelvedDocument):
        return dataclasses.replace(doc, **changes)
    if shelf is None:
        raise ValueError("a shelved document is replaced onto a shelf of its own: give one")
    values = {name: changes.get(name, getattr(doc, name)) for name in _FIELDS}
    return shelved(Document(text=changes["text"] if "text" in changes else doc.text, **values), shelf)


def shelved(doc: Document, shelf: TextShelf) -> ShelvedDocument:
    """``doc`` with its text put on ``shelf`` and read from there."""
    shelf.put(doc.id, doc.text)
    lean = object.__new__(ShelvedDocument)
    for name in _FIELDS:
        _SLOT[name].__set__(lean, getattr(doc, name))
    # Many documents share an outlet, a type, a date; a document's id is usually its sha256: one string each.
    for name in _SHARED:
        value = getattr(doc, name)
        if isinstance(value, str):
            _SLOT[name].__set__(lean, sys.intern(value))
    if doc.sha256 == doc.id:
        _SLOT["sha256"].__set__(lean, doc.id)
    ShelvedDocument.__dict__["_shelf"].__set__(lean, shelf)
    return lean


class LeanReader:
    """A case file, read lean and a kind at a time (nothing is kept here between calls).

    Args:
        con: The case file's connection.
        skip_extractor: Mentions of this extractor are left out (the ones consolidation
            itself made on an earlier run).
    """

    def __init__(self, con: Any, skip_extractor: str) -> None:
        self.con = con
        self.skip = skip_extractor

    def documents(self) -> list[Document]:
        """Every document, by path and id, its text kept compressed until read (see :class:`ShelvedDocument`)."""
        shelf = TextShelf()
        docs: list[Document] = [shelved(document(r), shelf)
                                for r in rows(self.con.execute(f"SELECT {DOCUMENT_COLUMNS} FROM documents"), 500)]
        docs.sort(key=lambda d: (d.path, d.id))  # here, not in DuckDB, which would hold every text to sort
        return docs

    def protected(self) -> list[ProtectedPerson]:
        """Every protected witness, with the mention that says so."""
        found = self.con.execute("SELECT doc_id, label, names, evidence_mention_id FROM protected "
                                 "ORDER BY doc_id, label").fetchall()
        evidence = {m.id: m for m in self._select("id IN (SELECT evidence_mention_id FROM protected)", [])}
        return [ProtectedPerson(doc_id=r[0], label=r[1], names=tuple(json.loads(r[2])), evidence=evidence.get(r[3]))
                for r in found]

    def mentions(self, kind: str) -> list[Mention]:
        """Mentions of one kind the extractors made (not the skipped one's), in text order."""
        return _in_text_order(self._select("kind = ? AND extractor <> ?", [kind, self.skip]))

    def quote_speakers(self) -> list[tuple[str, str]]:
        """``(quote mention id, speaker mention id)`` of every quote with a speaker span."""
        found = self.con.execute("""SELECT q.mention_id, q.speaker_mention_id FROM quotes q
            JOIN mentions m ON m.id = q.mention_id WHERE q.speaker_mention_id IS NOT NULL""").fetchall()
        return [(r[0], r[1]) for r in found]

    def figures(self) -> list[Figure]:
        """Every figure, in text order."""
        by_id = {m.id: m for m in self.mentions("figure")}
        return _by_mention_order([
            Figure(by_id[r[0]], event=r[1], value=r[2], qualifier=r[3], subject=r[4], attributed_to=r[5], when=r[6])
            for r in rows(self.con.execute("""SELECT mention_id, event, value, qualifier, subject, attributed_to,
                "when" FROM figures""")) if r[0] in by_id])

    def quotes(self) -> list[Quote]:
        """Every quote, in text order."""
        by_id = {m.id: m for m in self.mentions("quote")}
        return _by_mention_order([
            Quote(by_id[r[0]], speaker_label=r[1], speaker_mention_id=r[2], speaker=r[3], protected=bool(r[4]),
                  reported_by=r[5])
            for r in rows(self.con.execute("""SELECT mention_id, speaker_label, speaker_mention_id, speaker,
                protected, reported_by FROM quotes""")) if r[0] in by_id])

    def events(self) -> list[Event]:
        """Every event, by date."""
        return [
            Event(id=r[0], doc_id=sys.intern(r[1]), date=r[2], precision=r[3], what=r[4],
                  mention_ids=tuple(json.loads(r[5])))
            for r in rows(self.con.execute("SELECT id, doc_id, date, precision, what, mention_ids FROM events "
                                           "ORDER BY date, doc_id, id"))
        ]

    def _select(self, where: str, params: list[Any]) -> Iterator[Mention]:
        # No ORDER BY: sorting a million rows in DuckDB holds them all in its own memory.
        shared: dict[str, dict[str, Any]] = {}
        cursor = self.con.execute(f"""SELECT id, doc_id, start, "end", kind, extractor, text,
            CASE WHEN kind IN ('quote', 'event') THEN NULL ELSE attrs END FROM mentions WHERE {where}""", params)
        for row in rows(cursor):
            yield _figure_mention(row) if row[4] == "figure" else mention(row, shared)


def _position(m: Mention) -> tuple[str, int]:
    return m.doc_id, m.start


def _in_text_order(mentions: Iterator[Mention]) -> list[Mention]:
    found = list(mentions)
    found.sort(key=_position)
    return found


def _by_mention_order(items: list[Any]) -> list[Any]:
    """Quotes or figures ordered by document and position, as ``load_case`` gives them."""
    items.sort(key=lambda x: _position(x.mention))
    return items


def _figure_mention(row: Sequence[Any]) -> Mention:
    """A figure mention with only the attributes consolidation reads."""
    attrs = json.loads(row[7] or "{}")
    kept = {k: attrs[k] for k in FIGURE_ATTRS if k in attrs} or _NO_ATTRS
    return Mention(id=row[0], doc_id=sys.intern(row[1]), start=row[2], end=row[3], kind="figure",
                   extractor=sys.intern(row[5]), text=row[6], attrs=kept)
