"""``build`` on a case that ``serve`` has open: the build succeeds, the server keeps serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bench.synth import articles
from corroborator.engines.local import BuildOptions, build
from corroborator.review import accounts
from corroborator.store import build_running, open_case, open_for_build
from corroborator.web import Settings, create_app
from corroborator.web.state import CaseDb

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _write(folder: Path, first: int, n: int) -> None:
    folder.mkdir(exist_ok=True)
    for i, text in enumerate(articles(first + n, seed=11)):
        if i >= first:
            (folder / f"report-{i:02d}.txt").write_text(text, encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(client: httpx.Client) -> None:
    client.get("/login")
    token = client.cookies.get("corroborator_login")
    answer = client.post("/login", data={"name": "edna", "password": PASSWORD, "csrf_token": token or "", "next": "/"})
    assert answer.status_code == 303, answer.text[:500]


def _documents(client: httpx.Client) -> int:
    answer = client.get("/api/v1/documents")
    assert answer.status_code == 200, answer.text[:500]
    return int(answer.json()["total"])


@pytest.fixture()
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A case of 3 reports, an editor, and ``corroborator serve`` running on it."""
    corpus = tmp_path / "in"
    _write(corpus, 0, 3)
    case = tmp_path / "case" / "case.duckdb"
    case.parent.mkdir()
    build([corpus], case, BuildOptions(workers=1))
    with open_case(case) as store:
        accounts.add_user(store, "edna", "editor", PASSWORD)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "corroborator", "serve", str(case), "--port", str(port)],
                              env=_env(), stdout=log, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/login")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError((tmp_path / "serve.log").read_text()) from None
                time.sleep(0.2)
        yield case, corpus, client
    finally:
        client.close()
        server.terminate()
        server.wait(30)
        log.close()


def test_build_on_a_served_case_succeeds_and_the_server_serves_throughout(served) -> None:  # type: ignore[no-untyped-def]
    case, corpus, client = served
    _login(client)
    assert _documents(client) == 3
    figure = client.get("/api/v1/figures").json()["items"][0]["id"]
    csrf = client.get("/api/v1/csrf").json()["csrf_token"]
    _write(corpus, 3, 12)
    builder = subprocess.Popen([sys.executable, "-m", "corroborator", "build", str(corpus), "--case", str(case),
                                "--workers", "1", "--batch-size", "1"], env=_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not build_running(case) and builder.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert build_running(case), "the build never took the case file"
        # During the build: reading goes on from what the server loaded; writing is refused clearly.
        during = _documents(client)
        refused = client.post("/api/v1/reviews", json={"action": "figure.confirm", "target": figure},
                              headers={"X-CSRF-Token": csrf})
        page = client.get("/documents")
        still_building = build_running(case)
        out, err = builder.communicate(timeout=300)
    finally:
        if builder.poll() is None:
            builder.kill()
    assert builder.returncode == 0, err[-3000:]
    assert "12 document(s) added" in out
    assert still_building, "the build ended before the server was asked anything: the test proved nothing"
    assert during == 3
    assert page.status_code == 200
    assert refused.status_code == 503 and "being built" in refused.text
    # After the build: the new documents are served, and reviews are taken again.
    assert _documents(client) == 15
    again = client.post("/api/v1/reviews", json={"action": "figure.confirm", "target": figure},
                        headers={"X-CSRF-Token": csrf})
    assert again.status_code == 201, again.text[:500]


def test_a_server_idle_for_a_moment_holds_no_lock(served) -> None:  # type: ignore[no-untyped-def]
    case, _, client = served
    _login(client)
    assert _documents(client) == 3
    time.sleep(Settings().idle_close + 1.5)
    with open_case(case) as store:  # would raise CaseFileBusyError if the server held the file
        assert store.counts()["documents"] == 3


def test_views_during_a_build_are_audited_once_it_ends(tmp_path: Path) -> None:
    """An audit record made while the file is being built waits in memory, then is written."""
    from tests.webcase import build_case

    case = tmp_path / "case.duckdb"
    build_case(case)
    db = CaseDb(case, idle_close=0)
    with open_for_build(case):
        assert db.building()
        with pytest.raises(Exception, match="being built"):
            with db.store():
                pass
        db.defer_audit("ada", "view.protected", "/documents", {"query": ""})
    with db.store() as store:
        records = accounts.audit_records(store)
    assert [(r.user, r.action, r.target) for r in records][:1] == [("ada", "view.protected", "/documents")]
    app = create_app(case, settings=Settings(idle_close=0))
    assert not app.state.case.db.is_open
