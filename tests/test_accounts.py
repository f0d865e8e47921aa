"""Accounts: password hashes, TOTP, sessions and their revocation, rate limits, the audit log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyotp
import pytest

from corroborator.review import accounts
from corroborator.review.accounts import AccountError, LoginError, LoginLimiter
from corroborator.store import open_case

PASSWORD = "correct horse battery"


@pytest.fixture()
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        accounts.ensure_schema(store.con)
        yield store.con


def test_accounts_password_is_stored_as_argon2_hash(con) -> None:  # type: ignore[no-untyped-def]
    user, secret = accounts.add_user(con, "edna", "editor", PASSWORD)
    assert user.role == "editor" and secret is None
    (stored,) = con.execute("SELECT password_hash FROM users WHERE name = 'edna'").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.verify_login(con, "edna", PASSWORD).name == "edna"


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("edna", "editor", "short", "too short"),
    ("edna", "boss", PASSWORD, "unknown role"),
    ("bad name!", "viewer", PASSWORD, "invalid user name"),
    ("", "viewer", PASSWORD, "invalid user name"),
])
def test_accounts_add_user_refuses_bad_input(con, name: str, role: str, password: str,  # type: ignore[no-untyped-def]
                                             message: str) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.add_user(con, name, role, password)


def test_accounts_duplicate_name_is_refused(con) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(con, "edna", "editor", PASSWORD)
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_user(con, "edna", "viewer", PASSWORD)


def test_accounts_wrong_password_or_unknown_user_fail_alike(con) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(con, "edna", "editor", PASSWORD)
    with pytest.raises(LoginError) as wrong:
        accounts.verify_login(con, "edna", "not the password")
    with pytest.raises(LoginError) as unknown:
        accounts.verify_login(con, "nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value)


def test_accounts_admin_needs_totp_and_a_code_works_once(con) -> None:  # type: ignore[no-untyped-def]
    user, secret = accounts.add_user(con, "ada", "admin", PASSWORD)
    assert secret and user.has_totp
    assert accounts.totp_uri("ada", secret).startswith("otpauth://totp/")
    with pytest.raises(LoginError):
        accounts.verify_login(con, "ada", PASSWORD)
    with pytest.raises(LoginError):
        accounts.verify_login(con, "ada", PASSWORD, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    code = pyotp.TOTP(secret).now()
    assert accounts.verify_login(con, "ada", PASSWORD, code).role == "admin"
    with pytest.raises(LoginError):  # a code cannot be replayed
        accounts.verify_login(con, "ada", PASSWORD, code)


def test_accounts_admin_without_second_factor_cannot_log_in(con) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(con, "ada", "admin", PASSWORD)
    con.execute("UPDATE users SET totp_secret = NULL WHERE name = 'ada'")
    with pytest.raises(LoginError, match="no second factor"):
        accounts.verify_login(con, "ada", PASSWORD)


def test_accounts_session_token_is_stored_only_as_hash(con) -> None:  # type: ignore[no-untyped-def]
    user, _ = accounts.add_user(con, "edna", "editor", PASSWORD)
    session = accounts.create_session(con, user)
    stored = [r[0] for r in con.execute("SELECT token_hash FROM sessions").fetchall()]
    assert session.token not in stored and len(stored) == 1
    found = accounts.lookup_session(con, session.token)
    assert found is not None and found.user.name == "edna" and found.csrf == session.csrf
    assert accounts.lookup_session(con, "forged") is None and accounts.lookup_session(con, None) is None


def test_accounts_logout_password_change_and_disable_revoke_sessions(con) -> None:  # type: ignore[no-untyped-def]
    user, _ = accounts.add_user(con, "edna", "editor", PASSWORD)
    one, two = accounts.create_session(con, user), accounts.create_session(con, user)
    accounts.revoke_session(con, one.token)
    assert accounts.lookup_session(con, one.token) is None and accounts.lookup_session(con, two.token)
    accounts.set_password(con, "edna", "another long password")
    assert accounts.lookup_session(con, two.token) is None
    assert accounts.verify_login(con, "edna", "another long password")
    three = accounts.create_session(con, user)
    accounts.set_active(con, "edna", False)
    assert accounts.lookup_session(con, three.token) is None
    with pytest.raises(LoginError):
        accounts.verify_login(con, "edna", "another long password")


def test_accounts_expired_session_is_dead(con) -> None:  # type: ignore[no-untyped-def]
    user, _ = accounts.add_user(con, "edna", "editor", PASSWORD)
    session = accounts.create_session(con, user, timedelta(seconds=-1))
    assert accounts.lookup_session(con, session.token) is None


def test_accounts_reveal_only_counts_for_admins(con) -> None:  # type: ignore[no-untyped-def]
    editor, _ = accounts.add_user(con, "edna", "editor", PASSWORD)
    session = accounts.create_session(con, editor)
    accounts.set_reveal(con, session.token, True)
    assert accounts.lookup_session(con, session.token).reveal is False  # type: ignore[union-attr]


def test_accounts_promotion_to_admin_gives_a_second_factor(con) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(con, "edna", "editor", PASSWORD)
    secret = accounts.set_role(con, "edna", "admin")
    assert secret and accounts.get_user(con, "edna").has_totp  # type: ignore[union-attr]


def test_accounts_login_limiter_blocks_after_failures() -> None:
    limiter = LoginLimiter(attempts=3, window=60)
    for _ in range(3):
        assert limiter.allowed("k")
        limiter.failed("k")
    assert not limiter.allowed("k") and limiter.allowed("other")
    limiter.reset("k")
    assert limiter.allowed("k")


def test_accounts_audit_log_is_newest_first(con) -> None:  # type: ignore[no-untyped-def]
    accounts.record_audit(con, "edna", "login")
    accounts.record_audit(con, "edna", "export", "json", {"redacted": True})
    records = accounts.audit_records(con)
    assert [r.action for r in records[:2]] == ["export", "login"]
    assert records[0].detail == {"redacted": True} and records[0].user == "edna"
    assert [r.action for r in accounts.audit_records(con, action="login")] == ["login"]
