"""The JSON API: the case as the export contract defines it, paginated, plus review actions.

Items are exactly the dicts of :func:`corroborator.outputs.export.case_to_dict`, taken from the
reader's view: redacted unless an admin reveals protected identities.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from pydantic import BaseModel, Field

from corroborator import review
from corroborator.web.deps import Ctx, WebError, check_csrf, current
from corroborator.web.guard import check_json
from corroborator.web.history import present_review
from corroborator.web.pages_case import progress
from corroborator.web.pages_review import do_review

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["case"])
MAX_LIMIT = 500


class Page(BaseModel):
    """A page of items; ``next_offset`` is null on the last page."""

    items: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    next_offset: int | None = None


class ReviewIn(BaseModel):
    """A review action (see :mod:`corroborator.review` for the actions and their ``after``)."""

    action: str = Field(description="One of: " + ", ".join(sorted(review.ACTIONS)))
    target: str = Field(description="Id of the figure, quote, claim or entity, as this API shows it")
    after: dict[str, Any] = Field(default_factory=dict)
    note: str = ""


def _page(items: list[dict[str, Any]], offset: int, limit: int) -> Page:
    chunk = items[offset:offset + limit]
    nxt = offset + limit if offset + limit < len(items) else None
    return Page(items=chunk, total=len(items), offset=offset, limit=limit, next_offset=nxt)


def _one(ctx: Ctx, kind: str, item_id: str) -> dict[str, Any]:
    for item in ctx.view.data()[kind]:
        if item.get("id") == item_id:
            return item
    raise WebError(404, f"no such {kind.rstrip('s')} in this case")


OFFSET = Query(0, ge=0)
LIMIT = Query(50, ge=1, le=MAX_LIMIT)


@router.get("/me")
def me(ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """Who is logged in, and whether protected identities are shown to them."""
    return {"name": ctx.user.name, "role": ctx.user.role, "redacted": ctx.view.redacted}


@router.get("/case")
def case_summary(ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """Counts, totals and review progress of the case."""
    data = ctx.view.data()
    keys = ("documents", "entities", "quotes", "figures", "events", "claims")
    return {"counts": {k: len(data[k]) for k in keys}, "totals": data["totals"], "protected": data.get("protected"),
            "schema_version": data.get("schema_version"), "generated_by": data.get("generated_by"),
            "redacted": ctx.view.redacted, "review": {k: {"reviewed": d, "total": t} for k, (d, t) in progress(ctx).items()}}


@router.get("/documents", response_model=Page)
def documents(ctx: Ctx = Depends(current), offset: int = OFFSET, limit: int = LIMIT,
              text: bool = Query(True, description="Include each document's text")) -> Page:
    """Documents (with text and noise spans unless ``text=false``)."""
    items = ctx.view.data()["documents"]
    if not text:
        items = [{k: v for k, v in d.items() if k != "text"} for d in items]
    return _page(items, offset, limit)


@router.get("/documents/{doc_id}")
def document(doc_id: str, ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """One document."""
    return _one(ctx, "documents", doc_id)


@router.get("/entities", response_model=Page)
def entities(ctx: Ctx = Depends(current), offset: int = OFFSET, limit: int = LIMIT, type: str | None = None,
             protected: bool | None = None) -> Page:
    """Entities, optionally of one type or only protected ones."""
    items = [e for e in ctx.view.data()["entities"]
             if (type is None or e["type"] == type) and (protected is None or e["protected"] == protected)]
    return _page(items, offset, limit)


@router.get("/entities/{entity_id}")
def entity(entity_id: str, ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """One entity with its mentions."""
    return _one(ctx, "entities", entity_id)


@router.get("/quotes", response_model=Page)
def quotes(ctx: Ctx = Depends(current), offset: int = OFFSET, limit: int = LIMIT, speaker: str | None = None,
           doc: str | None = None, protected: bool | None = None) -> Page:
    """Quotes, filtered by speaker (entity id or label), document or protection."""
    items = [q for q in ctx.view.data()["quotes"]
             if (speaker is None or speaker in (q["speaker"], q["speaker_label"]))
             and (doc is None or q["doc"] == doc) and (protected is None or q["protected"] == protected)]
    return _page(items, offset, limit)


@router.get("/quotes/{quote_id}")
def quote(quote_id: str, ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """One quote."""
    return _one(ctx, "quotes", quote_id)


@router.get("/figures", response_model=Page)
def figures(ctx: Ctx = Depends(current), offset: int = OFFSET, limit: int = LIMIT, event: str | None = None,
            doc: str | None = None) -> Page:
    """Figures, filtered by event kind or document."""
    items = [f for f in ctx.view.data()["figures"]
             if (event is None or f["event"] == event) and (doc is None or f["doc"] == doc)]
    return _page(items, offset, limit)


@router.get("/figures/{figure_id}")
def figure(figure_id: str, ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """One figure."""
    return _one(ctx, "figures", figure_id)


@router.get("/events", response_model=Page)
def events(ctx: Ctx = Depends(current), offset: int = OFFSET, limit: int = LIMIT) -> Page:
    """Dated events (the timeline)."""
    return _page(ctx.view.data()["events"], offset, limit)


@router.get("/claims", response_model=Page)
def claims(ctx: Ctx = Depends(current), offset: int = OFFSET, limit: int = LIMIT, event: str | None = None) -> Page:
    """Claims, with the review status in their note."""
    items = [c for c in ctx.view.data()["claims"] if event is None or c["event"] == event]
    return _page(items, offset, limit)


@router.get("/claims/{claim_id}")
def claim(claim_id: str, ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """One claim."""
    return _one(ctx, "claims", claim_id)


@router.get("/totals")
def totals(ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """The case's answer to "how many?" per event kind."""
    data: dict[str, Any] = ctx.view.data()["totals"]
    return data


