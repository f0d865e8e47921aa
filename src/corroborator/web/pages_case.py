"""Browsing pages: overview, documents and the reader, entities, full-text search."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from corroborator.consolidate._facts import phrase
from corroborator.store.search import SCOPES
from corroborator.web import lists, present
from corroborator.web.deps import Ctx, WebError, current, paginate, render

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def status_of(ctx: Ctx, kind: str, view_id: str) -> str:
    """The review status of a figure, quote or claim as this reader sees its id."""
    return lists.review_status(ctx, kind, view_id)


def locked_by(ctx: Ctx, claim_id: str) -> str | None:
    """Who locked a claim, if anyone."""
    return ctx.state.state.locks.get(ctx.view.raw_id("claims", claim_id))


def progress(ctx: Ctx) -> dict[str, tuple[int, int]]:
    """How many figures, quotes and claims have been reviewed, of how many."""
    out = {}
    for kind, items in (("figures", ctx.view.figures), ("quotes", ctx.view.quotes), ("claims", ctx.view.claims)):
        done = sum(1 for i in items if status_of(ctx, kind, i) != "unreviewed")
        out[kind] = (done, len(items))
    return out


@router.get("/", response_class=HTMLResponse)
def overview(ctx: Ctx = Depends(current)) -> Response:
    """The case at a glance: counts, totals with sources and statuses, timeline, figure evolution."""
    view = ctx.view
    case = view.case
    totals = []
    for kind, entry in sorted(case.totals.items()):
        entry = entry if isinstance(entry, dict) else {"best": entry}
        claims = [view.claims[c] for c in entry.get("claims", []) if isinstance(c, str) and c in view.claims]
        best = entry.get("best")
        said = phrase(best, str(entry.get("qualifier") or "exact")) if isinstance(best, int) else best
        totals.append({"kind": kind, "entry": entry, "claims": claims, "best": said})
    counts = {"documents": len(case.documents), "entities": len(case.entities), "quotes": len(case.quotes),
              "figures": len(case.figures), "events": len(case.events), "claims": len(case.claims)}
    conflicting = [c for c in case.claims if c.status == "conflicting"][:20]
    return render(ctx.request, "overview.html", ctx, counts=counts, totals=totals, progress=progress(ctx),
                  timeline=present.timeline_chart(view), panels=present.evolution_chart(view),
                  conflicting=conflicting, status_of=lambda k, i: status_of(ctx, k, i),
                  said=lambda c: lists.claim_phrase(view.case, c),
                  witnesses=view.data().get("protected", 0))


@router.get("/documents", response_class=HTMLResponse)
def documents(ctx: Ctx = Depends(current), q: str = "") -> Response:
    """Every document, with how much was found in each; facets, sorting and downloads."""
    needle = q.casefold().strip()

    def keep(r: dict[str, Any]) -> bool:
        """Title, outlet, author or path contains the text filter."""
        return not needle or needle in f"{r['title']} {r['source'] or ''} {r['author'] or ''} {r['path']}".casefold()

    return lists.list_page(ctx, "documents", "documents.html", keep=keep, extra={"q": q}, q=q)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def reader(doc_id: str, ctx: Ctx = Depends(current)) -> Response:
    """One document: noise dimmed, mentions highlighted and linked to their entity, quote or figure."""
    view = ctx.view
    doc = view.docs.get(doc_id)
    if doc is None:
        raise WebError(404, "no such document in this case")
    pieces = present.cut(doc.text, present.doc_spans(view, doc))
    figures = [f for f in view.case.figures if f.mention.doc_id == doc.id]
    quotes = [q for q in view.case.quotes if q.mention.doc_id == doc.id]
    link = doc.url if doc.url and doc.url.lower().startswith(("http://", "https://")) else None
    return render(ctx.request, "document.html", ctx, doc=doc, pieces=pieces, figures=figures, quotes=quotes,
                  link=link, status_of=lambda k, i: status_of(ctx, k, i))


@router.get("/entities", response_class=HTMLResponse)
def entities(ctx: Ctx = Depends(current), q: str = "") -> Response:
    """Every person, organisation and place; facets, sorting and downloads."""
    needle = q.casefold().strip()

    def keep(r: dict[str, Any]) -> bool:
        """The name or an alias contains the text filter."""
        return not needle or needle in " ".join((r["name"], *r["aliases"])).casefold()

    return lists.list_page(ctx, "entities", "entities.html", keep=keep, extra={"q": q}, q=q)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity(entity_id: str, ctx: Ctx = Depends(current)) -> Response:
    """One entity: aliases, every mention in context, its quotes; merge, split and protect forms."""
    view = ctx.view
    e = view.entities.get(entity_id)
    if e is None:
        raise WebError(404, "no such entity in this case (it may have been merged)")
    mentions = []
    for mid in e.mention_ids[:300]:
        m = view.case.mentions.get(mid)
        if m and m.doc_id in view.docs:
            doc = view.docs[m.doc_id]
            mentions.append({"m": m, "doc": doc, "kwic": present.kwic(doc.text, m.start, m.end)})
    quotes = [q for q in view.case.quotes if q.speaker == e.id]
    others = sorted((o for o in view.case.entities if o.id != e.id),
                    key=lambda o: (o.type != e.type, o.name.casefold()))[:1000]
    return render(ctx.request, "entity.html", ctx, e=e, mentions=mentions, more=max(0, len(e.mention_ids) - 300),
                  quotes=quotes, others=others)


@router.get("/search", response_class=HTMLResponse)
def search(ctx: Ctx = Depends(current), q: str = "", scope: str = "all", page: int = 1) -> Response:
    """Full-text search over documents and quotes, best matches first, with highlighted snippets."""
    if scope not in SCOPES:
        raise WebError(400, f"unknown search scope; valid: {', '.join(SCOPES)}")
    size = 20
    page = max(page, 1)
    results = ctx.view.search().search(q, scope=scope, limit=size, offset=(page - 1) * size) if q.strip() else None
    pages = max(1, -(-(results.total if results else 0) // size))
    return render(ctx.request, "search.html", ctx, q=q, scope=scope, scopes=SCOPES, results=results, page=page,
                  pages=pages, docs=ctx.view.docs)


def queue_items(ctx: Ctx, kind: str, status: str) -> list[Any]:
    """Figures or quotes in reading order, filtered by review status (``all`` for every one)."""
    items = ctx.view.case.figures if kind == "figures" else ctx.view.case.quotes
    order = {d.id: i for i, d in enumerate(ctx.view.case.documents)}
    items = sorted(items, key=lambda x: (order.get(x.mention.doc_id, 0), x.mention.start, x.mention.end))
    if status == "all":
        return items
    return [x for x in items if status_of(ctx, kind, x.mention.id) == status]


def place(ctx: Ctx, item_id: str) -> tuple[int, int, int] | None:
    """Where a figure or quote stands in reading order (document, offset), read from its id.

    Ids are ``<document id prefix>:<kind>:<start>-<end>``, so an item that has left the
    case (a figure rejected just now) still has a place.
    """
    prefix, _, rest = item_id.partition(":")
    order: dict[str, int] = ctx.view.cached("doc-order-prefix", lambda: {
        d.id[:16]: i for i, d in enumerate(ctx.view.case.documents)})
    try:
        start, end = (int(n) for n in rest.rsplit(":", 1)[-1].split("-", 1))
    except ValueError:
        return None
    return (order[prefix], start, end) if prefix in order else None
