"""Review pages: quotes, figures, claims, the keyboard review queue, and every review action."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from corroborator import review
from corroborator.model import EVENT_KINDS, QUALIFIERS
from corroborator.review import REVIEW_STATUSES, Review, ReviewError
from corroborator.web import lists, present
from corroborator.web.deps import ENV, Ctx, WebError, current, form_of, render, safe_next
from corroborator.web.history import change_lines, present_review
from corroborator.web.undo import undo_offer, with_params
from corroborator.web.pages_case import locked_by, place, queue_items, status_of
from corroborator.web.pages_sources import rate_source
from corroborator.witnesses import PSEUDONYM_ANY

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
KIND_OF = {"figure": "figures", "quote": "quotes", "claim": "claims", "entity": "entities", "document": "documents",
           "source": "sources"}
MARK, UNMARK = "document.mark_identifying", "document.unmark_identifying"


def _raw_evidence(ctx: Ctx, kind: str, view_id: str, ev: dict[str, Any] | None) -> dict[str, Any] | None:
    """Selected characters moved from the reader's redacted text to the machine text, exactly or not at all.

    The selection is checked against the text the reader sees, never the machine text:
    the answer must not depend on what redaction hid (a guessed name near a quote).

    Raises:
        ReviewError: The selection is not those characters of the reader's text, holds a
            pseudonym, or has no exact counterpart in the machine text.
    """
    if not ev or not ctx.view.redacted:
        return ev
    text = str(ev.get("text") or "")
    try:
        start, end = int(ev["start"]), int(ev["end"])
    except (KeyError, TypeError, ValueError):
        raise ReviewError("the selection offsets are not numbers") from None
    shown = (ctx.view.figures if kind == "figures" else ctx.view.quotes)[view_id].mention
    doc_text = ctx.view.docs[shown.doc_id].text
    if not text or not 0 <= start < end <= len(doc_text) or doc_text[start:end] != text:
        raise ReviewError("the selected text does not match the source at those characters: select it again")
    if PSEUDONYM_ANY.search(text):
        raise ReviewError("the selection holds a pseudonym: choose the speaker from the list instead")
    text_map = ctx.view.text_map(shown.doc_id)
    raw = text_map.to_raw(start, end) if text_map is not None else None
    if raw is None:
        raise ReviewError("the selection touches a protected passage or cannot be placed exactly in the source: "
                          "select a shorter stretch, or type the value instead")
    return {"start": raw[0], "end": raw[1], "text": text}


def _raw_mark(ctx: Ctx, action: str, view_doc: str, after: dict[str, Any]) -> dict[str, Any]:
    """A mark of identifying text moved from the reader's redacted text to the machine text.

    The selection must be exactly those characters of the text the reader sees, hold no
    pseudonym and lie in one stretch redaction left untouched; the witness may be given
    by the id this reader sees or by its pseudonym.

    Raises:
        ReviewError: The selection cannot be placed exactly in the machine text.
    """
    view = ctx.view
    if not view.redacted:
        return after
    out = {k: v for k, v in after.items() if k in ("seq", "witness")}
    witness = str(after.get("witness") or "")
    for kind in ("entities", "quotes"):
        if witness and witness in (view.entities if kind == "entities" else view.quotes):
            out["witness"] = view.raw_id(kind, witness)
    if action == UNMARK and "start" not in after:
        return out
    try:
        start, end = int(after["start"]), int(after["end"])
    except (KeyError, TypeError, ValueError):
        raise ReviewError("a mark needs integer start and end offsets") from None
    doc_text = view.docs[view_doc].text
    if not 0 <= start < end <= len(doc_text):
        raise ReviewError(f"{start}-{end} is not a span of document {view_doc}")
    text = doc_text[start:end]
    if after.get("text") not in (None, "") and after["text"] != text:
        raise ReviewError("the selected text does not match the source at those characters: select it again")
    if PSEUDONYM_ANY.search(text):
        raise ReviewError("the selection holds a pseudonym, which is hidden already: select the words around it")
    text_map = view.text_map(view_doc)
    raw = text_map.to_raw(start, end) if text_map is not None else None
    if raw is None:
        raise ReviewError("the selection cannot be placed exactly in the source: select a shorter stretch")
    return out | {"start": raw[0], "end": raw[1], "text": text}


def marking(request: Any, doc_id: str) -> dict[str, Any]:
    """What the reader's "mark as identifying" form needs: the protected people to choose
    from (by pseudonym) and the marks of this document, as this reader may see them."""
    ctx: Ctx | None = getattr(request.state, "ctx", None)
    if ctx is None:
        return {"witnesses": [], "marks": []}
    view = ctx.view
    w = view.witnesses()
    labels = sorted({*w.entities.values(), *w.quotes.values(), *w.persons, *w.marks.values()},
                    key=lambda p: (len(p), p))
    names: dict[str, list[str]] = {}
    if not view.redacted:
        for e in view.raw.entities:
            if e.id in w.entities:
                names.setdefault(w.entities[e.id], []).append(e.name)
    witnesses = [(p, p + (" — " + ", ".join(sorted(set(names[p]))[:3]) if names.get(p) else "")) for p in labels]
    marks = [{"seq": m.attrs.get("review_seq"), "text": m.text, "label": m.attrs.get("label"), "by": m.attrs.get("by"),
              "at": m.attrs.get("at"), "start": m.start}
             for m in sorted(view.case.mentions.values(), key=lambda m: m.start)
             if m.kind == "identifying" and m.doc_id == doc_id]
    return {"witnesses": witnesses, "marks": marks}


ENV.globals["marking"] = marking
ENV.globals["undo_offer"] = undo_offer
ENV.globals["change_lines"] = change_lines


def do_review(ctx: Ctx, action: str, view_target: str, after: dict[str, Any], note: str = "") -> Review:
    """Check, map to machine ids and store one review action; the corrected case reloads.

    Raises:
        WebError: The user may not review.
        ReviewError: The action is not valid now (locked, unknown target, bad values).
    """
    ctx.require("editor")
    if action not in review.ACTIONS:
        raise ReviewError(f"unknown review action {action!r}; valid actions: {', '.join(sorted(review.ACTIONS))}")
    if review.ACTIONS[action] == "source":
        return rate_source(ctx, view_target, str(after.get("reliability", "")), note)
    kind = KIND_OF[review.ACTIONS[action]]
    view = ctx.view
    if action in review.RESTORE_ACTIONS and not view.redacted and view_target not in getattr(view, kind):
        # A rejected figure has left the case; its id is the machine id (a redacted reader undoes by review seq).
        return _store_review(ctx, action, view_target, {"undo": after.get("undo")}, note)
    if view_target not in (view.docs if kind == "documents" else getattr(view, kind)):
        raise WebError(404, f"no such {kind[:-1] if kind != 'entities' else 'entity'} in this case")
    if not view.mapped(kind, view_target):
        raise WebError(409, "this item cannot be placed exactly in the machine output while identities are hidden: "
                            "an admin can review it with protected identities revealed")
    target = view.raw_id(kind, view_target)
    after = dict(after)
    if "into" in after:
        after["into"] = view.raw_id("entities", str(after["into"]))
    if after.get("speaker"):
        after["speaker"] = view.raw_id("entities", str(after["speaker"]))
    if "mention_ids" in after:
        after["mention_ids"] = [view.raw_id("mentions", str(m)) for m in after["mention_ids"] or []]
    if after.get("evidence"):
        after["evidence"] = _raw_evidence(ctx, kind, view_target, after["evidence"])
    if kind == "documents":
        after = _raw_mark(ctx, action, view_target, after)
    return _store_review(ctx, action, target, after, note)


def _store_review(ctx: Ctx, action: str, target: str, after: dict[str, Any], note: str = "") -> Review:
    """Validate one review action on a machine id against the latest corrected case and store it."""
    with ctx.state.db.store() as store:
        ctx.state.refresh(store)
        case = ctx.state.corrected
        cleaned = review.validate_review(case, ctx.state.state, user=ctx.user.name, role=ctx.user.role,
                                         action=action, target=target, after=after)
        before = review.snapshot(case, action, target)
        record = review.record_review(store, user=ctx.user.name, action=action, target=target, before=before,
                                      after=cleaned, note=note[:1000])
        ctx.state.refresh(store)
    logger.info("review %d by %s: %s %s", record.seq, record.user, action, target)
    return record


@router.post("/reviews/{seq}/undo")
async def undo_reject(seq: int, ctx: Ctx = Depends(current)) -> Response:
    """Undo a reject: a new review (``figure.restore`` or ``quote.restore``) puts the item back as it was."""
    form = await form_of(ctx)
    ctx.require("editor")
    record = next((r for r in ctx.state.reviews if r.seq == seq), None)
    if record is None or record.action not in ("figure.reject", "quote.reject"):
        raise WebError(404, "no such reject to undo")
    kind = record.action.split(".")[0]
    done = _store_review(ctx, f"{kind}.restore", record.target, {"undo": seq}, str(form.get("note", "")))
    fallback = present.url(kind + "s", _shown_id(ctx, kind + "s", record.target))
    back = with_params(safe_next(str(form.get("next") or fallback)), restored=done.seq)
    return RedirectResponse(back, status_code=303)


def _evidence_form(form: dict[str, Any]) -> dict[str, Any] | None:
    if form.get("evidence_start") in (None, "") or form.get("evidence_end") in (None, ""):
        return None
    try:
        return {"start": int(form["evidence_start"]), "end": int(form["evidence_end"]),
                "text": form.get("evidence_text")}
    except ValueError:
        raise ReviewError("the selection offsets are not numbers") from None


def _done(form: dict[str, Any], fallback: str) -> Response:
    return RedirectResponse(safe_next(str(form.get("next") or fallback)), status_code=303)


def _shown_id(ctx: Ctx, kind: str, raw_id: str) -> str:
    """The id the reader sees for ``raw_id`` after a review (protecting someone renames ids)."""
    return ctx.state.view(redacted=ctx.view.redacted).view_id(kind, raw_id)


def _history(ctx: Ctx, kind: str, view_id: str) -> list[dict[str, Any]]:
    raw = ctx.view.raw_id(kind, view_id)
    return [present_review(r, ctx.view) for r in reversed(ctx.state.state.history.get(raw, []))]


# -- quotes ------------------------------------------------------------------------------
@router.get("/quotes", response_class=HTMLResponse)
def quotes(ctx: Ctx = Depends(current)) -> Response:
    """Quotes with facets (speaker, source, document, protection, review), sorting and downloads."""
    return lists.list_page(ctx, "quotes", "quotes.html")


def _quote_context(ctx: Ctx, qid: str) -> dict[str, Any]:
    q = ctx.view.quotes[qid]
    extra = []
    speaker_m = ctx.view.case.mentions.get(q.speaker_mention_id or "")
    if speaker_m is not None:
        extra.append(present.Span(speaker_m.start, speaker_m.end, "ev-speaker", None, "speaker"))
    return {"q": q, "ev": present.evidence(ctx.view, q.mention, extra), "status": status_of(ctx, "quotes", qid),
            "entities": sorted(ctx.view.case.entities, key=lambda e: (e.type != "PERSON", e.name.casefold()))[:1000],
            "history": _history(ctx, "quotes", qid)}


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
def quote(quote_id: str, ctx: Ctx = Depends(current)) -> Response:
    """One quote beside its source, with confirm / reject / correct-speaker forms."""
    if quote_id not in ctx.view.quotes:
        raise WebError(404, "no such quote in this case")
    return render(ctx.request, "quote.html", ctx, guard=True, **_quote_context(ctx, quote_id))


@router.post("/quotes/{quote_id}/review")
async def quote_review(quote_id: str, ctx: Ctx = Depends(current)) -> Response:
    """Confirm or reject a quote's speaker, or set the right one."""
    form = await form_of(ctx)
    op = form.get("op")
    after: dict[str, Any] = {}
    if op == "speaker":
        after = {"speaker": form.get("speaker") or None, "speaker_label": form.get("speaker_label") or None,
                 "evidence": _evidence_form(form)}
    record = do_review(ctx, f"quote.{op}", quote_id, after, str(form.get("note", "")))
    shown = present.url("quotes", _shown_id(ctx, "quotes", record.target)) + "?done=" + str(op)
    if op == "reject":
        return RedirectResponse(with_params(safe_next(str(form.get("next") or shown)), undo=record.seq),
                                status_code=303)
    return _done(form, shown)


