"""Benchmark: the local engine against Spark ``local[1]`` and ``local[2]`` on the same synthetic reports.

Writes N synthetic reports (``bench/synth.py``'s ``corpus``: about 15% syndicated
near-duplicates, every report citing named groups and outlets), then builds a case from
them once per engine, each in its own process. A sampler reads the peak resident memory
(``VmHWM``) of every process of the build's tree from ``/proc`` twice a second, so the
driver, the Spark JVM and the Python workers each get their own peak.

Prints, per engine: wall time, documents/s, and the peak RSS of the driver process, the
largest JVM and the largest Python worker.

    .venv/bin/python bench/bench_spark.py --docs 2000
    .venv/bin/python bench/bench_spark.py --docs 10000 100000 --engines local spark:local[2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import corpus, write_reports  # noqa: E402

BUILD = """
import json, sys, time
from corroborator import BuildOptions
from corroborator.engines.local import build
from corroborator.engines import spark
engine, folder, case = sys.argv[1:4]
start = time.perf_counter()
if engine == "local":
    summary = build([folder], case, BuildOptions(workers=int(sys.argv[4])))
else:
    summary = spark.build([folder], case, BuildOptions(), spark.SparkOptions(master=engine.split(":", 1)[1]))
print(json.dumps({"seconds": time.perf_counter() - start, "documents": summary.documents_added,
                  "counts": summary.counts}))
"""


def _status(pid: int) -> tuple[int, str, int] | None:
    """``(parent pid, command, peak RSS in kB)`` of a live process, None if it is gone."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if ":" in line)
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return int(fields["PPid"]), cmd, int(fields.get("VmHWM", "0 kB").split()[0])


class TreeSampler(threading.Thread):
    """Peak RSS of every process under ``root``, by kind (driver, jvm, python worker)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peaks: dict[str, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            time.sleep(0.5)

    def sample(self) -> None:
        procs = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (found := _status(int(entry))) is not None:
                procs[int(entry)] = found
        tree = {self.root}
        for _ in range(6):  # descendants, level by level
            tree |= {pid for pid, (ppid, _, _) in procs.items() if ppid in tree}
        for pid in tree & procs.keys():
            _, cmd, peak = procs[pid]
            kind = "driver" if pid == self.root else "jvm" if "java" in cmd.split(" ", 1)[0] else "python worker"
            self.peaks[kind] = max(self.peaks.get(kind, 0), peak)


def run(engine: str, folder: Path, case: Path, workers: int) -> dict:
    """One build in its own process, sampled."""
    proc = subprocess.Popen([sys.executable, "-c", BUILD, engine, str(folder), str(case), str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} build failed (exit {proc.returncode}):\n{err[-4000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peaks_mb"] = {kind: kb / 1024 for kind, kb in sampler.peaks.items()}
    return result


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["local", "spark:local[1]", "spark:local[2]"],
                        help="local, or spark:MASTER")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the local engine")
    args = parser.parse_args()
    for n in args.docs:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "reports"
            folder.mkdir()
            words = write_reports(folder, corpus(n))
            print(f"\n== {n:,} synthetic reports, {words:,} words (bench/synth.py corpus, seed 7)")
            print(f"   {'engine':22} {'wall s':>8} {'docs/s':>8} {'words/s':>9} {'driver MB':>10} {'JVM MB':>8} "
                  f"{'worker MB':>10}")
            for engine in args.engines:
                name = "".join(c if c.isalnum() else "-" for c in engine)
                r = run(engine, folder, Path(tmp) / f"{name}.duckdb", args.workers)
                peaks = r["peaks_mb"]
                label = f"local ({args.workers} workers)" if engine == "local" else engine
                print(f"   {label:22} {r['seconds']:8.1f} {r['documents'] / r['seconds']:8.1f} "
                      f"{words / r['seconds']:9,.0f} {peaks.get('driver', 0):10,.0f} {peaks.get('jvm', 0):8,.0f} "
                      f"{peaks.get('python worker', 0):10,.0f}", flush=True)
                print(f"   {'':22} {json.dumps(r['counts'])}")


if __name__ == "__main__":
    main()
