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
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        yield store


def test_accounts_password_is_stored_as_argon2_hash(store) -> None:  # type: ignore[no-untyped-def]
    user, secret = accounts.add_user(store, "edna", "editor", PASSWORD)
    assert user.role == "editor" and secret is None
    (stored,) = store.con.execute("SELECT password_hash FROM users WHERE name = 'edna'").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.verify_login(store, "edna", PASSWORD).name == "edna"


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("edna", "editor", "short", "too short"),
    ("edna", "boss", PASSWORD, "unknown role"),
    ("bad name!", "viewer", PASSWORD, "invalid user name"),
    ("", "viewer", PASSWORD, "invalid user name"),
])
def test_accounts_add_user_refuses_bad_input(store, name: str, role: str, password: str,  # type: ignore[no-untyped-def]
                                             message: str) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.add_user(store, name, role, password)


def test_accounts_duplicate_name_is_refused(store) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(store, "edna", "editor", PASSWORD)
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_user(store, "edna", "viewer", PASSWORD)


def test_accounts_wrong_password_or_unknown_user_fail_alike(store) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(store, "edna", "editor", PASSWORD)
    with pytest.raises(LoginError) as wrong:
        accounts.verify_login(store, "edna", "not the password")
    with pytest.raises(LoginError) as unknown:
        accounts.verify_login(store, "nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value)


def test_accounts_admin_needs_totp_and_a_code_works_once(store) -> None:  # type: ignore[no-untyped-def]
    user, secret = accounts.add_user(store, "ada", "admin", PASSWORD)
    assert secret and user.has_totp
    assert accounts.totp_uri("ada", secret).startswith("otpauth://totp/")
    with pytest.raises(LoginError):
        accounts.verify_login(store, "ada", PASSWORD)
    with pytest.raises(LoginError):
        accounts.verify_login(store, "ada", PASSWORD, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    code = pyotp.TOTP(secret).now()
    assert accounts.verify_login(store, "ada", PASSWORD, code).role == "admin"
    with pytest.raises(LoginError):  # a code cannot be replayed
        accounts.verify_login(store, "ada", PASSWORD, code)


def test_accounts_admin_without_second_factor_cannot_log_in(store) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(store, "ada", "admin", PASSWORD)
    store.con.execute("UPDATE users SET totp_secret = NULL WHERE name = 'ada'")
    with pytest.raises(LoginError, match="no second factor"):
        accounts.verify_login(store, "ada", PASSWORD)


def test_accounts_session_token_is_stored_only_as_hash(store) -> None:  # type: ignore[no-untyped-def]
    user, _ = accounts.add_user(store, "edna", "editor", PASSWORD)
    session = accounts.create_session(store, user)
    stored = [r[0] for r in store.con.execute("SELECT token_hash FROM sessions").fetchall()]
    assert session.token not in stored and len(stored) == 1
    found = accounts.lookup_session(store, session.token)
    assert found is not None and found.user.name == "edna" and found.csrf == session.csrf
    assert accounts.lookup_session(store, "forged") is None and accounts.lookup_session(store, None) is None


def test_accounts_logout_password_change_and_disable_revoke_sessions(store) -> None:  # type: ignore[no-untyped-def]
    user, _ = accounts.add_user(store, "edna", "editor", PASSWORD)
    one, two = accounts.create_session(store, user), accounts.create_session(store, user)
    accounts.revoke_session(store, one.token)
    assert accounts.lookup_session(store, one.token) is None and accounts.lookup_session(store, two.token)
    accounts.set_password(store, "edna", "another long password")
    assert accounts.lookup_session(store, two.token) is None
    assert accounts.verify_login(store, "edna", "another long password")
    three = accounts.create_session(store, user)
    accounts.set_active(store, "edna", False)
    assert accounts.lookup_session(store, three.token) is None
    with pytest.raises(LoginError):
        accounts.verify_login(store, "edna", "another long password")


def test_accounts_expired_session_is_dead(store) -> None:  # type: ignore[no-untyped-def]
    user, _ = accounts.add_user(store, "edna", "editor", PASSWORD)
    session = accounts.create_session(store, user, timedelta(seconds=-1))
    assert accounts.lookup_session(store, session.token) is None


def test_accounts_reveal_only_counts_for_admins(store) -> None:  # type: ignore[no-untyped-def]
    editor, _ = accounts.add_user(store, "edna", "editor", PASSWORD)
    session = accounts.create_session(store, editor)
    accounts.set_reveal(store, session.token, True)
    assert accounts.lookup_session(store, session.token).reveal is False  # type: ignore[union-attr]


def test_accounts_promotion_to_admin_gives_a_second_factor(store) -> None:  # type: ignore[no-untyped-def]
    accounts.add_user(store, "edna", "editor", PASSWORD)
    secret = accounts.set_role(store, "edna", "admin")
    assert secret and accounts.get_user(store, "edna").has_totp  # type: ignore[union-attr]


def test_accounts_login_limiter_blocks_after_failures() -> None:
    limiter = LoginLimiter(attempts=3, window=60)
    for _ in range(3):
        assert limiter.allowed("k")
        limiter.failed("k")
    assert not limiter.allowed("k") and limiter.allowed("other")
    limiter.reset("k")
    assert limiter.allowed("k")


def test_accounts_audit_log_is_newest_first(store) -> None:  # type: ignore[no-untyped-def]
    accounts.record_audit(store, "edna", "login")
    accounts.record_audit(store, "edna", "export", "json", {"redacted": True})
    records = accounts.audit_records(store)
    assert [r.action for r in records[:2]] == ["export", "login"]
    assert records[0].detail == {"redacted": True} and records[0].user == "edna"
    assert [r.action for r in accounts.audit_records(store, action="login")] == ["login"]
