"""The correction layer: human review actions stored beside the machine output.

Machine output is never overwritten. Every review action is one append-only row of the
``reviews`` table (who, when, what, before → after); :func:`apply_reviews` folds them,
oldest first, over the case the build produced and returns the corrected view that the
web app, the exports and the report show.

Actions (``target`` is the id of a figure, quote, claim or entity):

- ``figure.confirm`` / ``figure.reject`` / ``figure.correct`` (``after``: any of
  ``value, qualifier, event, subject, attributed_to, when`` and optionally
  ``evidence: {start, end, text}``, the characters the reviewer selected, stored with
  the ``doc`` they belong to);
- ``quote.confirm`` / ``quote.reject`` (the speaker is right / wrong) / ``quote.speaker``
  (``after``: ``speaker`` entity id or null, ``speaker_label``, optional ``evidence``);
- ``claim.status`` (``after``: ``status`` in :data:`REVIEW_STATUSES`), ``claim.lock`` /
  ``claim.unlock``;
- ``entity.merge`` (``after``: ``into``), ``entity.split`` (``after``: ``id, name,
  mention_ids``), ``entity.protect`` / ``entity.unprotect``;
- ``document.mark_identifying`` (``target``: a document id; ``after``: ``start, end``,
  optional ``text`` and ``witness``: a protected entity id, protected quote id or a
  pseudonym such as ``[Witness 2]``): the selected characters identify that witness and
  are redacted wherever they occur, in every output. The span is widened to whole words.
  ``document.unmark_identifying`` (``after``: ``start, end`` of a mark, or ``seq`` of the
  review that made it) undoes it (the editor who marked it, or an admin).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from corroborator.errors import ReviewError
from corroborator.model import EVENT_KINDS, QUALIFIERS, Case

logger = logging.getLogger(__name__)

#: A claim's review status (separate from the machine's corroboration status).
REVIEW_STATUSES = ("unreviewed", "in_review", "verified", "disputed", "rejected")
#: Every review action and the kind of thing it targets.
ACTIONS = {
    "figure.confirm": "figure", "figure.reject": "figure", "figure.correct": "figure",
    "quote.confirm": "quote", "quote.reject": "quote", "quote.speaker": "quote",
    "claim.status": "claim", "claim.lock": "claim", "claim.unlock": "claim",
    "entity.merge": "entity", "entity.split": "entity", "entity.protect": "entity", "entity.unprotect": "entity",
    "document.mark_identifying": "document", "document.unmark_identifying": "document",
}
#: Actions only an admin may take (lifting protection exposes a witness).
ADMIN_ACTIONS = frozenset({"entity.unprotect"})
FIGURE_FIELDS = ("value", "qualifier", "event", "subject", "attributed_to", "when")
REVIEW_EXTRACTOR = "review.v1"
MAX_VALUE = 10**9

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS review_seq;
CREATE TABLE IF NOT EXISTS reviews (
    seq BIGINT PRIMARY KEY DEFAULT nextval('review_seq'), at_utc TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    action VARCHAR NOT NULL, target VARCHAR NOT NULL, before VARCHAR, after VARCHAR, note VARCHAR);
"""
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_WORDS.update({w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())})
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "dozen": 12, "dozens": 12}
_DIGITS = re.compile(r"\d{1,3}(?:[,\u00a0 ]\d{3})+|\d+")
_WORD = re.compile(r"[a-z]+")



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


@dataclass
class ReviewState:
    """Where review stands, by machine id: the latest status of each item and the locks."""

    figures: dict[str, str] = field(default_factory=dict)
    quotes: dict[str, str] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)
    locks: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[Review]] = field(default_factory=dict)


def ensure_schema(con: Any) -> None:
    """Create the ``reviews`` table if it is missing."""
    con.execute(_SCHEMA)


def load_reviews(con: Any) -> list[Review]:
    """Every review of a case file, oldest first; none if the file was never reviewed.

    Works on a read-only connection (it never creates the table).
    """
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name = 'reviews'").fetchall()}
    if not tables:
        return []
    rows = con.execute("SELECT seq, at_utc, user_name, action, target, before, after, note FROM reviews ORDER BY seq")
    return [Review(r[0], r[1].isoformat(timespec="seconds"), r[2], r[3], r[4], json.loads(r[5] or "{}"),
                   json.loads(r[6] or "{}"), r[7] or "") for r in rows.fetchall()]