# -- figures -----------------------------------------------------------------------------
@router.get("/figures", response_class=HTMLResponse)
def figures(ctx: Ctx = Depends(current)) -> Response:
    """Figures with facets (event, claim status, credibility, source, document, review), sorting and downloads."""
    return lists.list_page(ctx, "figures", "figures.html")


def _figure_context(ctx: Ctx, fid: str) -> dict[str, Any]:
    f = ctx.view.figures[fid]
    claims = [ctx.view.claims[c] for c in ctx.view.claims_of_figure.get(fid, [])]
    return {"f": f, "ev": present.evidence(ctx.view, f.mention), "status": status_of(ctx, "figures", fid),
            "claims": claims, "locked": next((locked_by(ctx, c.id) for c in claims if locked_by(ctx, c.id)), None),
            "machine": (f.mention.attrs.get("review") or {}).get("machine"), "events": EVENT_KINDS,
            "qualifiers": QUALIFIERS, "history": _history(ctx, "figures", fid)}


@router.get("/figures/{figure_id}", response_class=HTMLResponse)
def figure(figure_id: str, ctx: Ctx = Depends(current)) -> Response:
    """One figure beside its source, with confirm / reject / correct forms."""
    if figure_id not in ctx.view.figures:
        raise WebError(404, "no such figure in this case (it may have been rejected)")
    return render(ctx.request, "figure.html", ctx, guard=True, **_figure_context(ctx, figure_id))


