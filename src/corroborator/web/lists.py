"""The rows, facets and columns of the five lists (figures, quotes, claims, entities, documents).

Rows are built once per view from the reader's view of the case (redacted or not) and
the review state, with no query per row, and then filtered, counted, sorted and paged
by :mod:`corroborator.web.facets`. The same rows feed the page and its CSV/JSON download.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from fastapi.responses import Response

from corroborator.consolidate._facts import phrase
from corroborator.consolidate.credibility import credibility_of
from corroborator.model import Case, Claim, Figure
from corroborator.web.deps import ENV, Ctx, WebError, render
from corroborator.web.facets import FORMATS, Column, FacetSpec, Listing, browse, download, filters_of, select
from corroborator.web.present import doc_title

logger = logging.getLogger(__name__)

_REVIEW_TABLES = {"figures": "figures", "quotes": "quotes", "claims": "claims"}


def review_status(ctx: Ctx, kind: str, view_id: str) -> str:
    """The review status of a figure, quote or claim as this reader sees its id."""
    table = getattr(ctx.state.state, _REVIEW_TABLES[kind])
    return str(table.get(ctx.view.raw_id(kind, view_id), "unreviewed"))


def credibility(case: Case, claim: Claim | None) -> str | None:
    """A claim's credibility rating as one value ("B2"), as consolidation or review rated it."""
    return None if claim is None else str(credibility_of(case, claim)["code"])


def claim_phrase(case: Case, claim: Claim) -> str:
    """A claim's range as a researcher says it: "more than 100" when its sources say so, else "40–56"."""
    said = {s.get("said") for s in (case.claim_details.get(claim.id) or {}).get("sources") or []}
    if claim.low == claim.high and len(said) == 1 and isinstance(next(iter(said)), str):
        return str(next(iter(said)))
    return str(claim.low) if claim.low == claim.high else f"{claim.low}–{claim.high}"


@jinja2.pass_context
def said(context: Any, item: Figure | Claim) -> str:
    """Template filter: a figure or claim as a researcher says it ("more than 100"), qualifier kept."""
    if isinstance(item, Figure):
        return phrase(item.value, item.qualifier)
    ctx: Ctx | None = getattr(context["request"].state, "ctx", None)
    return claim_phrase(ctx.view.case if ctx is not None else Case(), item)


ENV.filters["said"] = said


def _doc_label(ctx: Ctx) -> Callable[[str], str]:
    """How a document facet names a document id: its title."""
    docs = ctx.view.docs
    return lambda d: doc_title(docs[d]) if d in docs else d


def _figure_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """Rows of the figures list: values, source, document, claim status, review."""
    view = ctx.view
    rows = []
    for f in view.case.figures:
        fid = f.mention.id
        claims = [view.claims[c] for c in view.claims_of_figure.get(fid, []) if c in view.claims]
        origin = view.case.provenance.get(fid)
        doc = view.docs.get(f.mention.doc_id)
        rows.append({"id": fid, "item": f, "text": f.mention.text, "value": f.value, "qualifier": f.qualifier,
                     "said": phrase(f.value, f.qualifier), "event": f.event, "subject": f.subject,
                     "attributed_to": f.attributed_to, "when": f.when,
                     "source": origin.source if origin else f.attributed_to,
                     "doc": f.mention.doc_id, "document": doc_title(doc) if doc else None,
                     "published": doc.published if doc else None, "start": f.mention.start, "end": f.mention.end,
                     "claim": claims[0].id if claims else None, "status": claims[0].status if claims else None,
                     "credibility": credibility(view.case, claims[0]) if claims else None,
                     "reviewed": review_status(ctx, "figures", fid)})
    return rows


