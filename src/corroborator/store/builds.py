"""The settings a case file was built with, and every build that changed it.

Kept in the ``meta`` table (no schema change), under three kinds of key:

- ``settings_digest``: the digest of the settings of the latest build that changed the
  case file, which are those its case-wide results were consolidated with;
- ``settings:<digest>``: the canonical JSON of every settings a build of this file used;
- ``builds``: the history, a JSON list with one entry per build that changed the file:
  ``{"at", "settings_digest", "documents_added", "consolidated"}`` (``at`` in UTC).

A case file written before settings were recorded has none of these keys: its
digest reads as None and its history as empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

_DIGEST = "settings_digest"
_HISTORY = "builds"
_SETTINGS = "settings:"


@dataclass(frozen=True)
class BuildRecord:
    """One build that changed the case file."""

    at: str
    settings_digest: str
    documents_added: int
    consolidated: bool


@dataclass(frozen=True)
class SettingsRecord:
    """What a case file records of the settings it was built with.

    Attributes:
        digest: The settings of the latest build that changed the file (its case-wide
            results were made with them); None for a file from before settings were recorded.
        settings_json: Their canonical JSON, or None.
        history: Every build that changed the file, oldest first.
    """

    digest: str | None
    settings_json: str | None
    history: tuple[BuildRecord, ...] = ()

    @property
    def analysed_with(self) -> tuple[str, ...]:
        """The digests of the settings documents were added with, in order of first use."""
        return tuple(dict.fromkeys(b.settings_digest for b in self.history if b.documents_added))


class BuildLog:
    """Reads and writes the settings record of one case file."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def record(self, digest: str, settings_json: str, *, documents_added: int, consolidated: bool) -> BuildRecord:
        """Record a build that changed the case file, in one transaction.

        Args:
            digest: The settings digest (``Settings.digest()``).
            settings_json: The settings' canonical JSON (``Settings.to_json()``).
            documents_added: Documents the build added.
            consolidated: Whether it recomputed the case-wide results.
        """
        entry = BuildRecord(datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
                            digest, documents_added, consolidated)
        history = [*self._history(), entry]
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            self._put(_SETTINGS + digest, settings_json)
            self._put(_DIGEST, digest)
            self._put(_HISTORY, json.dumps([vars(b) for b in history]))
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        return entry

    def current(self) -> SettingsRecord:
        """The recorded settings and history (digest None for a file that records none)."""
        digest = self._get(_DIGEST)
        return SettingsRecord(digest, self._get(_SETTINGS + digest) if digest else None, tuple(self._history()))

    def settings_json(self, digest: str) -> str | None:
        """The JSON of settings this file was built with at some time, by digest; None if never."""
        return self._get(_SETTINGS + digest)

    def _history(self) -> list[BuildRecord]:
        text = self._get(_HISTORY)
        return [BuildRecord(**entry) for entry in json.loads(text)] if text else []

    def _get(self, key: str) -> str | None:
        row = self._con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _put(self, key: str, value: str) -> None:
        self._con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