@router.get("/search", response_model=Page)
def search(q: str = Query(..., min_length=1, max_length=200), scope: Literal["all", "documents", "quotes"] = "all",
           offset: int = OFFSET, limit: int = Query(20, ge=1, le=100), ctx: Ctx = Depends(current)) -> Page:
    """Full-text search (BM25) over documents and quotes; snippets are ``[text, is_hit]`` pairs."""
    results = ctx.view.search().search(q, scope=scope, limit=limit, offset=offset)
    items = [{"kind": h.kind, "id": h.id, "doc": h.doc_id, "title": h.title, "score": round(h.score, 4),
              "speaker": h.speaker, "snippet": [list(p) for p in h.snippet], "start": h.start} for h in results.hits]
    nxt = offset + limit if offset + limit < results.total else None
    return Page(items=items, total=results.total, offset=offset, limit=limit, next_offset=nxt)


@router.get("/reviews", response_model=Page)
def reviews(ctx: Ctx = Depends(current), offset: int = OFFSET, limit: int = LIMIT) -> Page:
    """Every review action, oldest first: who, when, what, before and after."""
    records = ctx.state.reviews
    # Only the page asked for is presented: presenting a record is the costly part.
    nxt = offset + limit if offset + limit < len(records) else None
    page = Page(items=[present_review(r, ctx.view) for r in records[offset:offset + limit]], total=len(records),
                offset=offset, limit=limit, next_offset=nxt)
    check_json(ctx.view, page.model_dump(), ctx.request, "/api/v1/reviews")
    return page


@router.post("/reviews", status_code=201)
def add_review(body: ReviewIn, ctx: Ctx = Depends(current),
               x_csrf_token: str | None = Header(None, description="The session's CSRF token")) -> dict[str, Any]:
    """Take one review action (editors and admins; needs the ``X-CSRF-Token`` header)."""
    check_csrf(ctx, x_csrf_token)
    record = do_review(ctx, body.action, body.target, body.after, body.note)
    # The review changed the case: present it through the view of the new version.
    view = ctx.state.view(redacted=ctx.view.redacted)
    shown: dict[str, Any] = check_json(view, present_review(record, view), ctx.request, "/api/v1/reviews")
    return shown


@router.get("/csrf")
def csrf(ctx: Ctx = Depends(current)) -> dict[str, str]:
    """The CSRF token to send as ``X-CSRF-Token`` with this session's POST requests."""
    return {"csrf_token": ctx.session.csrf}


@router.get("/export")
def export(ctx: Ctx = Depends(current)) -> dict[str, Any]:
    """The whole corrected case as the JSON export contract (audited)."""
    ctx.audit("export.protected" if not ctx.view.redacted else "export", "api", {"redacted": ctx.view.redacted})
    return ctx.view.data()
