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
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from corroborator.errors import AccountError, LoginError
from corroborator.review.throttle import Limit, LoginLimiter, LoginThrottle, ThrottleSettings
from corroborator.store import CaseStore
from corroborator.store.accounts import AuditRecord, UserRow

__all__ = ["ROLES", "AccountError", "AuditRecord", "Limit", "LoginError", "LoginLimiter", "LoginThrottle",
           "Session", "ThrottleSettings", "User", "add_user", "audit_records", "create_session", "enable_totp",
           "get_user", "list_users", "lookup_session", "record_audit", "revoke_session", "revoke_user_sessions",
           "session_expired", "set_active", "set_password", "set_reveal", "set_role", "totp_uri", "utc",
           "verify_login", "verify_password"]

logger = logging.getLogger(__name__)

#: Roles, weakest first: viewers read, editors review, admins manage users and see protected identities.
ROLES = ("viewer", "editor", "admin")
MIN_PASSWORD_LENGTH = 10
SESSION_LIFETIME = timedelta(hours=12)
#: A session not used for this long ends (the web app's default; ``corroborator serve --idle-minutes``).
SESSION_IDLE = timedelta(minutes=30)
# An idle-expiring session's expiry is moved on use only when it gains at least this much (a write per request is waste).
_TOUCH_STEP = timedelta(seconds=60)
ISSUER = "Corroborator"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not tell who has an account.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


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


def utc(seconds: float) -> datetime:
    """A POSIX time as the naive UTC datetime the case file stores."""
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")


def _user(row: UserRow) -> User:
    return User(name=row.name, role=row.role, active=row.active, has_totp=row.totp_secret is not None)


def get_user(store: CaseStore, name: str) -> User | None:
    """The user called ``name``, or None."""
    row = store.accounts.user(name)
    return _user(row) if row else None


def list_users(store: CaseStore) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in store.accounts.users()]


