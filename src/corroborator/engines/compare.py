"""What two builds of the same inputs must agree on, whichever engine made them.

:func:`case_fingerprint` reduces a case file to plain, sorted data: its documents,
entities (names, types, aliases), quotes and their speakers, figures, claims (event,
low, high, status, independent sources), totals, protected witnesses, near-duplicate
links and provenance. :func:`differences` names the parts where two cases differ. A
cluster run can be checked against a local build of a sample of its inputs this way
(``bench/compare_engines.py``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from corroborator.api import load_case

__all__ = ["case_fingerprint", "differences"]


def case_fingerprint(case: str | os.PathLike[str]) -> dict[str, Any]:
    """The parts of a case two engines must give alike, as sorted plain data."""
    c = load_case(case)
    entity_name = {e.id: e.name for e in c.entities}
    return {
        "documents": sorted((d.id, d.path, d.text, d.title, d.outlet, d.published) for d in c.documents),
        "entities": sorted((e.name, e.type, tuple(sorted(e.aliases)), e.protected) for e in c.entities),
        "quotes": sorted((q.mention.doc_id, q.mention.start, q.mention.end, q.speaker_label,
                          entity_name.get(q.speaker or "", q.speaker), q.protected) for q in c.quotes),
        "figures": sorted((f.mention.doc_id, f.mention.start, f.mention.end, f.event, f.value, f.qualifier)
                          for f in c.figures),
        "claims": sorted((k.event, k.low, k.high, k.status, k.independent_sources, len(k.figure_ids))
                         for k in c.claims),
        "totals": json.loads(json.dumps(c.totals, sort_keys=True, default=str)),
        "protected": sorted((p.doc_id, p.label) for p in c.protected),
        "duplicates": sorted((d.doc_id, d.original_id, d.similarity) for d in c.duplicates.values()),
        "provenance": sorted((o.mention_id, o.source_key, o.how, o.original_doc) for o in c.provenance.values()),
    }


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The parts two fingerprints differ in, each with a count of the items only one side has."""
    found = []
    for key in a.keys() | b.keys():
        left, right = a.get(key), b.get(key)
        if left == right:
            continue
        if isinstance(left, list) and isinstance(right, list):
            only_a = len([x for x in left if x not in right])
            only_b = len([x for x in right if x not in left])
            found.append(f"{key}: {only_a} only in the first, {only_b} only in the second")
        else:
            found.append(f"{key}: differ")
    return sorted(found)
