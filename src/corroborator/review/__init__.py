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
- ``figure.restore`` / ``quote.restore`` undo the item's latest review, a reject
  (``after``: ``undo``, the seq of that reject; stored with the ``status`` given back):
  the item is as it was before the reject;
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
from datetime import datetime, timezone
from typing import Any

from corroborator.errors import ReviewError
from corroborator.model import Case
from corroborator.review.actions import (
    ACTIONS,
    ADMIN_ACTIONS,
    FIGURE_FIELDS,
    MAX_VALUE,
    REVIEW_EXTRACTOR,
    RESTORE_ACTIONS,
    REVIEW_STATUSES,
    VALID,
    Review,
    ReviewState,
    parse_count,
    restore_after,
    status_after,
)
from corroborator.review.apply import apply, clean_after, identifying_marks
from corroborator.review.recompute import recompute_claims, reviewed_only
from corroborator.settings import DEFAULTS, Settings, SettingsError
from corroborator.store import CaseStore

__all__ = [
    "ACTIONS",
    "ADMIN_ACTIONS",
    "FIGURE_FIELDS",
    "MAX_VALUE",
    "REVIEW_EXTRACTOR",
    "RESTORE_ACTIONS",
    "REVIEW_STATUSES",
    "VALID",
    "Review",
    "ReviewError",
    "ReviewState",
    "apply_reviews",
    "case_settings",
    "load_reviews",
    "parse_count",
    "recompute_claims",
    "record_review",
    "reviewed_only",
    "review_state",
    "snapshot",
    "validate_review",
]

logger = logging.getLogger(__name__)


def load_reviews(store: CaseStore) -> list[Review]:
    """Every review of a case file, oldest first; none if the file was never reviewed.

    Works on a case file opened read-only.
    """
    return store.reviews.all()


def record_review(store: CaseStore, *, user: str, action: str, target: str, before: dict[str, Any],
                  after: dict[str, Any], note: str = "") -> Review:
    """Append one review action (call :func:`validate_review` first)."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; valid actions: {', '.join(sorted(ACTIONS))}")
    at = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    return store.reviews.add(at=at, user=user, action=action, target=target, before=before, after=after, note=note)


def review_state(reviews: list[Review]) -> ReviewState:
    """The latest status of every reviewed item, the claim locks and each item's history."""
    state = ReviewState()
    for r in reviews:
        state.history.setdefault(r.target, []).append(r)
        kind = r.action.split(".", 1)[0]
        if kind in ("figure", "quote"):
            table = state.figures if kind == "figure" else state.quotes
            table[r.target] = status_after(r)
            if table[r.target] == "unreviewed":
                del table[r.target]
        elif r.action == "claim.status":
            state.claims[r.target] = r.after.get("status", "unreviewed")
        elif r.action == "claim.lock":
            state.locks[r.target] = r.user
        elif r.action == "claim.unlock":
            state.locks.pop(r.target, None)
    return state


def snapshot(case: Case, action: str, target: str) -> dict[str, Any]:
    """The current state of what ``action`` changes: the "before" of a review record."""
    kind = ACTIONS.get(action)
    if action in RESTORE_ACTIONS:
        return {"status": "rejected"}
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
    if action in RESTORE_ACTIONS:
        return restore_after(state, action, target, after)
    return clean_after(case, state, user=user, role=role, action=action, target=target, after=after)


def case_settings(store: CaseStore) -> Settings:
    """The settings the case was last built with (the defaults for a file that records none)."""
    recorded = store.builds.current().settings_json
    if not recorded:
        return DEFAULTS
    try:
        return Settings.from_dict(json.loads(recorded), source=f"settings recorded in {store.path}")
    except (ValueError, SettingsError) as exc:
        logger.warning("the settings recorded in %s cannot be read (%s); reviews are applied with the defaults",
                       store.path, exc)
        return DEFAULTS


def apply_reviews(case: Case, reviews: list[Review], settings: Settings = DEFAULTS) -> Case:
    """The corrected view of a case: every review applied in order, the input untouched.

    Rejected figures leave the case; corrections replace values but keep the figure's
    span, and the figure's mention records ``attrs["review"]`` (status, who, when, the
    machine's values and the evidence the reviewer selected). When a figure was rejected
    or corrected, or a claim rejected, the claims, their notes and the totals are made
    again from the reviewed figures with the build's rules and ``settings``
    (:func:`~corroborator.review.recompute.recompute_claims`); a rejected claim leaves the
    claims and the totals. A claim's review status and lock are stated in its ``note``.

    Args:
        case: The case as the build produced it.
        reviews: From :func:`load_reviews`, oldest first.
        settings: The settings the case was built with (:meth:`CaseStore.settings`).

    Returns:
        A new :class:`~corroborator.model.Case`.
    """
    return apply(case, reviews, settings) if reviews else case
