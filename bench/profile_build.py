"""Profile: where the build's own CPU goes, in one process, stage by stage.

Writes N synthetic reports (bench/synth.py, seed 7), reads them, then measures in this
process (process CPU seconds, so a busy machine does not skew the numbers):

1. bare NER: ``nlp.pipe`` over the texts with the build's pipeline (``load_pipeline()``);
2. ``analyze_batch`` with the default settings, in batches of ``--batch``, timing every
   registered document stage over each batch (and, under cProfile, the top functions);
3. ``CaseStore.add_extractions`` into a fresh case file, then ``consolidate``.

    .venv/bin/python bench/profile_build.py --docs 200
    .venv/bin/python bench/profile_build.py --docs 200 --top 40 --sort cumulative
    .venv/bin/python bench/profile_build.py --docs 200 --no-profile   # stage times without cProfile overhead
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import articles, write_reports  # noqa: E402

from corroborator.analyze.entities import load_pipeline  # noqa: E402
from corroborator.analyze.pipeline import _record, plan_stages  # noqa: E402
from corroborator.consolidate import consolidate  # noqa: E402
from corroborator.ingest import read_documents  # noqa: E402
from corroborator.model import Document, Extraction  # noqa: E402
from corroborator.registry import Stage, prepare_stages, run_stages  # noqa: E402
from corroborator.settings import DEFAULTS, Settings  # noqa: E402
from corroborator.store import open_for_build  # noqa: E402


def _cpu() -> float:
    return time.process_time()


def _timed(label: str, totals: dict[str, float], work: Callable[[], object]) -> object:
    """Run ``work`` and add its CPU seconds to ``totals[label]``."""
    start = _cpu()
    result = work()
    totals[label] += _cpu() - start
    return result


def _analyse(docs: Sequence[Document], settings: Settings, batch: int,
             totals: dict[str, float]) -> list[Extraction]:
    """``analyze_batch`` done by hand so each stage's CPU over each batch is added to ``totals``."""
    plan = plan_stages(settings)
    prepare_stages(plan, settings)
    extractions: list[Extraction] = []
    for first in range(0, len(docs), batch):
        chunk = [Extraction(doc) for doc in docs[first:first + batch]]
        clock = [_cpu()]

        def after(stage: Stage, clock: list[float] = clock) -> None:
            now = _cpu()
            totals[stage.name] += now - clock[0]
            clock[0] = now

        run_stages(plan, chunk, settings, _record, after)
        extractions.extend(chunk)
    return extractions


def main() -> None:
    """Run the profile and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--top", type=int, default=30, help="functions listed from the profile")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    parser.add_argument("--no-profile", action="store_true", help="stage times only, without cProfile")
    args = parser.parse_args()
    settings = DEFAULTS
    totals: dict[str, float] = defaultdict(float)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        words = write_reports(folder, articles(args.docs))
        print(f"data: {args.docs} synthetic reports, {words:,} words (bench/synth.py, seed 7); batch {args.batch}")

        def read() -> list[Document]:
            return [d for p in sorted(folder.glob("*.txt")) for d in read_documents(p).documents]

        docs = _timed("ingest (read .txt)", totals, read)
        nlp = _timed("load spaCy pipeline", totals, load_pipeline)
        texts = [d.text for d in docs]
        _timed("bare NER nlp.pipe", totals, lambda: [None for _ in nlp.pipe(texts, batch_size=args.batch)])
        _timed("prepare stages", totals, lambda: prepare_stages(plan_stages(settings), settings))

        profiler = None if args.no_profile else cProfile.Profile()
        if profiler is not None:
            profiler.enable()
        extractions = _analyse(docs, settings, args.batch, totals)
        if profiler is not None:
            profiler.disable()
        problems = sum(len(ex.problems) for ex in extractions)

        with open_for_build(Path(tmp) / "case.duckdb") as store:
            for first in range(0, len(extractions), args.batch):
                part = extractions[first:first + args.batch]
                _timed("store.add_extractions", totals, lambda part=part: store.add_extractions(part))
            _timed("consolidate", totals, lambda: consolidate(store, settings))
            counts = store.counts()

    stages = [s.name for s in plan_stages(settings)]
    own = sum(totals[name] for name in stages if name != "entities.spacy.v1")
    print(f"documents: {len(extractions)}, stage problems: {problems}; counts {counts}")
    print(f"\n{'CPU seconds':<28}{'s':>9}{'ms/doc':>9}")
    for label in ["ingest (read .txt)", "load spaCy pipeline", "bare NER nlp.pipe", "prepare stages", *stages,
                  "store.add_extractions", "consolidate"]:
        print(f"{label:<28}{totals[label]:9.2f}{1000 * totals[label] / max(len(docs), 1):9.1f}")
    print(f"{'stages except entities':<28}{own:9.2f}{1000 * own / max(len(docs), 1):9.1f}")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print("\nanalysis under cProfile (cProfile slows pure-Python code, so stage times above are higher "
              "than with --no-profile)")
        print(out.getvalue())


if __name__ == "__main__":
    main()