def add_user(store: CaseStore, name: str, role: str, password: str) -> tuple[User, str | None]:
    """Create a user.

    Args:
        store: The case file, opened for writing.
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
    if get_user(store, name) is not None:
        raise AccountError(f"user {name!r} already exists")
    secret = pyotp.random_base32() if role == "admin" else None
    store.accounts.add_user(name, role, _hasher.hash(password), secret, _now())
    record_audit(store, None, "user.add", name, {"role": role})
    return User(name, role, True, secret is not None), secret


def enable_totp(store: CaseStore, name: str) -> str:
    """Give ``name`` a new TOTP secret (replacing any old one) and return it."""
    _require(store, name)
    secret = pyotp.random_base32()
    store.accounts.set_totp(name, secret)
    revoke_user_sessions(store, name)
    return secret


def totp_uri(name: str, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def _require(store: CaseStore, name: str) -> User:
    user = get_user(store, name)
    if user is None:
        raise AccountError(f"no user called {name!r}")
    return user


def set_password(store: CaseStore, name: str, password: str) -> None:
    """Change a password and end every session of that user."""
    _require(store, name)
    _check_password(password)
    store.accounts.set_password_hash(name, _hasher.hash(password))
    revoke_user_sessions(store, name)


def set_role(store: CaseStore, name: str, role: str) -> str | None:
    """Change a role; ends the user's sessions. Returns a new TOTP secret when promoted to admin without one."""
    user = _require(store, name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; valid roles: {', '.join(ROLES)}")
    store.accounts.set_role(name, role)
    revoke_user_sessions(store, name)
    return enable_totp(store, name) if role == "admin" and not user.has_totp else None


def set_active(store: CaseStore, name: str, active: bool) -> None:
    """Enable or disable a user; disabling ends their sessions."""
    _require(store, name)
    store.accounts.set_active(name, active)
    if not active:
        revoke_user_sessions(store, name)


def verify_login(store: CaseStore, name: str, password: str, totp_code: str | None = None) -> User:
    """Check a name, password and (when the user has one) TOTP code.

    Raises:
        LoginError: Anything wrong; the message is the same whatever was wrong.
    """
    failed = LoginError("wrong name, password or code")
    row = store.accounts.user(name)
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise failed from None
    if row is None or not row.active:
        raise failed
    user = _user(row)
    if user.role == "admin" and row.totp_secret is None:
        # An admin without a second factor cannot log in: fail closed.
        raise LoginError("this admin has no second factor yet: run `corroborator user totp NAME`")
    if row.totp_secret is not None:
        step = _totp_step(row.totp_secret, (totp_code or "").strip())
        if step is None or (row.totp_last is not None and step <= row.totp_last):
            raise failed
        store.accounts.set_totp_last(name, step)
    if _hasher.check_needs_rehash(row.password_hash):
        store.accounts.set_password_hash(name, _hasher.hash(password))
    return user


def verify_password(store: CaseStore, name: str, password: str) -> bool:
    """Whether ``password`` is the current password of ``name`` (for re-authentication)."""
    row = store.accounts.user(name)
    try:
        return _hasher.verify(row.password_hash if row else _DUMMY_HASH, password) and row is not None
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


def create_session(store: CaseStore, user: User, lifetime: timedelta = SESSION_LIFETIME, *,
                   idle: timedelta | None = None, now: datetime | None = None) -> Session:
    """Start a session for ``user``; only the token's hash is stored.

    Args:
        store: The case file.
        user: Who logged in.
        lifetime: The longest a session lasts, however busy.
        idle: End the session when it goes unused this long (None: only ``lifetime``).
        now: The time (naive UTC; the current time by default).
    """
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = now or _now()
    store.accounts.delete_expired_sessions(now)
    store.accounts.add_session(_token_hash(token), user.name, csrf, now, now + min(lifetime, idle or lifetime))
    return Session(token, user, csrf)


def lookup_session(store: CaseStore, token: str | None, *, now: datetime | None = None,
                   idle: timedelta | None = None, lifetime: timedelta = SESSION_LIFETIME) -> Session | None:
    """The live session of a cookie value, or None (unknown, expired, or its user disabled).

    With ``idle``, using the session moves its end to ``idle`` from now, never past
    ``lifetime`` after the login.
    """
    if not token or len(token) > 200:
        return None
    now = now or _now()
    found = store.accounts.session(_token_hash(token), now)
    if found is None:
        return None
    if idle is not None and found.created is not None and found.expires is not None:
        expires = min(found.created + lifetime, now + idle)
        if expires - found.expires >= min(_TOUCH_STEP, idle / 10):
            store.accounts.set_session_expiry(_token_hash(token), expires)
    return Session(token, _user(found.user), found.csrf, found.reveal and found.user.role == "admin")


def session_expired(store: CaseStore, token: str | None, *, now: datetime | None = None) -> bool:
    """Whether a cookie value names a session that has expired (it is removed: it tells this once)."""
    if not token or len(token) > 200:
        return False
    if not store.accounts.session_expired(_token_hash(token), now or _now()):
        return False
    store.accounts.delete_session(_token_hash(token))
    return True


def set_reveal(store: CaseStore, token: str, reveal: bool) -> None:
    """Turn the display of protected identities on or off for one session."""
    store.accounts.set_reveal(_token_hash(token), reveal)


def revoke_session(store: CaseStore, token: str) -> None:
    """End one session."""
    store.accounts.delete_session(_token_hash(token))


def revoke_user_sessions(store: CaseStore, name: str) -> None:
    """End every session of a user."""
    store.accounts.delete_user_sessions(name)


def record_audit(store: CaseStore, user: str | None, action: str, target: str | None = None,
                 detail: dict[str, Any] | None = None) -> None:
    """Append one record to the audit log (who, when, what)."""
    store.accounts.add_audit(_now(), user, action, target, detail or {})


def audit_records(store: CaseStore, *, limit: int = 100, offset: int = 0,
                  action: str | None = None) -> list[AuditRecord]:
    """Audit records, newest first (optionally only actions starting with ``action``)."""
    return store.accounts.audit(limit=limit, offset=offset, action=action)
