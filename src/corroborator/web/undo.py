"""The offer to undo a reject, shown on whatever page the reviewer lands on after it."""

from __future__ import annotations

import logging
from typing import Any

from corroborator.web.deps import Ctx, query_string

logger = logging.getLogger(__name__)


def with_params(url: str, **params: Any) -> str:
    """``url`` with query parameters added (values are numbers or known words, never the reader's text)."""
    return url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in params.items())


def undo_offer(request: Any) -> dict[str, Any] | None:
    """The "Undo" offer after a reject (``?undo=<seq>``), while that reject is its item's latest review.

    Also says so after an undo (``?restored=<seq>``). Only numbers come from the query.
    """
    ctx: Ctx | None = getattr(request.state, "ctx", None)
    if ctx is None:
        return None
    params = request.query_params
    if (params.get("restored") or "").isdigit():
        return {"restored": True}
    seq = params.get("undo") or ""
    if not seq.isdigit():
        return None
    record = next((r for r in reversed(ctx.state.reviews) if r.seq == int(seq)), None)
    if record is None or record.action not in ("figure.reject", "quote.reject"):
        return None
    kind = record.action.split(".")[0]
    latest = [r for r in ctx.state.state.history.get(record.target, []) if r.action.startswith(kind + ".")]
    if not latest or latest[-1].seq != record.seq or not ctx.user.can("editor"):
        return None
    here = [(k, v) for k, v in params.multi_items() if k not in ("undo", "done", "restored")]
    if request.url.path == "/queue":
        # Back in the queue at the item the reject left, not the one after it.
        here = [("at" if k == "after" else k, v) for k, v in here]
    back = request.url.path + query_string(**dict(here)) if here else request.url.path
    what = "Figure rejected: it has left its claims, the totals and every output." if kind == "figure" \
        else "Speaker marked wrong: the quote is now unattributed."
    return {"restored": False, "seq": record.seq, "message": what, "next": back}
