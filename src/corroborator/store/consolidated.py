"""The case-wide results consolidation stores: entities, speakers, claims, totals and their details.

Consolidation computes; this repository writes what it computed and reads it back:
entities, quote speakers, claims and totals, near-duplicate links, the original source
of every figure and quote (provenance), claim details and the merged timeline. The
entity mentions the resolver makes (titles, "the paper") go into the shared
``mentions`` table under the resolver's extractor name, replaced on every run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from corroborator.model import Claim, Duplicate, Entity, Mention, Origin
from corroborator.store._files import bulk_insert
from corroborator.store._rows import rows

#: The tables only consolidation writes (besides ``entities``, ``claims``, ``totals``).
DETAIL_TABLES = ("doc_duplicates", "provenance", "claim_details", "timeline")


class ConsolidatedRepository:
    """Writes and reads the case-wide results of one case file."""

    def __init__(self, con: Any) -> None:
        self._con = con

    # -- writing ----------------------------------------------------------------------
    @contextmanager
    def replacing(self, resolver_extractor: str) -> Iterator[ConsolidatedRepository]:
        """A transaction that first empties every case-wide result, then takes the new ones.

        Leaving commits them all; an exception rolls them all back.

        Args:
            resolver_extractor: The extractor name of the mentions consolidation makes
                (removed with the rest).
        """
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM mentions WHERE extractor = ?", [resolver_extractor])
            for table in DETAIL_TABLES:
                con.execute(f"DELETE FROM {table}")
            self.clear()
            yield self
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def clear(self) -> None:
        """Empty entities, claims and totals and unset quote speakers (inside the caller's transaction)."""
        for table in ("entities", "claims", "totals"):
            self._con.execute(f"DELETE FROM {table}")
        self._con.execute("UPDATE quotes SET speaker = NULL")

    def write_entities(self, entities: Iterable[Entity]) -> None:
        """Add entities."""
        bulk_insert(self._con, "entities", (
            (e.id, e.name, e.type, json.dumps(list(e.aliases)), json.dumps(list(e.mention_ids)), e.protected,
             json.dumps(list(e.why))) for e in entities))

    def write_quote_speakers(self, quote_speakers: Mapping[str, str | None]) -> None:
        """Set the speaker entity of quotes (quote mention id to entity id)."""
        if not quote_speakers:
            return
        con = self._con
        con.execute("CREATE OR REPLACE TEMP TABLE quote_speakers (mention_id VARCHAR, speaker VARCHAR)")
        bulk_insert(con, "quote_speakers", quote_speakers.items())
        con.execute("UPDATE quotes SET speaker = s.speaker FROM quote_speakers s WHERE quotes.mention_id = s.mention_id")
        con.execute("DROP TABLE quote_speakers")

    def write_claims(self, claims: Iterable[Claim]) -> None:
        """Add claims."""
        bulk_insert(self._con, "claims", (
            (c.id, c.event, c.low, c.high, json.dumps(list(c.figure_ids)), c.independent_sources, c.status, c.note)
            for c in claims))

    def write_totals(self, totals: Mapping[str, Any]) -> None:
        """Add the totals per event kind."""
        bulk_insert(self._con, "totals", ((k, json.dumps(v)) for k, v in totals.items()))

    def write_mentions(self, mentions: Iterable[Mention]) -> None:
        """Add (or replace) mentions consolidation made."""
        bulk_insert(self._con, "mentions", ((m.id, m.doc_id, m.start, m.end, m.kind, m.extractor, m.text,
                                             json.dumps(m.attrs)) for m in mentions), replace=True)

    def write_duplicates(self, links: Iterable[Any]) -> None:
        """Add near-duplicate links (anything with ``doc_id``, ``original_id``, ``similarity``)."""
        bulk_insert(self._con, "doc_duplicates", ((d.doc_id, d.original_id, d.similarity) for d in links))

    def write_provenance(self, kind: str, sources: Mapping[str, Any]) -> None:
        """Add where each figure or quote comes from.

        Args:
            kind: ``figure`` or ``quote``.
            sources: Mention id to a provenance (``doc_id``, ``source`` with ``key``,
                ``name`` and ``kind``, ``how``, ``relayed_by``, ``evidence``, ``original_doc``).
        """
        bulk_insert(self._con, "provenance", (
            (mid, p.doc_id, kind, p.source.key, p.source.name, p.source.kind, p.how, json.dumps(list(p.relayed_by)),
             p.evidence[0] if p.evidence else None, p.evidence[1] if p.evidence else None, p.original_doc)
            for mid, p in sources.items()))

    def write_claim_details(self, details: Mapping[str, Mapping[str, Any]]) -> None:
        """Add the details of each claim."""
        bulk_insert(self._con, "claim_details", ((cid, json.dumps(d)) for cid, d in details.items()))

    def write_timeline(self, timeline: Sequence[Mapping[str, Any]]) -> None:
        """Add the entries of the merged timeline."""
        bulk_insert(self._con, "timeline", ((t["id"], t["date"], t["precision"], t["what"], json.dumps(t))
                                            for t in timeline))

    # -- reading ----------------------------------------------------------------------
    def duplicates(self) -> dict[str, Duplicate]:
        """Copy document id to its link to the original, by original then copy."""
        found = self._con.execute("SELECT doc_id, original_id, similarity FROM doc_duplicates "
                                  "ORDER BY original_id, doc_id").fetchall()
        return {r[0]: Duplicate(r[0], r[1], r[2]) for r in found}

    def provenance(self) -> dict[str, Origin]:
        """Figure or quote mention id to where it comes from, by document then mention."""
        cursor = self._con.execute(
            "SELECT mention_id, doc_id, kind, source_key, source_name, source_kind, how, relayed_by, evidence_start, "
            "evidence_end, original_doc FROM provenance ORDER BY doc_id, mention_id")
        # Documents, sources and ways repeat over a case's many figures: one string each.
        one = _Shared()
        return {r[0]: Origin(r[0], one(r[1]), one(r[2]), one(r[3]), one(r[4]), one(r[5]), one(r[6]),
                             tuple(one(x) for x in json.loads(r[7] or "[]")),
                             (r[8], r[9]) if r[8] is not None else None, one(r[10])) for r in rows(cursor)}

    def claim_details(self) -> dict[str, dict[str, Any]]:
        """Claim id to its details."""
        cursor = self._con.execute("SELECT claim_id, data FROM claim_details ORDER BY claim_id")
        decoder = _Shared().decoder()
        return {r[0]: decoder.decode(r[1]) for r in rows(cursor)}

    def timeline(self) -> list[dict[str, Any]]:
        """The merged timeline in its own order: by date, most reports first, then id."""
        decoder = _Shared().decoder()
        entries = [decoder.decode(r[0]) for r in rows(self._con.execute("SELECT data FROM timeline"))]
        entries.sort(key=lambda t: (t["date"], -len(t.get("docs") or ()), t["id"]))
        return entries

    def details(self) -> dict[str, Any]:
        """Everything but entities, claims and totals as plain data.

        Returns:
            ``{"duplicates": [{"doc", "original", "similarity"}], "provenance": {mention
            id: {"doc", "kind", "source_key", "source", "source_kind", "how", "relayed_by",
            "evidence", "original_doc"}}, "claims": {claim id: details}, "timeline": [...]}``.
        """
        return {
            "duplicates": [{"doc": d.doc_id, "original": d.original_id, "similarity": d.similarity}
                           for d in self.duplicates().values()],
            "provenance": {mid: {"doc": o.doc_id, "kind": o.kind, "source_key": o.source_key, "source": o.source,
                                 "source_kind": o.source_kind, "how": o.how, "relayed_by": list(o.relayed_by),
                                 "evidence": list(o.evidence) if o.evidence else None, "original_doc": o.original_doc}
                           for mid, o in self.provenance().items()},
            "claims": self.claim_details(),
            "timeline": self.timeline(),
        }


class _Shared:
    """One string object for each distinct short string read (keys, names, kinds repeat over a case)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) <= 80:
            return self.seen.setdefault(value, value)
        return value

    def decoder(self) -> json.JSONDecoder:
        """A JSON decoder whose objects share their keys and short string values."""
        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            return {self(k): self(v) if isinstance(v, str) else _shared_list(self, v) for k, v in items}
        return json.JSONDecoder(object_pairs_hook=pairs)


def _shared_list(shared: _Shared, value: Any) -> Any:
    """A decoded list with its short strings shared (other values as they are)."""
    if isinstance(value, list):
        return [shared(x) if isinstance(x, str) else x for x in value]
    return value
