"""A build killed with ``kill -9`` leaves no process and no file with case data behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.synth import articles
from corroborator.engines.local import die_with_parent

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

ROOT = Path(__file__).resolve().parent.parent


def _children(pid: int) -> set[int]:
    """Pids of the live processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing bracket.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env["TMPDIR"] = str(tmp)  # anything written to the system's temporary folder lands here
    return env


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i, text in enumerate(articles(n, seed=3)):
        (folder / f"report-{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


def test_killing_a_build_ends_its_workers_and_resource_tracker(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "in", 12)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    build = subprocess.Popen([sys.executable, "-m", "corroborator", "build", str(corpus), "--case",
                              str(case_dir / "case.duckdb"), "--workers", "2", "--batch-size", "1"],
                             env=_env(tmp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        children: set[int] = set()
        # Two workers and the resource tracker, all started by the build's process.
        while len(children) < 3 and time.monotonic() < deadline and build.poll() is None:
            children = _children(build.pid)
            time.sleep(0.1)
        assert len(children) >= 3, f"the build started {len(children)} helper process(es), not 3"
        time.sleep(1.0)  # let the workers get into their work
        children |= _children(build.pid)
        build.send_signal(signal.SIGKILL)
        build.wait(10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in children if _alive(pid)]
        assert not left, f"processes left running after the build was killed: {left}"
    finally:
        if build.poll() is None:
            build.kill()
    assert list(tmp.iterdir()) == [], "the build wrote into the system's temporary folder"
    # Whatever it left is in the case's own folder, and the next build finishes the case there.
    done = subprocess.run([sys.executable, "-m", "corroborator", "build", str(corpus), "--case",
                           str(case_dir / "case.duckdb"), "--workers", "1"],
                          env=_env(tmp), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "12 documents" in done.stdout
    assert list(tmp.iterdir()) == []
    assert sorted(p.name for p in case_dir.iterdir()) == ["case.duckdb"]


def test_a_process_whose_parent_is_gone_exits(tmp_path: Path) -> None:
    """The parent's pid no longer being the parent (it died first) ends the process at once."""
    code = ("import sys; from corroborator.engines.local import die_with_parent; "
            "die_with_parent(1 if sys.argv[1] == 'other' else __import__('os').getppid()); print('alive')")
    same = subprocess.run([sys.executable, "-c", code, "same"], env=_env(tmp_path), capture_output=True, text=True,
                          timeout=60)
    other = subprocess.run([sys.executable, "-c", code, "other"], env=_env(tmp_path), capture_output=True, text=True,
                           timeout=60)
    assert same.stdout.strip() == "alive"
    assert other.returncode == 1 and other.stdout == ""
    assert callable(die_with_parent)
