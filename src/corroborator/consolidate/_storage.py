"""The consolidation's own tables in the case file, and reading them back.

The case file's own tables keep entities, quote speakers, claims and totals; the rest
of the case-wide results live here: near-duplicate links, the original
source of every figure and quote, claim details and the merged timeline. The entity
mentions the resolver makes (titles, "the paper") go into the shared ``mentions``
table under the resolver's extractor name, replaced on every run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from corroborator.consolidate.duplicates import DuplicateLink
from corroborator.consolidate.entities import EXTRACTOR as ENTITY_EXTRACTOR
from corroborator.consolidate.provenance import Provenance
from corroborator.model import Claim, Entity, Mention
from corroborator.store import CaseStore, bulk_insert

logger = logging.getLogger(__name__)

DDL = """
CREATE TABLE IF NOT EXISTS doc_duplicates (doc_id VARCHAR PRIMARY KEY, original_id VARCHAR, similarity DOUBLE);
CREATE TABLE IF NOT EXISTS provenance (
    mention_id VARCHAR PRIMARY KEY, doc_id VARCHAR, kind VARCHAR, source_key VARCHAR, source_name VARCHAR,
    source_kind VARCHAR, how VARCHAR, relayed_by VARCHAR, evidence_start INTEGER, evidence_end INTEGER,
    original_doc VARCHAR);
CREATE TABLE IF NOT EXISTS claim_details (claim_id VARCHAR PRIMARY KEY, data VARCHAR);
CREATE TABLE IF NOT EXISTS timeline (id VARCHAR PRIMARY KEY, date VARCHAR, precision VARCHAR, what VARCHAR, data VARCHAR);
"""
_TABLES = ("doc_duplicates", "provenance", "claim_details", "timeline")


class ConsolidationWriter:
    """Writes consolidation results into the case file as they are made, in one transaction.

    Use as a context manager: entering empties every table of the case-wide results,
    leaving commits them all, an exception rolls them all back. Call it with each
    result (a :class:`~corroborator.consolidate.Consolidation` field name and its value).
    """

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self.con = store.con
        self.counts: dict[str, int] = {}

    def __enter__(self) -> ConsolidationWriter:
        con = self.con
        con.execute(DDL)
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM mentions WHERE extractor = ?", [ENTITY_EXTRACTOR])
        for table in (*_TABLES, "entities", "claims", "totals"):
            con.execute(f"DELETE FROM {table}")
        con.execute("UPDATE quotes SET speaker = NULL")
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")

    def __call__(self, name: str, value: Any) -> None:
        self.counts[name] = len(value)
        getattr(self, "_" + name)(value)

    def _speakers(self, speakers: dict[str, str | None]) -> None:
        self.store.write_quote_speakers(speakers)

    def _duplicates(self, duplicates: Sequence[DuplicateLink]) -> None:
        bulk_insert(self.con, "doc_duplicates", ((d.doc_id, d.original_id, d.similarity) for d in duplicates))

    def _entities(self, entities: Sequence[Entity]) -> None:
        self.store.write_entities(entities)

    def _by_mention(self, by_mention: Mapping[str, str]) -> None:
        pass  # the entities carry their mention ids

    def _new_mentions(self, mentions: Sequence[Mention]) -> None:
        bulk_insert(self.con, "mentions", ((m.id, m.doc_id, m.start, m.end, m.kind, m.extractor, m.text,
                                            json.dumps(m.attrs)) for m in mentions), replace=True)

    def _figure_sources(self, sources: Mapping[str, Provenance]) -> None:
        self._provenance("figure", sources)

    def _quote_sources(self, sources: Mapping[str, Provenance]) -> None:
        self._provenance("quote", sources)

    def _provenance(self, kind: str, sources: Mapping[str, Provenance]) -> None:
        bulk_insert(self.con, "provenance", (
            (mid, p.doc_id, kind, p.source.key, p.source.name, p.source.kind, p.how, json.dumps(list(p.relayed_by)),
             p.evidence[0] if p.evidence else None, p.evidence[1] if p.evidence else None, p.original_doc)
            for mid, p in sources.items()))

    def _totals(self, totals: dict[str, Any]) -> None:
        self.store.write_totals(totals)

    def _claim_details(self, details: Mapping[str, dict[str, Any]]) -> None:
        bulk_insert(self.con, "claim_details", ((cid, json.dumps(d)) for cid, d in details.items()))

    def _timeline(self, timeline: Sequence[dict[str, Any]]) -> None:
        bulk_insert(self.con, "timeline", ((t["id"], t["date"], t["precision"], t["what"], json.dumps(t))
                                           for t in timeline))

    def _claims(self, claims: Sequence[Claim]) -> None:
        self.store.write_claims(claims)


def read_details(store: CaseStore) -> dict[str, Any]:
    """What :class:`ConsolidationWriter` wrote: ``{"duplicates", "provenance", "claims", "timeline"}``.

    Returns empty collections for a case file consolidated before these tables existed.
    """
    tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not set(_TABLES) <= tables:
        return {"duplicates": [], "provenance": {}, "claims": {}, "timeline": []}
    con = store.con
    return {
        "duplicates": [{"doc": r[0], "original": r[1], "similarity": r[2]}
                       for r in con.execute("SELECT * FROM doc_duplicates ORDER BY original_id, doc_id").fetchall()],
        "provenance": {r[0]: {"doc": r[1], "kind": r[2], "source_key": r[3], "source": r[4], "source_kind": r[5],
                              "how": r[6], "relayed_by": json.loads(r[7] or "[]"),
                              "evidence": [r[8], r[9]] if r[8] is not None else None, "original_doc": r[10]}
                       for r in con.execute("SELECT * FROM provenance ORDER BY doc_id, mention_id").fetchall()},
        "claims": {r[0]: json.loads(r[1]) for r in con.execute("SELECT * FROM claim_details ORDER BY claim_id").fetchall()},
        "timeline": [json.loads(r[0]) for r in con.execute("SELECT data FROM timeline ORDER BY date, id").fetchall()],
    }
