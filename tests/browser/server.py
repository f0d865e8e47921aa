"""Run the review app with uvicorn on a free loopback port in a background thread (browser tests)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from corroborator.web import Settings, create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The app of one case file served at ``self.url`` until :meth:`stop`."""

    def __init__(self, case: Path, settings: Settings | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(case, settings=settings or Settings(idle_close=0.5))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        """Start serving; wait (at most 20 s) until the port answers."""
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
