"""The settings a case file was built with, and every build that changed it.

Kept in the ``meta`` table (no schema change), under three kinds of key:

- ``settings_digest``: the digest of the settings of the latest build that changed the
  case file, which are those its case-wide results were consolidated with;
- ``settings:<digest>``: the canonical JSON of every settings a build of this file used;
- ``builds``: the history, a JSON list with one entry per build that changed the file:
  ``{"at", "settings_digest", "documents_added", "consolidated"}`` (``at`` in UTC).

A case file written before settings were recorded has none of these keys: its
digest reads as None and its history as empty.

What each build finished is kept in two tables (schema 5, :class:`BuildPhases`):
``phases`` has one row per document and finished phase (``analysed``, written in the
transaction that stores the document; ``consolidated``, written in the transaction
that stores the case-wide results), and ``build_state`` one row per case-wide phase
(``consolidate``: ``started`` before it runs, ``finished`` with its results). A build
after a crash compares them to find the work still to do.
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

    def record(self, digest: str, settings_json: str, *, documents_added: int, consolidated: bool,
               in_transaction: bool = False) -> BuildRecord:
        """Record a build that changed the case file, in one transaction.

        Args:
            digest: The settings digest (``Settings.digest()``).
            settings_json: The settings' canonical JSON (``Settings.to_json()``).
            documents_added: Documents the build added.
            consolidated: Whether it recomputed the case-wide results.
            in_transaction: Write inside the caller's open transaction (with the results
                it commits) instead of one of its own.
        """
        entry = BuildRecord(datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
                            digest, documents_added, consolidated)
        history = [*self._history(), entry]
        con = self._con
        if not in_transaction:
            con.execute("BEGIN TRANSACTION")
        try:
            self._put(_SETTINGS + digest, settings_json)
            self._put(_DIGEST, digest)
            self._put(_HISTORY, json.dumps([vars(b) for b in history]))
        except BaseException:
            if not in_transaction:
                con.execute("ROLLBACK")
            raise
        if not in_transaction:
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


#: The phase of a document stored with everything the per-document stages found in it.
ANALYSED = "analysed"
#: The phase of a document the stored case-wide results include.
CONSOLIDATED = "consolidated"
#: The case-wide phase of :class:`BuildPhases`.
CONSOLIDATE = "consolidate"


@dataclass(frozen=True)
class PendingWork:
    """What a build must still do to a case file (after a crash, or documents added since).

    Attributes:
        unconsolidated: Stored documents the case-wide results do not include yet.
        interrupted: Case-wide phases started and never finished.
    """

    unconsolidated: int
    interrupted: tuple[str, ...]

    @property
    def consolidation(self) -> bool:
        """Whether the case-wide results must be recomputed."""
        return bool(self.unconsolidated) or CONSOLIDATE in self.interrupted


class BuildPhases:
    """Which build phase finished for which document, and the case-wide phases started or finished."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def analysed(self, doc_ids: list[str], at: str) -> None:
        """Mark documents analysed, and not consolidated (inside the transaction that stores them)."""
        self._con.execute("DELETE FROM phases WHERE phase = ? AND doc_id IN (SELECT unnest(?::VARCHAR[]))",
                          [CONSOLIDATED, doc_ids])
        self._con.execute("INSERT OR REPLACE INTO phases SELECT unnest(?::VARCHAR[]), ?, ?::TIMESTAMP",
                          [doc_ids, ANALYSED, at])

    def started(self, phase: str, digest: str | None) -> None:
        """Record that a case-wide phase begins (committed at once, so a crash leaves it started)."""
        self._con.execute("INSERT OR REPLACE INTO build_state VALUES (?, 'started', ?, ?)", [phase, digest, _utc()])

    def consolidated(self, digest: str | None) -> None:
        """Mark every stored document consolidated and the phase finished (inside the results' transaction)."""
        now = _utc()
        self._con.execute("INSERT OR REPLACE INTO phases SELECT id, ?, ?::TIMESTAMP FROM documents", [CONSOLIDATED, now])
        self._con.execute("INSERT OR REPLACE INTO build_state VALUES (?, 'finished', ?, ?)", [CONSOLIDATE, digest, now])

    def pending(self) -> PendingWork:
        """What is left to do: documents not consolidated yet, and case-wide phases left unfinished."""
        unconsolidated = self._con.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM phases p WHERE p.doc_id = d.id AND p.phase = ?)", [CONSOLIDATED]).fetchone()[0]
        interrupted = self._con.execute("SELECT phase FROM build_state WHERE state = 'started' ORDER BY phase").fetchall()
        return PendingWork(int(unconsolidated), tuple(r[0] for r in interrupted))

    def finished(self, doc_id: str) -> tuple[str, ...]:
        """The phases finished for one document."""
        found = self._con.execute("SELECT phase FROM phases WHERE doc_id = ? ORDER BY phase", [doc_id]).fetchall()
        return tuple(r[0] for r in found)


def _utc() -> str:
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