@router.post("/figures/{figure_id}/review")
async def figure_review(figure_id: str, ctx: Ctx = Depends(current)) -> Response:
    """Confirm, reject or correct a figure (values typed or selected in the source)."""
    form = await form_of(ctx)
    op = form.get("op")
    after: dict[str, Any] = {}
    if op == "correct":
        after = {k: form[k] for k in review.FIGURE_FIELDS if k in form}
        after["evidence"] = _evidence_form(form)
    record = do_review(ctx, f"figure.{op}", figure_id, after, str(form.get("note", "")))
    if op == "reject":
        # The figure leaves the case: go on (or back to the list) with an offer to undo.
        return RedirectResponse(with_params(safe_next(str(form.get("next") or "/figures")), undo=record.seq),
                                status_code=303)
    return _done(form, present.url("figures", _shown_id(ctx, "figures", record.target)) + "?done=" + str(op))


# -- claims ------------------------------------------------------------------------------
@router.get("/claims", response_class=HTMLResponse)
def claims(ctx: Ctx = Depends(current)) -> Response:
    """Claims with facets (event, machine status, credibility, source, review), sorting and downloads."""
    return lists.list_page(ctx, "claims", "claims.html")


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim(claim_id: str, ctx: Ctx = Depends(current)) -> Response:
    """One claim: its figures side by side with their source spans; status and lock forms."""
    c = ctx.view.claims.get(claim_id)
    if c is None:
        raise WebError(404, "no such claim in this case (it may have been rejected)")
    cards = [{"f": ctx.view.figures[fid], "ev": present.evidence(ctx.view, ctx.view.figures[fid].mention),
              "doc": ctx.view.docs.get(ctx.view.figures[fid].mention.doc_id),
              "status": status_of(ctx, "figures", fid)} for fid in c.figure_ids if fid in ctx.view.figures]
    return render(ctx.request, "claim.html", ctx, guard=True, c=c, cards=cards,
                  review_status=status_of(ctx, "claims", c.id), locked=locked_by(ctx, c.id), statuses=REVIEW_STATUSES,
                  history=_history(ctx, "claims", claim_id))