def record_review(con: Any, *, user: str, action: str, target: str, before: dict[str, Any],
                  after: dict[str, Any], note: str = "") -> Review:
    """Append one review action (call :func:`validate_review` first)."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; valid actions: {', '.join(sorted(ACTIONS))}")
    ensure_schema(con)
    at = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    row = con.execute(
        "INSERT INTO reviews (at_utc, user_name, action, target, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "RETURNING seq", [at, user, action, target, json.dumps(before, ensure_ascii=False),
                          json.dumps(after, ensure_ascii=False), note]).fetchone()
    return Review(row[0], at.isoformat(timespec="seconds"), user, action, target, before, after, note)


def review_state(reviews: list[Review]) -> ReviewState:
    """The latest status of every reviewed item, the claim locks and each item's history."""
    state = ReviewState()
    for r in reviews:
        state.history.setdefault(r.target, []).append(r)
        kind, verb = r.action.split(".", 1)
        if kind == "figure":
            state.figures[r.target] = {"confirm": "confirmed", "reject": "rejected"}.get(verb, "corrected")
        elif kind == "quote":
            state.quotes[r.target] = {"confirm": "confirmed", "reject": "rejected"}.get(verb, "corrected")
        elif r.action == "claim.status":
            state.claims[r.target] = r.after.get("status", "unreviewed")
        elif r.action == "claim.lock":
            state.locks[r.target] = r.user
        elif r.action == "claim.unlock":
            state.locks.pop(r.target, None)
    return state


def parse_count(text: str) -> int | None:
    """The number a reviewer selected: ``"56"``, ``"1,200"``, ``"two dozen"``, ``"forty-one"``.

    Returns:
        The value, or None if the text holds no number.
    """
    digits = _DIGITS.search(text)
    if digits:
        return int(re.sub(r"\D", "", digits.group()))
    total, current, seen, article = 0, 0, False, False
    for word in _WORD.findall(text.lower()):
        if word in _WORDS:
            current += _WORDS[word]
            seen = True
        elif word in _SCALES and (seen or article or word.startswith("dozen")):
            current = max(current, 1) * _SCALES[word]
            seen = True
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        # "a hundred", "a dozen": the article stands for one.
        article = word in ("a", "an")
    return total + current if seen else None


def snapshot(case: Case, action: str, target: str) -> dict[str, Any]:
    """The current state of what ``action`` changes: the "before" of a review record."""
    kind = ACTIONS.get(action)
    if kind == "figure":
        f = next((f for f in case.figures if f.mention.id == target), None)
        return {k: getattr(f, k) for k in FIGURE_FIELDS} | {"text": f.mention.text} if f else {}
    if kind == "quote":
        q = next((q for q in case.quotes if q.mention.id == target), None)
        return {"speaker": q.speaker, "speaker_label": q.speaker_label} if q else {}
    if kind == "claim":
        c = next((c for c in case.claims if c.id == target), None)
        return {"low": c.low, "high": c.high, "status": c.status} if c else {}
    if kind == "document":
        from corroborator.review.apply import identifying_marks

        return {"marks": len([m for m in identifying_marks(case) if m.doc_id == target])}
    e = next((e for e in case.entities if e.id == target), None)
    return {"name": e.name, "aliases": list(e.aliases), "mentions": len(e.mention_ids), "protected": e.protected} if e else {}


def validate_review(case: Case, state: ReviewState, *, user: str, role: str, action: str, target: str,
                    after: dict[str, Any]) -> dict[str, Any]:
    """Check a review action against the corrected case and return its cleaned ``after``.

    Args:
        case: The corrected case (machine output with earlier reviews applied).
        state: :func:`review_state` of the earlier reviews.
        user: Who acts.
        role: Their role (``editor`` or ``admin``; viewers cannot review).
        action: One of :data:`ACTIONS`.
        target: The id of the figure, quote, claim, entity or (marking identifying text) document.
        after: The new values the action asks for.

    Raises:
        ReviewError: Not allowed, unknown target, locked claim or bad values.
    """
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; valid actions: {', '.join(sorted(ACTIONS))}")
    if role not in ("editor", "admin"):
        raise ReviewError("only editors and admins can review")
    if action in ADMIN_ACTIONS and role != "admin":
        raise ReviewError(f"only an admin can {action.replace('.', ' ')}")
    from corroborator.review.apply import clean_after

    return clean_after(case, state, user=user, role=role, action=action, target=target, after=after)


def apply_reviews(case: Case, reviews: list[Review]) -> Case:
    """The corrected view of a case: every review applied in order, the input untouched.

    Rejected figures leave the case (and their claims); a rejected claim leaves the
    claims and the totals; corrections replace values but keep the figure's span, and
    the figure's mention records ``attrs["review"]`` (status, who, when, the machine's
    values and the evidence the reviewer selected). A claim's review status and lock are
    stated in its ``note``. Totals whose claims changed are recomputed from the
    remaining claims.

    Args:
        case: The case as the build produced it.
        reviews: From :func:`load_reviews`, oldest first.

    Returns:
        A new :class:`~corroborator.model.Case`.
    """
    from corroborator.review.apply import apply

    return apply(case, reviews) if reviews else case


# Kept here so validation and application share one definition of valid values.
VALID = {"event": EVENT_KINDS, "qualifier": QUALIFIERS, "status": REVIEW_STATUSES}
