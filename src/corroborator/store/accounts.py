"""The ``users``, ``sessions`` and ``audit`` tables: who may review a case file, and their trail.

Rows only: hashing passwords, checking codes and deciding who may do what belong to
:mod:`corroborator.review.accounts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from corroborator.store import audit as chain


class UserRow(NamedTuple):
    """A row of ``users``."""

    name: str
    role: str
    active: bool
    totp_secret: str | None
    password_hash: str
    totp_last: int | None


class SessionRow(NamedTuple):
    """A live session: its user, CSRF token, whether protected identities are revealed, and its times."""

    user: UserRow
    csrf: str
    reveal: bool
    created: datetime | None = None
    expires: datetime | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log."""

    seq: int
    at: str
    user: str | None
    action: str
    target: str | None
    detail: dict[str, Any]


_USER = "SELECT name, role, active, totp_secret, password_hash, totp_last FROM users"


def _user(row: tuple[Any, ...]) -> UserRow:
    return UserRow(row[0], row[1], bool(row[2]), row[3], row[4], row[5])


class AccountRepository:
    """Users, sessions and the audit log of one case file."""

    def __init__(self, con: Any) -> None:
        self._con = con

    # -- users ------------------------------------------------------------------------
    def user(self, name: str) -> UserRow | None:
        """The user called ``name``, or None."""
        row = self._con.execute(f"{_USER} WHERE name = ?", [name]).fetchone()
        return _user(row) if row else None

    def users(self) -> list[UserRow]:
        """Every user, by name."""
        return [_user(r) for r in self._con.execute(f"{_USER} ORDER BY name").fetchall()]

    def add_user(self, name: str, role: str, password_hash: str, totp_secret: str | None, at: datetime) -> None:
        """Add an active user."""
        self._con.execute("INSERT INTO users VALUES (?, ?, ?, ?, NULL, TRUE, ?)",
                          [name, role, password_hash, totp_secret, at])

    def set_totp(self, name: str, secret: str | None) -> None:
        """Replace a user's TOTP secret (no code used with it yet)."""
        self._con.execute("UPDATE users SET totp_secret = ?, totp_last = NULL WHERE name = ?", [secret, name])

    def set_totp_last(self, name: str, step: int) -> None:
        """Remember the last TOTP time step used, so a code works once."""
        self._con.execute("UPDATE users SET totp_last = ? WHERE name = ?", [step, name])

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Replace a user's password hash."""
        self._con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [password_hash, name])

    def set_role(self, name: str, role: str) -> None:
        """Change a user's role."""
        self._con.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])

    def set_active(self, name: str, active: bool) -> None:
        """Enable or disable a user."""
        self._con.execute("UPDATE users SET active = ? WHERE name = ?", [active, name])

    # -- sessions ---------------------------------------------------------------------
    def add_session(self, token_hash: str, user: str, csrf: str, created: datetime, expires: datetime) -> None:
        """Store a new session (by the hash of its token), identities hidden."""
        self._con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, FALSE)",
                          [token_hash, user, csrf, created, expires])

    def session(self, token_hash: str, now: datetime) -> SessionRow | None:
        """The session of a token hash, if it has not expired and its user is active."""
        row = self._con.execute(
            "SELECT u.name, u.role, u.active, u.totp_secret, u.password_hash, u.totp_last, s.csrf, s.reveal, "
            "s.created_at, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name "
            "WHERE s.token_hash = ? AND s.expires_at > ? AND u.active", [token_hash, now]).fetchone()
        return SessionRow(_user(row[:6]), row[6], bool(row[7]), row[8], row[9]) if row else None

    def session_expired(self, token_hash: str, now: datetime) -> bool:
        """Whether the token's session exists but has expired."""
        row = self._con.execute("SELECT 1 FROM sessions WHERE token_hash = ? AND expires_at <= ?",
                                [token_hash, now]).fetchone()
        return row is not None

    def set_session_expiry(self, token_hash: str, expires: datetime) -> None:
        """Move a session's expiry (sessions that expire when idle are extended on use)."""
        self._con.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ?", [expires, token_hash])

    def delete_expired_sessions(self, now: datetime) -> None:
        """Remove every expired session."""
        self._con.execute("DELETE FROM sessions WHERE expires_at <= ?", [now])

    def set_reveal(self, token_hash: str, reveal: bool) -> None:
        """Show or hide protected identities in one session."""
        self._con.execute("UPDATE sessions SET reveal = ? WHERE token_hash = ?", [reveal, token_hash])

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        self._con.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash])

    def delete_user_sessions(self, name: str) -> None:
        """End every session of a user."""
        self._con.execute("DELETE FROM sessions WHERE user_name = ?", [name])

    # -- audit log --------------------------------------------------------------------
    def add_audit(self, at: datetime, user: str | None, action: str, target: str | None,
                  detail: dict[str, Any]) -> None:
        """Append one record to the audit log, at the end of the chain (:mod:`corroborator.store.audit`)."""
        chain.append(self._con, "audit", {"at_utc": at, "user_name": user, "action": action, "target": target,
                                          "detail": json.dumps(detail, ensure_ascii=False)})

    def audit(self, *, limit: int = 100, offset: int = 0, action: str | None = None) -> list[AuditRecord]:
        """Audit records, newest first (optionally only actions starting with ``action``)."""
        where, params = ("WHERE action LIKE ?", [action + "%"]) if action else ("", [])
        rows = self._con.execute(f"SELECT seq, at_utc, user_name, action, target, detail FROM audit {where} "
                                 "ORDER BY seq DESC LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
        return [AuditRecord(r[0], r[1].isoformat(timespec="seconds"), r[2], r[3], r[4], json.loads(r[5] or "{}"))
                for r in rows]