@router.post("/claims/{claim_id}/review")
async def claim_review(claim_id: str, ctx: Ctx = Depends(current)) -> Response:
    """Set a claim's review status, lock or unlock it."""
    form = await form_of(ctx)
    op = form.get("op")
    after = {"status": form.get("status")} if op == "status" else {}
    do_review(ctx, f"claim.{op}", claim_id, after, str(form.get("note", "")))
    return _done(form, present.url("claims", claim_id) + "?done=" + str(op))


# -- entities ----------------------------------------------------------------------------
@router.post("/entities/{entity_id}/review")
async def entity_review(entity_id: str, ctx: Ctx = Depends(current)) -> Response:
    """Merge an entity into another, split mentions off it, protect or unprotect it."""
    form = await form_of(ctx)
    op = form.get("op")
    after: dict[str, Any] = {}
    if op == "merge":
        after = {"into": form.get("into")}
    elif op == "split":
        ids = form.get("mention_ids") or []
        after = {"mention_ids": ids if isinstance(ids, list) else [ids], "name": form.get("name")}
    record = do_review(ctx, f"entity.{op}", entity_id, after, str(form.get("note", "")))
    target = record.after["into"] if op == "merge" else record.target
    return _done(form, present.url("entities", _shown_id(ctx, "entities", target)) + "?done=" + str(op))


