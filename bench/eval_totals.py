"""Evaluate casualty totals on real local news: killed / injured per incident.

For each incident of a GVA-style JSONL file (``incident_id``, ``killed``, ``injured``,
``articles``), build a case from its articles through the public API and compare
``totals.killed.best`` / ``totals.injured.best`` (absent = 0) with the archive's counts.
Prints accuracy and examples of each error class with the span that chose the figure.

    .venv/bin/python bench/eval_totals.py ../shared/data/gva-dev/incidents.jsonl --workers 2
    .venv/bin/python bench/eval_totals.py DATA --split dev      # even incident index only
    .venv/bin/python bench/eval_totals.py DATA --split check    # odd incident index only

The article texts are read from DATA at run time; nothing of them is stored here.
Outputs (``--out``) go to bench/out/, which is not versioned.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any


def _warm() -> None:
    """Load spaCy once per worker process (``load_pipeline`` is cached per process)."""
    logging.disable(logging.WARNING)
    from corroborator.analyze.entities import load_pipeline

    load_pipeline()


def _best(total: dict[str, Any] | None) -> tuple[int, str]:
    """The best figure of a total and the (one-line, short) text of its first citation."""
    if not total:
        return 0, ""
    cites = total.get("citations") or []
    span = " ".join(cites[0]["text"].split())[:90] if cites else ""
    return int(total.get("best") or 0), span


def evaluate(incident: dict[str, Any]) -> dict[str, Any]:
    """Build one incident's case and read its totals."""
    from corroborator import BuildOptions, build, load_case

    with tempfile.TemporaryDirectory(prefix="gva-") as tmp:
        path = Path(tmp) / "reports.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for a in incident["articles"]:
                row = {k: a.get(k) for k in ("id", "title", "text", "published", "url") if a.get(k) is not None}
                out.write(json.dumps(row) + "\n")
        case_path = Path(tmp) / "case.duckdb"
        build([str(path)], str(case_path), BuildOptions(workers=1))
        case = load_case(str(case_path))
    totals = case.totals or {}
    killed, killed_span = _best(totals.get("killed"))
    injured, injured_span = _best(totals.get("injured"))
    return {
        "id": str(incident["incident_id"]), "gold_killed": int(incident["killed"]),
        "gold_injured": int(incident["injured"]), "killed": killed, "injured": injured,
        "killed_span": killed_span, "injured_span": injured_span,
        "killed_note": (totals.get("killed") or {}).get("note", ""),
        "injured_note": (totals.get("injured") or {}).get("note", ""),
    }


def _error_class(kind: str, gold: int, got: int) -> str:
    if got == gold:
        return ""
    if got == 0:
        return f"{kind} missing"
    if gold == 0:
        return f"{kind} spurious"
    return f"{kind} too high" if got > gold else f"{kind} too low"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="incidents JSONL")
    parser.add_argument("--limit", type=int, default=None, help="at most N incidents (after --offset and --split)")
    parser.add_argument("--offset", type=int, default=0, help="skip the first N incidents")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--split", choices=("all", "dev", "check"), default="all",
                        help="dev: even incident index; check: odd incident index")
    parser.add_argument("--examples", type=int, default=6, help="examples shown per error class")
    parser.add_argument("--out", default=None, help="write per-incident results as JSONL here")
    args = parser.parse_args()

    with open(args.data, encoding="utf-8") as f:
        incidents = [json.loads(line) for line in f if line.strip()]
    indexed = list(enumerate(incidents))
    if args.split == "dev":
        indexed = [(i, x) for i, x in indexed if i % 2 == 0]
    elif args.split == "check":
        indexed = [(i, x) for i, x in indexed if i % 2 == 1]
    indexed = indexed[args.offset:]
    if args.limit is not None:
        indexed = indexed[: args.limit]
    chosen = [x for _, x in indexed]

    start = time.perf_counter()
    if args.workers <= 1:
        _warm()
        results = [evaluate(x) for x in chosen]
    else:
        with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn"), initializer=_warm) as pool:
            results = list(pool.map(evaluate, chosen, chunksize=4))
    elapsed = time.perf_counter() - start

    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")
    n = len(results) or 1
    k_ok = sum(r["killed"] == r["gold_killed"] for r in results)
    i_ok = sum(r["injured"] == r["gold_injured"] for r in results)
    both = sum(r["killed"] == r["gold_killed"] and r["injured"] == r["gold_injured"] for r in results)
    print(f"incidents: {len(results)} (split {args.split}, offset {args.offset}), {elapsed:.0f} s, "
          f"{args.workers} worker(s)")
    print(f"killed accuracy:  {k_ok / n:.3f} ({k_ok}/{len(results)})")
    print(f"injured accuracy: {i_ok / n:.3f} ({i_ok}/{len(results)})")
    print(f"both right:       {both / n:.3f} ({both}/{len(results)})")

    classes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        for kind in ("killed", "injured"):
            c = _error_class(kind, r[f"gold_{kind}"], r[kind])
            if c:
                classes[c].append(r | {"kind": kind})
    print("\nerror classes:")
    for c, rows in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {c}: {len(rows)}")
    for c, rows in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{c} ({len(rows)}):")
        for r in rows[: args.examples]:
            kind = r["kind"]
            print(f"  {r['id']}: gold {r['gold_' + kind]} got {r[kind]}  | {r[kind + '_span']!r}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
