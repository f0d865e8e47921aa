"""Benchmark: consolidation, ``report`` and ``export --format json`` of synthetic cases at 10k and 100k reports.

For each size it writes a case file (``synth_case.py``), then runs each step in a fresh
process and prints the step's wall time and the peak resident memory of that process
(``ru_maxrss``, DuckDB's own memory included). Nothing is asserted.

    .venv/bin/python bench/bench_scale.py                        # 10k and 100k
    .venv/bin/python bench/bench_scale.py --sizes 2000 --keep /tmp/scale
    .venv/bin/python bench/bench_scale.py --witnesses 0.1 --redact    # protected testimony, redacted outputs
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEPS = ("synth", "consolidate", "report", "export-json")


def _step(step: str, case: Path, n_docs: int, out_dir: Path, witnesses: float = 0.0, redact: bool = False) -> None:
    """Run one step in this process and print its wall time and peak memory as JSON."""
    start = time.perf_counter()
    if step == "synth":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from synth_case import write_case
        write_case(n_docs, case, witnesses=witnesses)
    elif step == "consolidate":
        from corroborator.consolidate import consolidate
        from corroborator.settings import DEFAULTS
        from corroborator.store import open_case
        with open_case(case) as store:
            consolidate(store, DEFAULTS)
    elif step == "report":
        from corroborator import api
        api.write_report(case, out_dir / "report.html", redact=redact)
    elif step == "export-json":
        from corroborator import api
        api.export_case(case, "json", out_dir / "export.json", redact=redact)
    else:
        raise SystemExit(f"unknown step {step!r}; one of {', '.join(STEPS)}")
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "seconds": wall, "peak_mb": peak}))


def _output_size(out_dir: Path, step: str) -> str:
    """What the step wrote, in MB (the report's paged files included)."""
    if step == "report":
        files = [out_dir / "report.html", *(out_dir / "report_files").glob("*")]
    elif step == "export-json":
        files = [out_dir / "export.json"]
    else:
        return ""
    files = [f for f in files if f.is_file()]
    return f"{sum(f.stat().st_size for f in files) / 2**20:.1f} MB in {len(files)} file(s)"


def main() -> None:
    """Run each size's steps in fresh processes and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=STEPS)
    parser.add_argument("--keep", type=Path, default=None,
                        help="Folder for the case files and outputs (kept; default: a temporary folder).")
    parser.add_argument("--witnesses", type=float, default=0.0,
                        help="Share of synthetic reports with a protected witness's testimony (e.g. 0.1).")
    parser.add_argument("--redact", action="store_true", help="Write the report and the export redacted.")
    parser.add_argument("--child", nargs=4, metavar=("STEP", "CASE", "DOCS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, case, n_docs, out = args.child
        _step(step, Path(case), int(n_docs), Path(out), args.witnesses, args.redact)
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        print(f"{'docs':>8} {'step':12} {'seconds':>9} {'peak MB':>9}  output")
        for n in args.sizes:
            out_dir = root / f"{n}"
            out_dir.mkdir(parents=True, exist_ok=True)
            case = out_dir / "case.duckdb"
            for step in args.steps:
                options = ["--witnesses", str(args.witnesses)] + (["--redact"] if args.redact else [])
                done = subprocess.run([sys.executable, __file__, *options, "--child", step, str(case), str(n),
                                       str(out_dir)], capture_output=True, text=True)
                if done.returncode != 0:
                    print(f"{n:>8} {step:12} failed: {done.stderr.strip().splitlines()[-1:]}")
                    continue
                r = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"{n:>8} {step:12} {r['seconds']:9.1f} {r['peak_mb']:9.0f}  {_output_size(out_dir, step)}",
                      flush=True)
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{'':>8} (largest child so far: {children:.0f} MB)")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
