"""Login throttling slows guessing without locking users out; Secure cookies; sessions end when idle."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from corroborator.cli import cli
from corroborator.cli_web import is_loopback
from corroborator.review.throttle import LoginLimiter, LoginThrottle, ThrottleSettings
from tests.webcase import PASSWORD, login, make_app


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def app(tmp_path: Path, clock: Clock):  # type: ignore[no-untyped-def]
    app, _, _ = make_app(tmp_path, clock=clock)
    return app


def _from(app, address: str, **kw) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, client=(address, 40000), **kw)


def _audit(app, action: str) -> list:  # type: ignore[no-untyped-def]
    from corroborator.review import accounts

    with app.state.case.db.store() as store:
        return accounts.audit_records(store, limit=1000, action=action)


# -- the limiter --------------------------------------------------------------------------------------------------------

def test_login_limiter_waits_double_with_each_failure_up_to_the_cap(clock: Clock) -> None:
    limiter = LoginLimiter(attempts=3, window=600, base=5, cap=60, clock=clock)
    for _ in range(3):
        assert limiter.wait("k") == 0
        limiter.failed("k")
    waits = []
    for _ in range(6):
        waits.append(limiter.wait("k"))
        clock.advance(limiter.wait("k"))
        assert limiter.allowed("k")  # after the wait, never locked
        limiter.failed("k")
    assert waits == [5, 10, 20, 40, 60, 60]
    assert limiter.allowed("other")
    # Quiet for the window after the current wait: forgotten.
    clock.advance(60 + 600 + 1)
    assert limiter.failures("k") == 0 and limiter.wait("k") == 0


def test_login_limiter_of_distinct_sources_counts_addresses_not_failures(clock: Clock) -> None:
    limiter = LoginLimiter(attempts=3, window=600, clock=clock, distinct=True)
    for _ in range(10):
        limiter.failed("edna", source="10.0.0.1")
    assert limiter.failures("edna") == 1 and limiter.allowed("edna")
    limiter.failed("edna", source="10.0.0.2")
    limiter.failed("edna", source="10.0.0.3")
    assert limiter.failures("edna") == 3 and not limiter.allowed("edna")


def test_login_throttle_device_token_is_bound_to_its_name_and_expires(clock: Clock) -> None:
    throttle = LoginThrottle(ThrottleSettings(device_days=1), clock=clock)
    token = throttle.device_token("Edna")
    assert throttle.trusted("edna", token) and not throttle.trusted("vic", token)
    assert not throttle.trusted("edna", token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not throttle.trusted("edna", None) and not throttle.trusted("edna", "garbage")
    assert not LoginThrottle(clock=clock).trusted("edna", token)  # another key (a restart)
    clock.advance(86400 + 1)
    assert not throttle.trusted("edna", token)


# -- the login form -----------------------------------------------------------------------------------------------------

def test_login_failures_from_one_address_do_not_lock_the_owner_elsewhere(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    attacker = _from(app, "203.0.113.9")
    for _ in range(5):
        assert login(attacker, "edna", "wrong password").status_code == 401
    refused = login(attacker, "edna", PASSWORD)  # refused before the password is even checked
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
    assert "Wait 5 seconds" in refused.text
    owner = _from(app, "198.51.100.7")
    assert login(owner, "edna", PASSWORD).status_code == 303
    # Backoff, not a lock: after the wait the right password works from the attacker's address too.
    clock.advance(5)
    assert login(_from(app, "203.0.113.9"), "edna", PASSWORD).status_code == 303
    limited = _audit(app, "login.limited")
    assert len(limited) == 1 and limited[0].detail["scope"] == "address+name"


def test_login_flood_of_refused_attempts_is_audited_once_a_minute(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    client = _from(app, "203.0.113.9")
    for _ in range(5):
        login(client, "edna", "wrong password")
    for _ in range(20):
        assert login(client, "edna", "wrong password").status_code == 429
    assert len(_audit(app, "login.limited")) == 1
    clock.advance(61)  # past the minute, and past the 5 s wait: one more failure, then refused again
    assert login(client, "edna", "wrong password").status_code == 401
    assert login(client, "edna", "wrong password").status_code == 429
    assert len(_audit(app, "login.limited")) == 2 and len(_audit(app, "login.failed")) == 6


def test_login_wait_doubles_with_each_further_failure(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    client = _from(app, "203.0.113.9")
    for _ in range(5):
        login(client, "edna", "wrong password")
    waits = []
    for _ in range(4):
        waits.append(int(login(client, "edna", "wrong password").headers["Retry-After"]))
        clock.advance(waits[-1])
        assert login(client, "edna", "wrong password").status_code == 401
    assert waits == [5, 10, 20, 40]


def test_login_many_names_from_one_address_are_limited(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    sprayer = _from(app, "203.0.113.50")
    statuses = [login(sprayer, f"user{i}", "wrong password").status_code for i in range(20)]
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
    # A name this address never tried, and the right password: still limited, for this address only.
    assert login(sprayer, "vic", PASSWORD).status_code == 429
    assert login(_from(app, "198.51.100.7"), "vic", PASSWORD).status_code == 303
    assert {r.detail["scope"] for r in _audit(app, "login.limited")} == {"address"}


def test_login_distributed_guessing_slows_new_browsers_but_not_the_owners(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    owner = _from(app, "198.51.100.7")
    assert login(owner, "edna", PASSWORD).status_code == 303
    assert owner.cookies.get("corroborator_device")
    for i in range(5):  # five addresses, one guess each
        assert login(_from(app, f"203.0.113.{i}"), "edna", "wrong password").status_code == 401
    stranger = _from(app, "192.0.2.77")
    refused = login(stranger, "edna", PASSWORD)
    assert refused.status_code == 429 and _audit(app, "login.limited")[0].detail["scope"] == "name"
    # The owner's browser logged in as edna before: its device cookie lets it past, from anywhere.
    travelling = _from(app, "192.0.2.200", cookies={"corroborator_device": owner.cookies.get("corroborator_device")})
    assert login(travelling, "edna", PASSWORD).status_code == 303
    # Another name is not slowed down, and the stranger only waits.
    assert login(_from(app, "192.0.2.78"), "vic", PASSWORD).status_code == 303
    clock.advance(5)
    assert login(stranger, "edna", PASSWORD).status_code == 303


# -- cookies ------------------------------------------------------------------------------------------------------------

def _set_cookies(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_login_cookies_are_secure_when_asked(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path, secure_cookies=True)
    client = TestClient(app, base_url="https://testserver")
    form = client.get("/login")
    assert "Secure" in _set_cookies(form)["corroborator_login"]
    response = login(client, "edna")
    assert response.status_code == 303
    cookies = _set_cookies(response)
    for name in ("corroborator_session", "corroborator_device"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name] and "SameSite=lax" in cookies[name]
    assert "Path=/login" in cookies["corroborator_device"]
    assert client.get("/api/v1/me").status_code == 200
    logout = client.post("/logout", data={"csrf_token": client.get("/api/v1/csrf").json()["csrf_token"]},
                         follow_redirects=False)
    assert "Secure" in _set_cookies(logout)["corroborator_session"]


def test_login_cookies_are_not_secure_by_default_in_process(app) -> None:  # type: ignore[no-untyped-def]
    response = login(TestClient(app), "edna")
    assert all("Secure" not in v for v in _set_cookies(response).values())


@pytest.mark.parametrize(("args", "secure"), [
    (["--host", "0.0.0.0"], True), (["--host", "192.168.1.5"], True), (["--host", "127.0.0.1"], False),
    (["--host", "localhost"], False), (["--host", "::1"], False), ([], False),
    (["--host", "0.0.0.0", "--no-secure-cookies"], False), (["--host", "127.0.0.1", "--secure-cookies"], True)])
def test_serve_secure_cookies_default_on_beyond_loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         args: list[str], secure: bool) -> None:
    import uvicorn

    from tests.webcase import build_case

    case = tmp_path / "case.duckdb"
    build_case(case)
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.update(app=app, **kw))
    result = CliRunner().invoke(cli, ["serve", str(case), *args, "--idle-minutes", "15"])
    assert result.exit_code == 0, result.output
    settings = served["app"].state.settings
    assert settings.secure_cookies is secure and settings.session_idle_minutes == 15
    served["app"].state.case.close()
    if "--no-secure-cookies" in args:
        assert "Warning" in result.output


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.5.0.1") and is_loopback("::1") and is_loopback("[::1]")
    assert is_loopback("LOCALHOST")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("example.org")


# -- idle sessions ------------------------------------------------------------------------------------------------------

def test_session_ends_when_idle_and_the_login_page_says_why(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert login(client, "edna").status_code == 303
    for _ in range(4):  # used every 25 minutes: it lives on past the first 30
        clock.advance(25 * 60)
        assert client.get("/api/v1/me").status_code == 200
    clock.advance(31 * 60)
    page = client.get("/figures", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?") and "msg=expired" in page.headers["location"]
    assert "next=%2Ffigures" in page.headers["location"]
    shown = client.get(page.headers["location"])
    assert "Your session ended" in shown.text and "30 minutes without activity" in shown.text
    # The session is gone, not just hidden: the API says so once, then asks for a login.
    assert client.get("/api/v1/me").json() == {"detail": "login required"}


def test_session_expiry_api_says_expired(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "edna")
    clock.advance(30 * 60 + 1)
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401 and answer.json() == {"detail": "session expired: log in again"}


def test_session_busy_still_ends_at_its_lifetime(tmp_path: Path, clock: Clock) -> None:
    app, _, _ = make_app(tmp_path, clock=clock, session_hours=1.0, session_idle_minutes=30.0)
    client = TestClient(app)
    login(client, "edna")
    for _ in range(5):
        clock.advance(11 * 60)
        assert client.get("/api/v1/me").status_code == 200
    clock.advance(6 * 60)  # 61 minutes after the login, used 6 minutes ago
    assert client.get("/api/v1/me").status_code == 401


def test_session_idle_expiry_off_keeps_the_lifetime(tmp_path: Path, clock: Clock) -> None:
    app, _, _ = make_app(tmp_path, clock=clock, session_idle_minutes=0)
    client = TestClient(app)
    login(client, "edna")
    clock.advance(11 * 3600)
    assert client.get("/api/v1/me").status_code == 200
    clock.advance(3600)
    assert client.get("/api/v1/me").status_code == 401
