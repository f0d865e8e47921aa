"""Write a synthetic case file of N reports fast, without spaCy, and optionally consolidate it.

The reports, entity mentions, figures and events come from the generator of
``bench_consolidate.py`` (:class:`Corpus`: outlets, wire stories and syndicated copies,
incidents several outlets report with varying figures, exact spans). They are written
through the public store API (:meth:`CaseStore.add_extractions` with
:class:`~corroborator.model.Extraction` objects), so the file is a real case file that
``report``, ``export`` and ``serve`` open like any other.

    .venv/bin/python bench/synth_case.py --docs 100000 --case /tmp/x.duckdb
    .venv/bin/python bench/synth_case.py --docs 10000 --case /tmp/x.duckdb --consolidate
    .venv/bin/python bench/synth_case.py --docs 10000 --case /tmp/x.duckdb --witnesses 0.1   # 1 in 10 protected
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_consolidate import Corpus  # noqa: E402

from corroborator.consolidate import consolidate  # noqa: E402
from corroborator.model import Extraction, Mention, ProtectedPerson, Quote, mention_id  # noqa: E402
from corroborator.settings import DEFAULTS  # noqa: E402
from corroborator.store import open_case  # noqa: E402

logger = logging.getLogger("synth_case")

#: Documents written per transaction.
BATCH = 2_000


#: Pseudonyms the protected witnesses of a synthetic case speak under (invented).
PSEUDONYMS = ["Zelimkhan", "Arbi", "Movsar", "Idris", "Ruslan", "Adlan", "Khasan", "Aslambek", "Turpal", "Umar"]
_TESTIMONY = ["They came at night and took my brother", "We were held in a basement for eleven days",
              "Nobody told us where they took him", "I was beaten until I signed the paper"]


def _with_witness(ex: Extraction, n: int) -> Extraction:
    """``ex`` with a protected witness's testimony added at the end of its text (earlier spans stay)."""
    doc = ex.document
    name = PSEUDONYMS[n % len(PSEUDONYMS)]
    words = _TESTIMONY[n % len(_TESTIMONY)]
    start = len(doc.text) + 1
    addition = f"\n“{words},” said {name}, who spoke under a pseudonym.\n"
    text = doc.text + addition
    q0 = start + 1
    quote = Mention(mention_id(doc.id, "quote", q0, q0 + len(words) + 1), doc.id, q0, q0 + len(words) + 1, "quote",
                    "bench", text[q0:q0 + len(words) + 1], {})
    n0 = text.index(name, quote.end)
    speaker = Mention(mention_id(doc.id, "entity", n0, n0 + len(name)), doc.id, n0, n0 + len(name), "entity", "bench",
                      name, {"label": "PERSON"})
    c0 = text.index("who spoke under a pseudonym", n0)
    cue = Mention(mention_id(doc.id, "protection", c0, c0 + 27), doc.id, c0, c0 + 27, "protection", "bench",
                  text[c0:c0 + 27], {})
    return dataclasses.replace(
        ex, document=dataclasses.replace(doc, text=text), mentions=[*ex.mentions, speaker],
        quotes=[*ex.quotes, Quote(quote, name, speaker.id, None, protected=True)],
        protected=[*ex.protected, ProtectedPerson(doc.id, name, (name,), cue)])


def extractions(corpus: Corpus, witnesses: float = 0.0) -> Iterator[Extraction]:
    """One extraction per document of ``corpus``, in the corpus's order (its lists are in document order).

    ``witnesses`` is the share of documents that also carry a protected witness's
    testimony (a quote under a pseudonym), for redaction at scale.
    """
    every = round(1 / witnesses) if witnesses > 0 else 0
    for n, ex in enumerate(_extractions(corpus)):
        yield _with_witness(ex, n // every) if every and n % every == 0 else ex


def _extractions(corpus: Corpus) -> Iterator[Extraction]:
    """The corpus's documents with what was found in each."""
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


def write_case(n_docs: int, case: Path, *, seed: int = 1, run_consolidation: bool = False,
               witnesses: float = 0.0) -> dict[str, float]:
    """Write a case file of ``n_docs`` synthetic reports at ``case`` (replacing it) and return timings.

    Args:
        n_docs: How many reports.
        case: The case file to write; an existing one is removed first.
        seed: The generator's seed (the same seed gives the same case).
        run_consolidation: Also run the case-wide steps on it.
        witnesses: Share of the reports that carry a protected witness's testimony.
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
        for ex in extractions(corpus, witnesses):
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
    parser.add_argument("--witnesses", type=float, default=0.0,
                        help="Share of reports with a protected witness's testimony (e.g. 0.1).")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    timings = write_case(args.docs, args.case, seed=args.seed, run_consolidation=args.consolidate,
                         witnesses=args.witnesses)
    print(f"{args.case}: {args.docs:,} documents; " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))


if __name__ == "__main__":
    main()
