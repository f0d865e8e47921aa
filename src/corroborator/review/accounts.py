"""Accounts of the review web app: users, password hashes, TOTP, sessions, the audit log.

Everything lives in the case file beside the case itself (tables ``users``,
``sessions`` and ``audit``), so a case file carries its own reviewers and their trail.
Passwords are hashed with Argon2id; session tokens are random and stored only as their
SHA-256, so a copied case file does not hand out live sessions. Admins must use a TOTP
second factor; other users may.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from corroborator.errors import AccountError, LoginError

logger = logging.getLogger(__name__)

#: Roles, weakest first: viewers read, editors review, admins manage users and see protected identities.
ROLES = ("viewer", "editor", "admin")
MIN_PASSWORD_LENGTH = 10
SESSION_LIFETIME = timedelta(hours=12)
ISSUER = "Corroborator"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not tell who has an account.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
    totp_secret VARCHAR, totp_last BIGINT, active BOOLEAN NOT NULL, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, csrf VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL, reveal BOOLEAN NOT NULL);
CREATE SEQUENCE IF NOT EXISTS audit_seq;
CREATE TABLE IF NOT EXISTS audit (
    seq BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'), at_utc TIMESTAMP NOT NULL, user_name VARCHAR,
    action VARCHAR NOT NULL, target VARCHAR, detail VARCHAR);
"""



