"""Original sources and their reliability: editors rate each source A-F (the Admiralty code).

The rating is the audited review action ``source.reliability``; every claim's information
credibility is made again from it (:mod:`corroborator.consolidate.credibility`). In a
redacted view a source is shown, and rated, under its redacted key; a key that redaction
makes identical for two sources cannot be rated there.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from corroborator import review
from corroborator.consolidate.credibility import RELIABILITY, RULE, case_sources
from corroborator.web.deps import Ctx, WebError, current, form_of, render

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def raw_source(ctx: Ctx, shown: str) -> str:
    """The machine key of a source as this reader sees it.

    Raises:
        WebError: 404 for a source not in the case, 409 for a key redaction made ambiguous.
    """
    if not ctx.view.redacted:
        if shown not in case_sources(ctx.state.corrected):
            raise WebError(404, "no such source in this case")
        return shown
    scrub = ctx.view.witnesses().scrub
    found = [key for key in case_sources(ctx.state.corrected) if scrub(key) == shown]
    if not found:
        raise WebError(404, "no such source in this case")
    if len(found) > 1:
        raise WebError(409, "this source cannot be told apart from another while identities are hidden: an admin "
                            "can rate it with protected identities revealed")
    return found[0]


def rate_source(ctx: Ctx, shown: str, rating: str, note: str = "") -> review.Review:
    """Store an editor's reliability rating of one source (validated, audited)."""
    ctx.require("editor")
    target = raw_source(ctx, shown)
    with ctx.state.db.store() as store:
        ctx.state.refresh(store)
        case = ctx.state.corrected
        cleaned = review.validate_review(case, ctx.state.state, user=ctx.user.name, role=ctx.user.role,
                                         action="source.reliability", target=target, after={"reliability": rating})
        before = {"reliability": (case.reliability.get(target) or {}).get("rating", "F")}
        record = review.record_review(store, user=ctx.user.name, action="source.reliability", target=target,
                                      before=before, after=cleaned, note=note[:1000])
        ctx.state.refresh(store)
    logger.info("review %d by %s: source.reliability %s", record.seq, record.user, target)
    return record


@router.get("/sources", response_class=HTMLResponse)
def sources(ctx: Ctx = Depends(current), done: str = "") -> Response:
    """Every original source the claims rest on, with its reliability and the claims it supports."""
    items: list[dict[str, Any]] = list(case_sources(ctx.view.case).values())
    # Checked like the review pages: a source's name or key must not name a protected witness.
    return render(ctx.request, "sources.html", ctx, guard=True, sources=items, ratings=RELIABILITY, rule=RULE,
                  done=done, can_rate=ctx.user.role in ("editor", "admin"))


@router.post("/sources/rate")
async def rate(ctx: Ctx = Depends(current)) -> Response:
    """Rate one source's reliability (editors)."""
    form = await form_of(ctx)
    record = rate_source(ctx, str(form.get("source", "")), str(form.get("reliability", "")), str(form.get("note", "")))
    return RedirectResponse(f"/sources?done={record.seq}", status_code=303)