def _quote_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """Rows of the quotes list: speaker, source, document, protection, review."""
    view = ctx.view
    rows = []
    for q in view.case.quotes:
        qid = q.mention.id
        origin = view.case.provenance.get(qid)
        doc = view.docs.get(q.mention.doc_id)
        speaker = view.entities[q.speaker].name if q.speaker in view.entities else q.speaker_label
        rows.append({"id": qid, "item": q, "text": q.mention.text, "speaker": speaker,
                     "speaker_label": q.speaker_label, "source": origin.source if origin else None,
                     "doc": q.mention.doc_id, "document": doc_title(doc) if doc else None,
                     "published": doc.published if doc else None, "start": q.mention.start, "end": q.mention.end,
                     "protected": "yes" if q.protected else "no", "reported_by": q.reported_by,
                     "reviewed": review_status(ctx, "quotes", qid)})
    return rows


def _claim_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """Rows of the claims list: range as said, sources, statuses, credibility, lock."""
    view = ctx.view
    rows = []
    for c in view.case.claims:
        sources = [s.get("name") for s in (view.case.claim_details.get(c.id) or {}).get("sources") or []]
        rows.append({"id": c.id, "item": c, "event": c.event, "low": c.low, "high": c.high,
                     "said": claim_phrase(view.case, c), "figures": len(c.figure_ids),
                     "independent_sources": c.independent_sources, "status": c.status,
                     "credibility": credibility(view.case, c), "source": sorted({str(s) for s in sources if s}),
                     "reviewed": review_status(ctx, "claims", c.id),
                     "locked": ctx.state.state.locks.get(view.raw_id("claims", c.id)), "note": c.note})
    return rows


def _entity_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """Rows of the entities list: type, protection and the documents that mention each."""
    view = ctx.view
    mentions = view.case.mentions
    rows = []
    for e in view.case.entities:
        docs = sorted({mentions[m].doc_id for m in e.mention_ids if m in mentions})
        rows.append({"id": e.id, "item": e, "name": e.name, "type": e.type, "aliases": list(e.aliases),
                     "mentions": len(e.mention_ids), "documents": len(docs), "doc": docs,
                     "protected": "yes" if e.protected else "no"})
    return rows


def _document_rows(ctx: Ctx) -> list[dict[str, Any]]:
    """Rows of the documents list: outlet, dates, what was found, whether a copy."""
    view = ctx.view
    figures = Counter(f.mention.doc_id for f in view.case.figures)
    quotes = Counter(q.mention.doc_id for q in view.case.quotes)
    copies = {view.view_id("documents", k) for k in view.raw.duplicates} if view.redacted else set(view.case.duplicates)
    rows = []
    for d in view.case.documents:
        rows.append({"id": d.id, "item": d, "title": doc_title(d), "source": d.outlet, "author": d.author,
                     "published": d.published, "year": (d.published or "")[:4] or None, "media_type": d.media_type,
                     "figures": figures[d.id], "quotes": quotes[d.id], "noise": len(d.noise), "chars": len(d.text),
                     "copy": "yes" if d.id in copies else "no", "path": d.path, "url": d.url})
    return rows


_REVIEWED = FacetSpec("reviewed", "Reviewed")
_OPTIONAL = frozenset({"credibility"})


