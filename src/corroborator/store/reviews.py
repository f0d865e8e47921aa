"""The ``reviews`` table: every review action, one append-only row each, chained (:mod:`.audit`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from corroborator.store import audit


@dataclass(frozen=True)
class Review:
    """One stored review action."""

    seq: int
    at: str
    user: str
    action: str
    target: str
    before: dict[str, Any] = field(default_factory=dict, hash=False)
    after: dict[str, Any] = field(default_factory=dict, hash=False)
    note: str = ""


class ReviewRepository:
    """Reads and appends the review actions of one case file."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def all(self) -> list[Review]:
        """Every review, oldest first."""
        rows = self._con.execute(
            "SELECT seq, at_utc, user_name, action, target, before, after, note FROM reviews ORDER BY seq")
        return [Review(r[0], r[1].isoformat(timespec="seconds"), r[2], r[3], r[4], json.loads(r[5] or "{}"),
                       json.loads(r[6] or "{}"), r[7] or "") for r in rows.fetchall()]

    def add(self, *, at: datetime, user: str, action: str, target: str, before: dict[str, Any],
            after: dict[str, Any], note: str = "") -> Review:
        """Append one review action at the end of the chain and return it with its number."""
        row = audit.append(self._con, "reviews", {
            "at_utc": at, "user_name": user, "action": action, "target": target,
            "before": json.dumps(before, ensure_ascii=False), "after": json.dumps(after, ensure_ascii=False),
            "note": note})
        return Review(row[0], at.isoformat(timespec="seconds"), user, action, target, before, after, note)

    def last_seq(self) -> int:
        """The number of the latest review (0 when there is none)."""
        return int(self._con.execute("SELECT coalesce(max(seq), 0) FROM reviews").fetchone()[0])