# -- documents: identifying details ------------------------------------------------------
@router.post("/documents/{doc_id}/identifying")
async def mark_identifying(doc_id: str, ctx: Ctx = Depends(current)) -> Response:
    """Mark selected characters of a document as identifying a protected person, or undo a mark."""
    form = await form_of(ctx)
    op = form.get("op")
    if op not in ("mark", "unmark"):
        raise WebError(400, "unknown operation; valid: mark, unmark")
    if op == "unmark":
        after: dict[str, Any] = {"seq": form.get("seq")}
    else:
        try:
            after = {"start": int(form.get("start", "")), "end": int(form.get("end", "")),
                     "text": form.get("text") or None, "witness": form.get("witness")}
        except ValueError:
            raise ReviewError("select the identifying words in the text first") from None
    do_review(ctx, MARK if op == "mark" else UNMARK, doc_id, after, str(form.get("note", "")))
    return _done(form, present.url("documents", doc_id) + "?done=" + str(op))


# -- the queue ---------------------------------------------------------------------------
@router.get("/queue", response_class=HTMLResponse)
def queue(ctx: Ctx = Depends(current), kind: str = "figures", status: str = "unreviewed", at: str = "",
          after: str = "", before: str = "") -> Response:
    """Check figures or quotes one after another from the keyboard (j/k, c, x, o, e)."""
    if kind not in ("figures", "quotes"):
        raise WebError(400, "the queue holds figures or quotes")
    if status not in ("unreviewed", "all", "confirmed", "rejected", "corrected"):
        raise WebError(400, "unknown queue status")
    every = queue_items(ctx, kind, "all")
    order = {x.mention.id: i for i, x in enumerate(every)}
    items = every if status == "all" else [x for x in every if status_of(ctx, kind, x.mention.id) == status]
    current_item = None
    if items:
        if at in order:
            current_item = next((x for x in items if x.mention.id == at), None)
        if current_item is None and after:
            # A figure rejected just now has left the case: go on from where it stood.
            spot = place(ctx, after)
            current_item = next((x for x in items if (place(ctx, x.mention.id) or spot) > spot), items[0]) \
                if spot else None
        if current_item is None and before:
            spot = place(ctx, before)
            current_item = next((x for x in reversed(items) if (place(ctx, x.mention.id) or spot) < spot), items[-1]) \
                if spot else None
        current_item = current_item or items[0]
    context: dict[str, Any] = {}
    if current_item is not None:
        cid = current_item.mention.id
        context = _figure_context(ctx, cid) if kind == "figures" else _quote_context(ctx, cid)
        context["position"] = next(i for i, x in enumerate(items) if x.mention.id == cid) + 1 \
            if any(x.mention.id == cid for x in items) else 0
        context["item_id"] = cid
    # Rejected figures leave the case but stay counted: the total is what was reviewed plus what remains.
    gone = 0
    if kind == "figures":
        machine = {f.mention.id for f in ctx.state.base.figures}
        gone = sum(1 for fid, s in ctx.state.state.figures.items() if s == "rejected" and fid in machine)
    return render(ctx.request, "queue.html", ctx, guard=True, kind=kind, queue_status=status, total=len(items),
                  reviewed=gone + sum(1 for x in every if status_of(ctx, kind, x.mention.id) != "unreviewed"),
                  count_all=len(every) + gone, item=current_item, **context)