def _specs(ctx: Ctx, kind: str) -> tuple[list[FacetSpec], list[Column], list[str], str | None]:
    """Facets, columns, download fields and default sort of one list."""
    doc = FacetSpec("doc", "Document", _doc_label(ctx))
    if kind == "figures":
        return ([FacetSpec("event", "Event"), FacetSpec("status", "Claim status"),
                 FacetSpec("credibility", "Credibility"), FacetSpec("source", "Source"), doc, _REVIEWED],
                [Column("text", "Words"), Column("value", "Value", numeric=True), Column("qualifier", "Qualifier"),
                 Column("event", "Event"), Column("subject", "Who is counted"), Column("source", "Source"),
                 Column("when", "When"), Column("document", "Document"), Column("reviewed", "Review")],
                ["id", "event", "value", "qualifier", "said", "subject", "attributed_to", "when", "source", "doc",
                 "document", "published", "start", "end", "text", "claim", "status", "credibility", "reviewed"],
                None)
    if kind == "quotes":
        return ([FacetSpec("speaker", "Speaker"), FacetSpec("source", "Source"),
                 doc, FacetSpec("protected", "Protected"), _REVIEWED],
                [Column("text", "Quote"), Column("speaker_label", "Speaker"), Column("document", "Document"),
                 Column("published", "Published"), Column("reviewed", "Review")],
                ["id", "text", "speaker", "speaker_label", "protected", "reported_by", "source", "doc", "document",
                 "published", "start", "end", "reviewed"], None)
    if kind == "claims":
        return ([FacetSpec("event", "Event"), FacetSpec("status", "Machine status"),
                 FacetSpec("credibility", "Credibility"), FacetSpec("source", "Source"), _REVIEWED],
                [Column("event", "Event"), Column("low", "Range", numeric=True),
                 Column("figures", "Figures", numeric=True),
                 Column("independent_sources", "Independent sources", numeric=True), Column("status", "Machine status"),
                 Column("credibility", "Credibility"), Column("reviewed", "Review"), Column("note", "Note", False)],
                ["id", "event", "low", "high", "said", "figures", "independent_sources", "status", "credibility",
                 "source", "reviewed", "locked", "note"], None)
    if kind == "entities":
        return ([FacetSpec("type", "Type"), FacetSpec("protected", "Protected"), doc],
                [Column("name", "Name"), Column("type", "Type"), Column("aliases", "Aliases", False),
                 Column("mentions", "Mentions", numeric=True), Column("documents", "Documents", numeric=True)],
                ["id", "name", "type", "aliases", "mentions", "documents", "protected"], None)
    return ([FacetSpec("source", "Outlet"), FacetSpec("year", "Year"), FacetSpec("media_type", "Media type"),
             FacetSpec("copy", "Copy of another report")],
            [Column("title", "Title"), Column("source", "Outlet"), Column("published", "Published"),
             Column("figures", "Figures", numeric=True), Column("quotes", "Quotes", numeric=True),
             Column("noise", "Noise spans", numeric=True), Column("chars", "Characters", numeric=True)],
            ["id", "title", "source", "author", "published", "media_type", "url", "path", "figures", "quotes", "noise",
             "chars", "copy"], None)


_BUILDERS = {"figures": _figure_rows, "quotes": _quote_rows, "claims": _claim_rows, "entities": _entity_rows,
             "documents": _document_rows}


def rows_of(ctx: Ctx, kind: str) -> list[dict[str, Any]]:
    """Every row of a list, built once per view (views are rebuilt whenever the case or its reviews change)."""
    rows: list[dict[str, Any]] = ctx.view.cached(("list-rows", kind), lambda: _BUILDERS[kind](ctx))
    return rows


def list_page(ctx: Ctx, kind: str, template: str, *, keep: Callable[[dict[str, Any]], bool] | None = None,
              extra: Mapping[str, str] | None = None, **values: Any) -> Response:
    """A list page, or with ``?format=csv|json`` all its filtered rows as a download.

    Args:
        ctx: The reader and their view (downloads hold what this view shows, nothing more).
        kind: ``figures``, ``quotes``, ``claims``, ``entities`` or ``documents``.
        template: The page template; it gets ``listing`` and ``values``.
        keep: A filter of the page's own (a text search) applied before the facets.
        extra: The parameters of that filter, kept in every link.
    """
    query = dict(ctx.request.query_params)
    if query.get("review_status") and not query.get("reviewed"):
        query["reviewed"] = query["review_status"]  # the claims list's former name of the facet
    facets, columns, fields, default_sort = _specs(ctx, kind)
    rows = rows_of(ctx, kind)
    if keep is not None:
        rows = [r for r in rows if keep(r)]
    # A claim field that later builds add (credibility) gets a column and a facet only once it is there.
    columns = [c for c in columns if c.key not in _OPTIONAL or any(r.get(c.key) is not None for r in rows)]
    fmt = query.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise WebError(400, f"unknown format; valid: {', '.join(FORMATS)}")
        kept = select(rows, filters_of(query, facets), query, columns, default_sort)
        return download(kept, fields, fmt, kind)
    listing: Listing = browse(rows, query, facets=facets, columns=columns, page_size=ctx.state.settings.page_size,
                              extra=extra, default_sort=default_sort)
    return render(ctx.request, template, ctx, listing=listing, pager=listing.pager, **values)
