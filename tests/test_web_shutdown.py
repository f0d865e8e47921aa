"""The web layer lets go of its DuckDB connections when the server stops and before the process exits."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

from fastapi.testclient import TestClient

from corroborator.web import state as web_state
from tests.webcase import login, make_app

ROOT = Path(__file__).resolve().parents[1]


def test_stopping_the_server_closes_the_case_file(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    db = app.state.case.db
    with TestClient(app) as client:  # Runs the app's startup and shutdown.
        login(client, "vic")
        assert client.get("/api/v1/documents").status_code == 200
        assert db.is_open  # idle_close is 60 s: the file stays open between requests
    assert not db.is_open
    assert db._timer is None  # no idle timer is left to fire later


def test_close_all_closes_case_files_and_search_indexes(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    client = TestClient(app)
    login(client, "vic")
    assert client.get("/api/v1/search?q=detained").status_code == 200
    case = app.state.case
    views = list(case._views.values())
    assert case.db.is_open and any(v._search is not None for v in views)
    web_state.close_all()
    assert not case.db.is_open
    assert all(v._search is None for v in views)
    # Closing is not the end: the next request opens the file again.
    assert client.get("/api/v1/search?q=detained").status_code == 200
    assert case.db.is_open


def test_close_all_reaches_an_idle_timer_that_outlived_its_app(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    client = TestClient(app)
    login(client, "vic")
    assert client.get("/api/v1/documents").status_code == 200
    db = weakref.ref(app.state.case.db)
    del app, client
    gc.collect()
    left = db()
    assert left is not None and left.is_open  # the pending 60 s timer still holds it
    web_state.close_all()
    assert not left.is_open and left._timer is None


def test_exit_while_a_daemon_thread_queries_the_case_does_not_abort(tmp_path: Path) -> None:
    # A DuckDB query still running in a daemon thread when the interpreter finalizes aborts
    # the process ("terminate called without an active exception"); the exit hook must
    # close the case on the main thread first and refuse to reopen it.
    script = textwrap.dedent(f"""
        import threading, time
        from pathlib import Path
        from corroborator.errors import CaseFileError
        from tests.webcase import make_app

        import sys
        app, _, _ = make_app(Path(sys.argv[1]))
        db = app.state.case.db
        started = threading.Event()

        def request():  # as a request handler does: the connection is only borrowed
            with db.store() as store:
                started.set()
                store.con.execute("SELECT sum(range) FROM range(3000000)").fetchall()

        def work():
            while True:
                try:
                    request()
                except CaseFileError:
                    return

        threading.Thread(target=work, daemon=True).start()
        started.wait(20)
        time.sleep(0.2)
        print("exiting")
    """)
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    for n in range(3):
        (tmp_path / str(n)).mkdir()
        run = subprocess.run([sys.executable, "-c", script, str(tmp_path / str(n))], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        assert "exiting" in run.stdout
