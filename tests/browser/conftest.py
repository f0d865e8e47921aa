"""Browser fixtures: a live server on loopback, Debian's Chromium driven by Playwright, screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, LiveServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium (never a browser downloaded by Playwright)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (see the Makefile)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The review app of the hand-built case, served on a free port; users as in tests.webcase."""
    from corroborator.review import accounts
    from corroborator.store import open_case
    from tests.webcase import PASSWORD, build_case

    case = tmp_path_factory.mktemp("browser") / "case.duckdb"
    ids = build_case(case)
    with open_case(case) as store:
        accounts.add_user(store, "edna", "editor", PASSWORD)
        _, secret = accounts.add_user(store, "ada", "admin", PASSWORD)
    server = LiveServer(case).start()
    try:
        yield {"url": server.url, "ids": ids, "secret": secret, "case": case, "server": server}
    finally:
        server.stop()


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under ``test-artifacts/``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Any, url: str, name: str, password: str, totp: str | None = None) -> None:
    """Log in through the form."""
    page.goto(url + "/login")
    page.fill("#name", name)
    page.fill("#password", password)
    if totp:
        page.fill("#totp", totp)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
