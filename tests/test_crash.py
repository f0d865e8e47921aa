"""Crash harness: ``kill -9`` at random points of every phase, then the next command finishes the case.

A base case (the sample, five reports) is extended with the tiny test corpus and two
synthetic reports by ``python -m corroborator build`` in a subprocess, which is killed
with SIGKILL: at a named point of a phase (``CORROBORATOR_CRASH_AT``, see
:mod:`corroborator.crashpoints`: ingest, the per-document stages, their commit, each case
step of the consolidation, the commit of its results) or after a random delay. An
export and a writer of reviews are killed at random moments too. After each kill the
next command runs to the end, and the case file must export exactly as the case file of
a clean build does (one clean build is the reference for all trials).

20 kills, one worker, small inputs, the next build run in this process: about 70 seconds
of CPU time in all (each killed command starts Python and spaCy again), well under three
minutes on a machine that is not shared. ``CORROBORATOR_CRASH_SEED`` replays a run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bench.synth import articles
from corroborator import crashpoints
from corroborator.analyze import analyze_batch
from corroborator.api import case_info, load_case
from corroborator.engines.local import BuildOptions, build
from corroborator.ingest import read_documents
from corroborator.outputs.export import case_to_dict
from corroborator.review import load_reviews, record_review
from corroborator.store import BuildPhases, build_running, open_case, schema, scratch_dir
from corroborator.store.builds import CONSOLIDATE
from tests.conftest import SAMPLE, write_corpus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
#: Named crash points and how many times a build of the trial inputs reaches each (at least).
POINTS = {"ingest": 6, "analyse": 5, "store": 5, "consolidate": 6, "record": 1}
REVIEWS = 400
KILLS = 20

WRITE_REVIEWS = """
import sys
from corroborator.review import load_reviews, record_review
from corroborator.store import open_case
case, figure, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open_case(case) as store:
    done = len(load_reviews(store))
    print("writing", flush=True)
    for i in range(done, total):
        record_review(store, user="crash", action="figure.correct", target=figure,
                      before={"value": i}, after={"value": i + 1}, note=f"review {i}")
