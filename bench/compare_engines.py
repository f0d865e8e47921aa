"""Build the same inputs with the local engine and with Spark, and say where the two cases differ.

    .venv/bin/python bench/compare_engines.py REPORTS_FOLDER [--master 'local[2]']

Prints the counts of each case and every part they differ in (documents, entities,
quotes, figures, claims, totals, protected witnesses, near-duplicates, provenance);
exits 1 when they differ. The case files are written to a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from corroborator.engines import spark
from corroborator.engines.compare import case_fingerprint, differences
from corroborator.engines.local import build


def main() -> None:
    """Build with both engines and compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        local = build(args.inputs, Path(tmp) / "local.duckdb")
        middle = time.perf_counter()
        distributed = spark.build(args.inputs, Path(tmp) / "spark.duckdb", spark=spark.SparkOptions(master=args.master))
        end = time.perf_counter()
        print(f"local:  {middle - start:7.1f} s  {local.counts}")
        print(f"spark:  {end - middle:7.1f} s  {distributed.counts}")
        found = differences(case_fingerprint(local.case), case_fingerprint(distributed.case))
        for line in found:
            print("differs:", line)
        print("the two cases agree" if not found else f"{len(found)} part(s) differ")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
