"""Review actions and their vocabulary, shared by validation and application."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corroborator.errors import ReviewConflictError, ReviewError
from corroborator.model import EVENT_KINDS, QUALIFIERS
from corroborator.store.reviews import Review

__all__ = [
    "ACTIONS",
    "ADMIN_ACTIONS",
    "FIGURE_FIELDS",
    "MAX_VALUE",
    "REVIEW_EXTRACTOR",
    "REVIEW_STATUSES",
    "VALID",
    "Review",
    "ReviewState",
    "RESTORE_ACTIONS",
    "parse_count",
    "restore_after",
    "status_after",
]

#: A claim's review status (separate from the machine's corroboration status).
REVIEW_STATUSES = ("unreviewed", "in_review", "verified", "disputed", "rejected")
#: Every review action and the kind of thing it targets.
ACTIONS = {
    "figure.confirm": "figure", "figure.reject": "figure", "figure.correct": "figure", "figure.restore": "figure",
    "quote.confirm": "quote", "quote.reject": "quote", "quote.speaker": "quote", "quote.restore": "quote",
    "claim.status": "claim", "claim.lock": "claim", "claim.unlock": "claim",
    "entity.merge": "entity", "entity.split": "entity", "entity.protect": "entity", "entity.unprotect": "entity",
    "document.mark_identifying": "document", "document.unmark_identifying": "document",
    "source.reliability": "source",
}
#: Actions that undo a reject: the item is as it was before it (audited like any review).
RESTORE_ACTIONS = frozenset({"figure.restore", "quote.restore"})
#: Actions only an admin may take (lifting protection exposes a witness).
ADMIN_ACTIONS = frozenset({"entity.unprotect"})
FIGURE_FIELDS = ("value", "qualifier", "event", "subject", "attributed_to", "when")
REVIEW_EXTRACTOR = "review.v1"
MAX_VALUE = 10**9

_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_WORDS.update({w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())})
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "dozen": 12, "dozens": 12}
_DIGITS = re.compile(r"\d{1,3}(?:[,\u00a0 ]\d{3})+|\d+")
_WORD = re.compile(r"[a-z]+")


@dataclass
class ReviewState:
    """Where review stands, by machine id: the latest status of each item and the locks."""

    figures: dict[str, str] = field(default_factory=dict)
    quotes: dict[str, str] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)
    locks: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[Review]] = field(default_factory=dict)


def status_after(r: Review) -> str:
    """The review status of a figure or quote after ``r``."""
    verb = r.action.split(".", 1)[1]
    if verb == "restore":
        return str(r.after.get("status") or "unreviewed")
    return {"confirm": "confirmed", "reject": "rejected"}.get(verb, "corrected")


def restore_after(state: ReviewState, action: str, target: str, after: dict[str, object]) -> dict[str, object]:
    """The checked ``after`` of undoing the reject of a figure or quote: ``{undo, status}``.

    Only the latest review of an item can be undone, and only if it is a reject; the item
    gets back the review status it had before (``unreviewed`` if it had none).

    Raises:
        ReviewError: The item's latest review is not a reject, or not the one named by ``after["undo"]``.
    """
    kind = action.split(".", 1)[0]
    history = [r for r in state.history.get(target, []) if r.action.startswith(kind + ".")]
    if not history or history[-1].action != f"{kind}.reject":
        raise ReviewError(f"{kind} {target} is not rejected: there is no reject to undo")
    last = history[-1]
    wanted = after.get("undo")
    if wanted not in (None, "") and str(wanted) != str(last.seq):
        raise ReviewConflictError(f"{kind} {target} was reviewed again after review {wanted}: reload the page")
    status = status_after(history[-2]) if len(history) > 1 else "unreviewed"
    return {"undo": last.seq, "status": status}


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


# Kept here so validation and application share one definition of valid values.
VALID = {"event": EVENT_KINDS, "qualifier": QUALIFIERS, "status": REVIEW_STATUSES}