"""


def _env(crash_at: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != crashpoints.VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    if crash_at:
        env[crashpoints.VARIABLE] = crash_at
    return env


def _exported(case: Path) -> dict[str, Any]:
    """The JSON export of a case file, without what legitimately differs between two clean runs.

    That is the tool version, and the time a review was made (``attrs.review.at``).
    """
    data = case_to_dict(load_case(case))
    data.pop("generated_by", None)
    return _timeless(data)


def _timeless(value: Any) -> Any:
    if isinstance(value, dict):
        review = value.get("review")
        if isinstance(review, dict) and "at" in review:
            value = {**value, "review": {k: v for k, v in review.items() if k != "at"}}
        return {k: _timeless(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _build_command(case: Path, inputs: list[Path]) -> list[str]:
    return [sys.executable, "-m", "corroborator", "build", *map(str, inputs), "--case", str(case),
            "--workers", "1", "--batch-size", "1"]


def _killed(command: list[str], env: dict[str, str], delay: float | None, *, after_line: str | None = None) -> bool:
    """Run ``command``; kill it with SIGKILL after ``delay`` seconds (or at its crash point); whether it was killed."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if after_line is not None:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.strip() == after_line, line
        if delay is None:
            process.wait(120)
        else:
            try:
                process.wait(delay)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        if process.stdout is not None:
            process.stdout.close()
    return process.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The inputs, the base case, and the reference: a clean build of the trial inputs over the base case."""
    root = tmp_path_factory.mktemp("crash")
    added = write_corpus(root)
    for i, text in enumerate(articles(2, seed=29)):
        (added / f"synthetic-{i}.txt").write_text(text, encoding="utf-8")
    base = root / "base.duckdb"
    build([SAMPLE], base, BuildOptions(workers=1))
    reference = root / "reference" / "case.duckdb"
    reference.parent.mkdir()
    shutil.copy(base, reference)
    inputs = [SAMPLE, added]
    started = time.monotonic()
    clean = subprocess.run(_build_command(reference, inputs), env=_env(), capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stderr[-3000:]
    seconds = time.monotonic() - started
    expected = _exported(reference)
    exported = root / "reference.json"
    started = time.monotonic()
    done = subprocess.run(_export_command(reference, exported), env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    export_seconds = time.monotonic() - started
    # With every review written, cleanly: what a review writer killed and run again must leave.
    reviewed = root / "reviewed.duckdb"
    shutil.copy(reference, reviewed)
    with open_case(reviewed) as store:
        _write_reviews(store, expected["figures"][0]["id"], 0)
    return {"root": root, "base": base, "inputs": inputs, "reference": reference, "expected": expected,
            "reviewed": _exported(reviewed), "build_seconds": seconds,
            "export": json.loads(exported.read_text(encoding="utf-8")), "export_seconds": export_seconds}


def _export_command(case: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "corroborator", "export", str(case), "-o", str(out)]


def _write_reviews(store: Any, figure: str, first: int) -> None:
    for i in range(first, REVIEWS):
        record_review(store, user="crash", action="figure.correct", target=figure,
                      before={"value": i}, after={"value": i + 1}, note=f"review {i}")


def _trials(rng: random.Random) -> list[tuple[str, str | None]]:
    """``KILLS`` trials: every named point at least once, the rest at random points and random moments."""
    named = [f"{point}:{rng.randint(1, most)}" for point, most in POINTS.items()]
    named += [f"{point}:{rng.randint(1, most)}" for point, most in rng.choices(list(POINTS.items()), k=5)]
    trials: list[tuple[str, str | None]] = [("build", spec) for spec in named]
    trials += [("build", None)] * 5 + [("export", None)] * 2 + [("review", None)] * 3
    assert len(trials) == KILLS
    rng.shuffle(trials)
    return trials


def test_every_kill_is_recovered_by_the_next_command(world: dict[str, Any], tmp_path: Path) -> None:
    seed = int(os.environ.get("CORROBORATOR_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    expected = world["expected"]
    kills: list[str] = []
    for n, (phase, spec) in enumerate(_trials(rng)):
        where = tmp_path / f"trial-{n}"
        where.mkdir()
        case = where / "case.duckdb"
        label = f"trial {n} ({phase} {spec or 'at a random moment'}; seed {seed})"
        if phase == "build":
            shutil.copy(world["base"], case)
            # A named point kills at once; a random moment falls anywhere in the build (a late point backs it up).
            delay = None if spec else rng.uniform(0.3, 0.95) * world["build_seconds"]
            killed = _killed(_build_command(case, world["inputs"]), _env(spec or "record:1"), delay)
            assert killed, f"{label}: the build was not killed"
            assert not build_running(case), f"{label}: the killed build still marks the case as being built"
            # The next command: the same build again, which must finish what the killed one left.
            build(world["inputs"], case, BuildOptions(workers=1, batch_size=1))
        elif phase == "export":
            shutil.copy(world["reference"], case)
            out = where / "export.json"
            command = _export_command(case, out)
            killed = False
            # Late in the run, mostly while the case is read and written out (earlier if the export ran faster).
            for share in (rng.uniform(0.6, 0.95), 0.5, 0.3):
                if killed := _killed(command, _env(), share * world["export_seconds"]):
                    break
            assert killed, f"{label}: the export always finished before the kill"
            again = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stderr[-2000:]
            assert json.loads(out.read_text(encoding="utf-8")) == world["export"], label
        else:
            shutil.copy(world["reference"], case)
            figure = expected["figures"][0]["id"]
            command = [sys.executable, "-c", WRITE_REVIEWS, str(case), figure, str(REVIEWS)]
            killed = _killed(command, _env(), rng.uniform(0.0, 0.5), after_line="writing")
            assert killed, f"{label}: the reviews were all written before the kill"
            with open_case(case) as store:
                reviews = load_reviews(store)
                # Every review is whole, in order, none missing before the last one written.
                assert [r.note for r in reviews] == [f"review {i}" for i in range(len(reviews))], label
                assert all(r.before == {"value": i} and r.after == {"value": i + 1} for i, r in enumerate(reviews))
                assert len(reviews) < REVIEWS, f"{label}: the kill came after the last review"
                # The next command writes the rest.
                _write_reviews(store, figure, len(reviews))
                assert len(load_reviews(store)) == REVIEWS
        kills.append(label)
        clean = world["reviewed"] if phase == "review" else expected
        assert _exported(case) == clean, f"{label}: the case file differs from a clean build's"
        assert not scratch_dir(case).exists() or not any(scratch_dir(case).iterdir()), label
        shutil.rmtree(where)
    assert len(kills) == KILLS


# -- the build state the harness relies on, checked directly ------------------------------

def test_documents_stored_but_never_consolidated_are_consolidated_by_the_next_build(tmp_path: Path) -> None:
    """The issue's probe: a build killed after storing new documents, before its consolidation ended."""
    first, more = tmp_path / "first", tmp_path / "more"
    first.mkdir()
    more.mkdir()
    texts = list(articles(4, seed=41))
    for i, text in enumerate(texts):
        (first if i < 2 else more).joinpath(f"r{i}.txt").write_text(text, encoding="utf-8")
    clean, crashed = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"
    build([first], clean, BuildOptions(workers=1))
    shutil.copy(clean, crashed)
    build([first, more], clean, BuildOptions(workers=1))
    # What the killed build left: the new documents committed, the case-wide results still the old ones.
    docs = [d for p in sorted(more.iterdir()) for d in read_documents(p).documents]
    with open_case(crashed) as store:
        store.phases.started(CONSOLIDATE, None)
        store.add_extractions(analyze_batch(docs))
        pending = store.phases.pending()
        assert pending.unconsolidated == 2 and pending.interrupted == (CONSOLIDATE,) and pending.consolidation
        assert store.phases.finished(docs[0].id) == ("analysed",)
    # Until then every command says the case-wide results lag behind, and how to finish them.
    assert case_info(crashed).pending.unconsolidated == 2
    shown = subprocess.run([sys.executable, "-m", "corroborator", "info", str(crashed)], capture_output=True,
                           text=True, timeout=120)
    assert "Unfinished: 2 document(s) are not in the case-wide results yet" in shown.stdout
    assert "interrupted during consolidate" in shown.stdout
    exported = subprocess.run([sys.executable, "-m", "corroborator", "export", str(crashed)], capture_output=True,
                              text=True, timeout=120)
    assert exported.returncode == 0 and "run `corroborator build` on the case to finish it" in exported.stderr
    summary = build([first, more], crashed, BuildOptions(workers=1))
    assert summary.documents_added == 0 and summary.consolidated
    assert not case_info(crashed).pending.consolidation
    with open_case(crashed) as store:
        assert not store.phases.pending().consolidation
        assert store.phases.finished(docs[0].id) == ("analysed", "consolidated")
    assert _exported(crashed) == _exported(clean)
    # Nothing is left to do: the build after that changes nothing.
    again = build([first, more], crashed, BuildOptions(workers=1))
    assert again.documents_added == 0 and not again.consolidated


def test_a_schema_4_file_counts_its_documents_analysed_and_consolidated_if_it_has_results() -> None:
    for with_results in (False, True):
        con = duckdb.connect(":memory:")
        con.execute(schema.BASE)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        schema.migrate(con, 1, 4)
        con.execute("INSERT INTO documents (id, path, added_at) VALUES ('d1', 'a.txt', now()), "
                    "('d2', 'b.txt', now())")
        if with_results:
            con.execute("INSERT INTO entities (id, name) VALUES ('e1', 'Grant')")
        schema.migrate(con, 4)
        pending = BuildPhases(con).pending()
        assert pending.unconsolidated == (0 if with_results else 2) and pending.interrupted == ()
        assert BuildPhases(con).finished("d1") == (("analysed", "consolidated") if with_results else ("analysed",))
        con.close()
