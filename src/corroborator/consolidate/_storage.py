"""The consolidation's own tables in the case file, and reading them back.

``CaseStore.replace_consolidated`` keeps entities, quote speakers, claims and totals;
the rest of the case-wide results live here: near-duplicate links, the original
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
from corroborator.model import Mention
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


def save_details(store: CaseStore, *, mentions: Sequence[Mention], duplicates: Sequence[DuplicateLink],
                 provenance: Mapping[str, tuple[str, Provenance]], claim_details: Mapping[str, dict[str, Any]],
                 timeline: Sequence[dict[str, Any]]) -> None:
    """Replace the consolidation tables (and the resolver's mentions) in one transaction."""
    con = store.con
    con.execute(DDL)
    with store.transaction():
        con.execute("DELETE FROM mentions WHERE extractor = ?", [ENTITY_EXTRACTOR])
        for table in _TABLES:
            con.execute(f"DELETE FROM {table}")
        bulk_insert(con, "mentions", ((m.id, m.doc_id, m.start, m.end, m.kind, m.extractor, m.text,
                                       json.dumps(m.attrs)) for m in mentions), replace=True)
        bulk_insert(con, "doc_duplicates", ((d.doc_id, d.original_id, d.similarity) for d in duplicates))
        bulk_insert(con, "provenance", (
            (mid, p.doc_id, kind, p.source.key, p.source.name, p.source.kind, p.how, json.dumps(list(p.relayed_by)),
             p.evidence[0] if p.evidence else None, p.evidence[1] if p.evidence else None, p.original_doc)
            for mid, (kind, p) in provenance.items()))
        bulk_insert(con, "claim_details", ((cid, json.dumps(d)) for cid, d in claim_details.items()))
        bulk_insert(con, "timeline", ((t["id"], t["date"], t["precision"], t["what"], json.dumps(t)) for t in timeline))


def read_details(store: CaseStore) -> dict[str, Any]:
    """What :func:`save_details` wrote: ``{"duplicates", "provenance", "claims", "timeline"}``.

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