@dataclass(frozen=True)
class User:
    """A reviewer of the case."""

    name: str
    role: str
    active: bool = True
    has_totp: bool = False

    def can(self, role: str) -> bool:
        """Whether this user holds ``role`` or a stronger one."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    """A logged-in browser: ``token`` is the cookie value, ``csrf`` goes in every form."""

    token: str
    user: User
    csrf: str
    reveal: bool = False


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ensure_schema(con: Any) -> None:
    """Create the account tables in a case file if they are missing."""
    con.execute(_SCHEMA)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")


def _user(row: tuple[Any, ...]) -> User:
    return User(name=row[0], role=row[1], active=bool(row[2]), has_totp=row[3] is not None)


def get_user(con: Any, name: str) -> User | None:
    """The user called ``name``, or None."""
    row = con.execute("SELECT name, role, active, totp_secret FROM users WHERE name = ?", [name]).fetchone()
    return _user(row) if row else None


def list_users(con: Any) -> list[User]:
    """Every user, by name."""
    rows = con.execute("SELECT name, role, active, totp_secret FROM users ORDER BY name").fetchall()
    return [_user(r) for r in rows]


def add_user(con: Any, name: str, role: str, password: str) -> tuple[User, str | None]:
    """Create a user.

    Args:
        con: A read-write connection to the case file.
        name: Login name (letters, digits, ``_ . @ -``; at most 64 characters).
        role: One of :data:`ROLES`.
        password: At least :data:`MIN_PASSWORD_LENGTH` characters.

    Returns:
        The user, and for an admin the new TOTP secret (admins must use a second factor).

    Raises:
        AccountError: Bad name, role or password, or the name is taken.
    """
    if not _NAME.match(name):
        raise AccountError(f"invalid user name {name!r}: use letters, digits and _ . @ - (at most 64)")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; valid roles: {', '.join(ROLES)}")
    _check_password(password)
    ensure_schema(con)
    if get_user(con, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    secret = pyotp.random_base32() if role == "admin" else None
    con.execute("INSERT INTO users VALUES (?, ?, ?, ?, NULL, TRUE, ?)",
                [name, role, _hasher.hash(password), secret, _now()])
    record_audit(con, None, "user.add", name, {"role": role})
    return User(name, role, True, secret is not None), secret


def enable_totp(con: Any, name: str) -> str:
    """Give ``name`` a new TOTP secret (replacing any old one) and return it."""
    _require(con, name)
    secret = pyotp.random_base32()
    con.execute("UPDATE users SET totp_secret = ?, totp_last = NULL WHERE name = ?", [secret, name])
    revoke_user_sessions(con, name)
    return secret


def totp_uri(name: str, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def _require(con: Any, name: str) -> User:
    user = get_user(con, name)
    if user is None:
        raise AccountError(f"no user called {name!r}")
    return user


def set_password(con: Any, name: str, password: str) -> None:
    """Change a password and end every session of that user."""
    _require(con, name)
    _check_password(password)
    con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [_hasher.hash(password), name])
    revoke_user_sessions(con, name)


def set_role(con: Any, name: str, role: str) -> str | None:
    """Change a role; ends the user's sessions. Returns a new TOTP secret when promoted to admin without one."""
    user = _require(con, name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; valid roles: {', '.join(ROLES)}")
    con.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
    revoke_user_sessions(con, name)
    return enable_totp(con, name) if role == "admin" and not user.has_totp else None


def set_active(con: Any, name: str, active: bool) -> None:
    """Enable or disable a user; disabling ends their sessions."""
    _require(con, name)
    con.execute("UPDATE users SET active = ? WHERE name = ?", [active, name])
    if not active:
        revoke_user_sessions(con, name)


def verify_login(con: Any, name: str, password: str, totp_code: str | None = None) -> User:
    """Check a name, password and (when the user has one) TOTP code.

    Raises:
        LoginError: Anything wrong; the message is the same whatever was wrong.
    """
    failed = LoginError("wrong name, password or code")
    ensure_schema(con)
    row = con.execute("SELECT name, role, active, totp_secret, password_hash, totp_last FROM users WHERE name = ?",
                      [name]).fetchone()
    try:
        _hasher.verify(row[4] if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise failed from None
    if row is None or not row[2]:
        raise failed
    user = _user(row)
    if user.role == "admin" and row[3] is None:
        # An admin without a second factor cannot log in: fail closed.
        raise LoginError("this admin has no second factor yet: run `corroborator user totp NAME`")
    if row[3] is not None:
        step = _totp_step(row[3], (totp_code or "").strip())
        if step is None or (row[5] is not None and step <= row[5]):
            raise failed
        con.execute("UPDATE users SET totp_last = ? WHERE name = ?", [step, name])
    if _hasher.check_needs_rehash(row[4]):
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [_hasher.hash(password), name])
    return user


def verify_password(con: Any, name: str, password: str) -> bool:
    """Whether ``password`` is the current password of ``name`` (for re-authentication)."""
    row = con.execute("SELECT password_hash FROM users WHERE name = ?", [name]).fetchone()
    try:
        return _hasher.verify(row[0] if row else _DUMMY_HASH, password) and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _totp_step(secret: str, code: str) -> int | None:
    """The time step ``code`` is valid for (one step of clock drift allowed), or None."""
    if not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    for drift in (0, -1, 1):
        at = now + drift * totp.interval
        if hmac.compare_digest(totp.at(at), code):
            return at // totp.interval
    return None


def create_session(con: Any, user: User, lifetime: timedelta = SESSION_LIFETIME) -> Session:
    """Start a session for ``user``; only the token's hash is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, FALSE)",
                [_token_hash(token), user.name, csrf, now, now + lifetime])
    return Session(token, user, csrf)


def lookup_session(con: Any, token: str | None) -> Session | None:
    """The live session of a cookie value, or None (unknown, expired, or its user disabled)."""
    if not token or len(token) > 200:
        return None
    row = con.execute(
        "SELECT u.name, u.role, u.active, u.totp_secret, s.csrf, s.reveal FROM sessions s "
        "JOIN users u ON u.name = s.user_name WHERE s.token_hash = ? AND s.expires_at > ? AND u.active",
        [_token_hash(token), _now()]).fetchone()
    if row is None:
        return None
    return Session(token, _user(row[:4]), row[4], bool(row[5]) and row[1] == "admin")


def set_reveal(con: Any, token: str, reveal: bool) -> None:
    """Turn the display of protected identities on or off for one session."""
    con.execute("UPDATE sessions SET reveal = ? WHERE token_hash = ?", [reveal, _token_hash(token)])


def revoke_session(con: Any, token: str) -> None:
    """End one session."""
    con.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])


def revoke_user_sessions(con: Any, name: str) -> None:
    """End every session of a user."""
    con.execute("DELETE FROM sessions WHERE user_name = ?", [name])


def record_audit(con: Any, user: str | None, action: str, target: str | None = None,
                 detail: dict[str, Any] | None = None) -> None:
    """Append one record to the audit log (who, when, what)."""
    ensure_schema(con)
    con.execute("INSERT INTO audit (at_utc, user_name, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                [_now(), user, action, target, json.dumps(detail or {}, ensure_ascii=False)])


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log."""

    seq: int
    at: str
    user: str | None
    action: str
    target: str | None
    detail: dict[str, Any]


def audit_records(con: Any, *, limit: int = 100, offset: int = 0, action: str | None = None) -> list[AuditRecord]:
    """Audit records, newest first (optionally only actions starting with ``action``)."""
    ensure_schema(con)
    where, params = ("WHERE action LIKE ?", [action + "%"]) if action else ("", [])
    rows = con.execute(f"SELECT seq, at_utc, user_name, action, target, detail FROM audit {where} "
                       "ORDER BY seq DESC LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return [AuditRecord(r[0], r[1].isoformat(timespec="seconds"), r[2], r[3], r[4], json.loads(r[5] or "{}"))
            for r in rows]


class LoginLimiter:
    """At most ``attempts`` failed logins per key in ``window`` seconds (in memory, thread-safe)."""

    def __init__(self, attempts: int = 5, window: float = 300.0):
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def allowed(self, key: str) -> bool:
        """Whether another attempt may be made now."""
        with self._lock:
            return len(self._recent(key, time.monotonic())) < self.attempts

    def failed(self, key: str) -> None:
        """Count one failed attempt."""
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())

    def reset(self, key: str) -> None:
        """Forget the failures of ``key`` (after a successful login)."""
        with self._lock:
            self._failures.pop(key, None)
