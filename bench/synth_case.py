"""Write a synthetic case file of N reports fast, without spaCy, and optionally consolidate it.

The reports, entity mentions, figures and events come from the generator of
``bench_consolidate.py`` (:class:`Corpus`: outlets, wire stories and syndicated copies,
incidents several outlets report with varying figures, exact spans). They are written
through the public store API (:meth:`CaseStore.add_extractions` with
:class:`~corroborator.model.Extraction` objects), so the file is a real case file that
``report``, ``export`` and ``serve`` open like any other.

    .venv/bin/python bench/synth_case.py --docs 100000 --case /tmp/x.duckdb
    .venv/bin/python bench/synth_case.py --docs 10000 --case /tmp/x.duckdb --consolidate
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_consolidate import Corpus  # noqa: E402

from corroborator.consolidate import consolidate  # noqa: E402
from corroborator.model import Extraction  # noqa: E402
from corroborator.settings import DEFAULTS  # noqa: E402
from corroborator.store import open_case  # noqa: E402

logger = logging.getLogger("synth_case")

#: Documents written per transaction.
BATCH = 2_000


def extractions(corpus: Corpus) -> Iterator[Extraction]:
    """One extraction per document of ``corpus``, in the corpus's order (its lists are in document order)."""
    mentions, figures, events = iter(corpus.mentions), iter(corpus.figures), iter(corpus.event_mentions)
    event_of = {e.id: e for e in corpus.events}
    pending = [next(mentions, None), next(figures, None), next(events, None)]
    for doc in corpus.documents:
        ex = Extraction(doc)
        while pending[0] is not None and pending[0].doc_id == doc.id:
            ex.mentions.append(pending[0])
            pending[0] = next(mentions, None)
        while pending[1] is not None and pending[1].mention.doc_id == doc.id:
            ex.figures.append(pending[1])
            pending[1] = next(figures, None)
        while pending[2] is not None and pending[2].doc_id == doc.id:
            ex.mentions.append(pending[2])
            ex.events.append(event_of[pending[2].id])
            pending[2] = next(events, None)
        yield ex


def write_case(n_docs: int, case: Path, *, seed: int = 1, run_consolidation: bool = False) -> dict[str, float]:
    """Write a case file of ``n_docs`` synthetic reports at ``case`` (replacing it) and return timings.

    Args:
        n_docs: How many reports.
        case: The case file to write; an existing one is removed first.
        seed: The generator's seed (the same seed gives the same case).
        run_consolidation: Also run the case-wide steps on it.
    """
    for old in (case, case.with_name(case.name + ".wal")):
        old.unlink(missing_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    corpus = Corpus(n_docs, seed)
    timings["generate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with open_case(case, create=True) as store:
        batch: list[Extraction] = []
        for ex in extractions(corpus):
            batch.append(ex)
            if len(batch) >= BATCH:
                store.add_extractions(batch)
                batch = []
        store.add_extractions(batch)
        del corpus, batch
        timings["write"] = time.perf_counter() - t0
        if run_consolidation:
            t0 = time.perf_counter()
            consolidate(store, DEFAULTS)
            timings["consolidate"] = time.perf_counter() - t0
    return timings


def main() -> None:
    """Command line: ``--docs N --case PATH [--consolidate]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, required=True, help="How many reports.")
    parser.add_argument("--case", type=Path, required=True, help="The case file to write (replaced if it exists).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--consolidate", action="store_true", help="Also run the case-wide steps.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    timings = write_case(args.docs, args.case, seed=args.seed, run_consolidation=args.consolidate)
    print(f"{args.case}: {args.docs:,} documents; " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))


if __name__ == "__main__":
    main()
