"""Benchmark: ``corroborator build`` against bare spaCy ``nlp.pipe`` on the same texts.

Writes N synthetic reports, then in separate processes (so peak memory is each one's own):
1. ``build`` with W worker processes, timed end to end (read, clean, NER, extractors,
   DuckDB writes, consolidation);
2. bare spaCy: the full English pipeline, ``nlp.pipe(texts, n_process=W)``.
Prints words/s for both, their ratio, and the peak RSS of the build (main process and the
largest worker).

    .venv/bin/python bench/bench_build.py --docs 300 --workers 2
    .venv/bin/python bench/bench_build.py --docs 10000 --workers 2 --skip-spacy
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import articles, write_reports  # noqa: E402

BUILD = """
import json, resource, sys, time
from corroborator import BuildOptions, build
start = time.perf_counter()
summary = build([sys.argv[1]], sys.argv[2], BuildOptions(workers=int(sys.argv[3])))
elapsed = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": elapsed, "documents": summary.documents_added, "counts": summary.counts,
                  "rss_main_mb": me.ru_maxrss / 1024, "rss_worker_mb": kids.ru_maxrss / 1024,
                  "cpu_main_s": me.ru_utime + me.ru_stime, "cpu_workers_s": kids.ru_utime + kids.ru_stime}))
"""

SPACY = """
import json, resource, sys, time
from pathlib import Path
import spacy
from corroborator.analyze.entities import MODEL_NAMES
start = time.perf_counter()
for name in MODEL_NAMES:
    try:
        nlp = spacy.load(name)
        break
    except OSError:
        continue
texts = [p.read_text() for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
workers = int(sys.argv[2])
for _ in nlp.pipe(texts, batch_size=32, n_process=workers):
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - start, "rss_main_mb": me.ru_maxrss / 1024,
                  "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}))
"""


def _run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"benchmark step failed (exit {out.returncode}):\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-spacy", action="store_true", help="time only the build (for memory runs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        words = write_reports(folder, articles(args.docs))
        print(f"data: {args.docs} synthetic reports, {words:,} words (bench/synth.py, seed 7); workers: {args.workers}")
        built = _run(BUILD, str(folder), str(Path(tmp) / "case.duckdb"), str(args.workers))
        print(f"build:      {built['seconds']:8.1f} s  {words / built['seconds']:9,.0f} words/s  "
              f"peak RSS main {built['rss_main_mb']:,.0f} MB, largest worker {built['rss_worker_mb']:,.0f} MB")
        print(f"            CPU: main process {built['cpu_main_s']:.1f} s, workers {built['cpu_workers_s']:.1f} s")
        print(f"            {json.dumps(built['counts'])}")
        if not args.skip_spacy:
            bare = _run(SPACY, str(folder), str(args.workers))
            print(f"bare spaCy: {bare['seconds']:8.1f} s  {words / bare['seconds']:9,.0f} words/s  "
                  f"(full pipeline, nlp.pipe n_process={args.workers}, model load included)")
            print(f"ratio build/spaCy speed: {bare['seconds'] / built['seconds']:.2f}x")
            # CPU seconds do not depend on what else the machine runs: the ratio to trust on a busy one.
            cpu = built["cpu_main_s"] + built["cpu_workers_s"]
            print(f"ratio build/spaCy CPU:   {bare['cpu_s'] / cpu:.2f}x  (build {cpu:.1f} s, spaCy {bare['cpu_s']:.1f} s)")


if __name__ == "__main__":
    main()
