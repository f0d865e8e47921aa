"""Validation and application of review actions (the public surface is :mod:`corroborator.review`)."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from typing import Any

from corroborator.consolidate.credibility import RELIABILITY, case_sources
from corroborator.errors import ReviewConflictError, ReviewError
from corroborator.witnesses import IDENTIFYING, PSEUDONYM_RE, assign_pseudonyms, person_key
from corroborator.model import Case, Claim, Entity, Figure, Mention, Quote, mention_id
from corroborator.review.actions import (
    ACTIONS,
    RESTORE_ACTIONS,
    FIGURE_FIELDS,
    MAX_VALUE,
    REVIEW_EXTRACTOR,
    VALID,
    Review,
    ReviewState,
    parse_count,
)
from corroborator.review.recompute import recompute_claims
from corroborator.settings import DEFAULTS, Settings

logger = logging.getLogger(__name__)

_MAX_TEXT = 300
_MAX_EVIDENCE = 2000
#: The longest stretch a reviewer may mark as identifying (a phrase, not a paragraph).
_MAX_MARK = 300
MARK = "document.mark_identifying"
UNMARK = "document.unmark_identifying"


def _text(value: Any, name: str) -> str | None:
    """A free-text field: stripped, bounded, empty as None."""
    if value is None:
        return None
    if not isinstance(value, (str, int)):
        raise ReviewError(f"{name} must be text")
    text = " ".join(str(value).split())
    if len(text) > _MAX_TEXT:
        raise ReviewError(f"{name} is too long (at most {_MAX_TEXT} characters)")
    return text or None


def _evidence(case: Case, doc_id: str, raw: Any) -> dict[str, Any] | None:
    """A selected span of a document, checked to be exact: ``{doc, start, end, text}``.

    The document is stored with the offsets so that redaction, which moves offsets per
    document, can re-map the span like any other cited span.
    """
    if raw in (None, {}, ""):
        return None
    if not isinstance(raw, dict):
        raise ReviewError("evidence must be {start, end, text}")
    doc = next((d for d in case.documents if d.id == doc_id), None)
    try:
        start, end = int(raw["start"]), int(raw["end"])
    except (KeyError, TypeError, ValueError):
        raise ReviewError("evidence needs integer start and end offsets") from None
    if doc is None or not 0 <= start < end <= len(doc.text) or end - start > _MAX_EVIDENCE:
        raise ReviewError(f"evidence {start}-{end} is not a span of document {doc_id}")
    text = doc.text[start:end]
    if "text" in raw and raw["text"] is not None and raw["text"] != text:
        raise ReviewError(f"evidence text does not match characters {start}-{end} of the document")
    return {"doc": doc_id, "start": start, "end": end, "text": text}


def _find(items: list[Any], target: str, what: str) -> Any:
    """The item whose id is ``target`` or a clear error."""
    for item in items:
        if _id(item) == target:
            return item
    raise ReviewError(f"no {what} {target!r} in this case")


def _id(item: Any) -> str:
    return item.mention.id if isinstance(item, (Figure, Quote)) else item.id


def _locked_claim(case: Case, state: ReviewState, figure_id: str) -> str | None:
    return next((c.id for c in case.claims if figure_id in c.figure_ids and c.id in state.locks), None)


def clean_after(case: Case, state: ReviewState, *, user: str, role: str, action: str, target: str,
                after: dict[str, Any]) -> dict[str, Any]:
    """Check one action against the corrected case; return the ``after`` to store."""
    kind = ACTIONS[action]
    if kind == "document":
        return _mark_after(case, user=user, role=role, action=action, target=target, after=after)
    if kind == "source":
        if target not in case_sources(case):
            raise ReviewError(f"no original source {target!r} in this case")
        rating = str(after.get("reliability", "")).strip().upper()
        if rating not in RELIABILITY:
            raise ReviewError(f"reliability must be one of {', '.join(RELIABILITY)} "
                              f"({'; '.join(f'{k} {v}' for k, v in RELIABILITY.items())})")
        return {"reliability": rating}
    if kind == "figure":
        figure = _find(case.figures, target, "figure")
        locked = _locked_claim(case, state, target)
        if locked:
            raise ReviewConflictError(f"claim {locked} is locked by {state.locks[locked]}: unlock it first")
        return _figure_after(case, figure, action, after)
    if kind == "quote":
        quote = _find(case.quotes, target, "quote")
        if action != "quote.speaker":
            return {}
        return _speaker_after(case, quote, after)
    if kind == "claim":
        _find(case.claims, target, "claim")
        locker = state.locks.get(target)
        if action == "claim.unlock":
            if locker is None:
                raise ReviewConflictError(f"claim {target} is not locked")
            if locker != user and role != "admin":
                raise ReviewConflictError(f"claim {target} was locked by {locker}: only they or an admin can unlock it")
            return {}
        if locker is not None:
            raise ReviewConflictError(f"claim {target} is locked by {locker}: unlock it first")
        if action == "claim.lock":
            return {}
        status = after.get("status")
        if status not in VALID["status"]:
            raise ReviewError(f"unknown claim status {status!r}; valid: {', '.join(VALID['status'])}")
        return {"status": status}
    entity = _find(case.entities, target, "entity")
    if action == "entity.merge":
        into = after.get("into")
        if into == target:
            raise ReviewError("an entity cannot be merged into itself")
        other = _find(case.entities, str(into), "entity")
        return {"into": other.id}
    if action == "entity.split":
        moved = list(dict.fromkeys(str(m) for m in after.get("mention_ids") or []))
        unknown = [m for m in moved if m not in entity.mention_ids]
        if not moved or unknown:
            raise ReviewError("choose one or more of the entity's own mentions to split off")
        if len(moved) == len(entity.mention_ids):
            raise ReviewError("a split must leave at least one mention with the entity")
        name = _text(after.get("name"), "name")
        if name is None and moved[0] in case.mentions:
            name = _text(case.mentions[moved[0]].text, "name")
        if not name:
            raise ReviewError("the new entity needs a name")
        digest = hashlib.sha1("|".join(sorted(moved)).encode()).hexdigest()[:8]
        return {"id": f"{target}~{digest}", "name": name, "mention_ids": moved}
    if action == "entity.protect" and entity.protected:
        raise ReviewError(f"entity {target} is already protected")
    if action == "entity.unprotect" and not entity.protected:
        raise ReviewError(f"entity {target} is not protected")
    return {"protected": action == "entity.protect"}


def identifying_marks(case: Case) -> list[Mention]:
    """Every span a reviewer marked as identifying a protected person (and has not unmarked)."""
    return [m for m in case.mentions.values() if m.kind == IDENTIFYING]


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without white space or punctuation at its edges, widened to whole words."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while start > 0 and start < end and text[start - 1].isalnum():
        start -= 1
    while start < end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _witness(case: Case, raw: Any) -> dict[str, str]:
    """The protected person a mark is tied to: ``{witness, witness_kind, label}``.

    ``raw`` is a protected entity id, a protected quote id or a pseudonym ("[Witness 2]").
    """
    value = str(raw or "").strip()
    if not value:
        raise ReviewError("choose the protected person this text identifies")
    w = assign_pseudonyms(case)
    if value in w.entities:
        return {"witness": value, "witness_kind": "entity", "label": w.entities[value]}
    if value in w.quotes:
        return {"witness": value, "witness_kind": "quote", "label": w.quotes[value]}
    if PSEUDONYM_RE.fullmatch(value):
        for kind, table in (("entity", w.entities), ("quote", w.quotes), ("mark", w.marks)):
            found = sorted(k for k, p in table.items() if p == value)
            if found:
                return {"witness": found[0], "witness_kind": kind, "label": value}
        for person, pseudonym in zip(case.protected, w.persons):
            if pseudonym == value:
                return {"witness": person_key(person), "witness_kind": "person", "label": value}
    if any(e.id == value for e in case.entities):
        raise ReviewError(f"entity {value} is not protected: protect it first")
    raise ReviewError(f"no protected person {value!r} in this case")


def _mark_after(case: Case, *, user: str, role: str, action: str, target: str, after: dict[str, Any]) -> dict[str, Any]:
    """The checked ``after`` of marking (or unmarking) a span of a document as identifying."""
    doc = _find(case.documents, target, "document")
    if action == UNMARK and "start" not in after and after.get("seq") is not None:
        # Undo names the mark by the review that made it (a redacted reader cannot see its offsets).
        found = [m for m in identifying_marks(case) if m.doc_id == target and str(m.attrs.get("review_seq")) ==
                 str(after["seq"])]
        if not found:
            raise ReviewError(f"no identifying mark made by review {after['seq']} in document {target}")
        after = {"start": found[0].start, "end": found[0].end}
    try:
        start, end = int(after["start"]), int(after["end"])
    except (KeyError, TypeError, ValueError):
        raise ReviewError("a mark needs integer start and end offsets") from None
    if not 0 <= start < end <= len(doc.text):
        raise ReviewError(f"{start}-{end} is not a span of document {target}")
    if action == UNMARK:
        mark = case.mentions.get(mention_id(target, IDENTIFYING, start, end))
        if mark is None or mark.kind != IDENTIFYING:
            raise ReviewError(f"no identifying mark at {start}-{end} of document {target}")
        by = mark.attrs.get("by")
        if by != user and role != "admin":
            raise ReviewError(f"only {by} (who marked it) or an admin can undo this mark")
        return {"start": start, "end": end, "text": mark.text, "witness": mark.attrs.get("witness"),
                "witness_kind": mark.attrs.get("witness_kind")}
    selected = doc.text[start:end]
    if after.get("text") not in (None, "") and after["text"] != selected:
        raise ReviewError(f"the text does not match characters {start}-{end} of the document: select it again")
    start, end = _whole_words(doc.text, start, end)
    text = doc.text[start:end]
    if sum(c.isalnum() for c in text) < 2:
        raise ReviewError("select at least two letters or digits")
    if end - start > _MAX_MARK:
        raise ReviewError(f"a mark is at most {_MAX_MARK} characters: select the identifying detail only")
    if mention_id(target, IDENTIFYING, start, end) in case.mentions:
        raise ReviewError(f"characters {start}-{end} are already marked as identifying")
    return {"start": start, "end": end, "text": text} | _witness(case, after.get("witness"))


def _figure_after(case: Case, figure: Figure, action: str, after: dict[str, Any]) -> dict[str, Any]:
    """The checked new values of a figure correction."""
    if action != "figure.correct":
        return {}
    clean: dict[str, Any] = {}
    evidence = _evidence(case, figure.mention.doc_id, after.get("evidence"))
    if evidence:
        clean["evidence"] = evidence
    value = after.get("value")
    if value in (None, "") and evidence:
        value = parse_count(evidence["text"])
        if value is None:
            raise ReviewError(f"the selected text {evidence['text']!r} holds no number")
    if value not in (None, ""):
        try:
            number = int(str(value).replace(",", "").strip())
        except ValueError:
            raise ReviewError(f"value must be a whole number, not {value!r}") from None
        if not 0 <= number <= MAX_VALUE:
            raise ReviewError(f"value {number} is out of range")
        clean["value"] = number
    for name in ("qualifier", "event"):
        if after.get(name) not in (None, ""):
            if after[name] not in VALID[name]:
                raise ReviewError(f"unknown {name} {after[name]!r}; valid: {', '.join(VALID[name])}")
            clean[name] = after[name]
    for name in ("subject", "attributed_to", "when"):
        if name in after:
            clean[name] = _text(after[name], name)
    changed = {k: v for k, v in clean.items() if k == "evidence" or getattr(figure, k) != v}
    if not changed:
        raise ReviewError("nothing to correct: the values are the same as now")
    return clean


def _speaker_after(case: Case, quote: Quote, after: dict[str, Any]) -> dict[str, Any]:
    """The checked new speaker of a quote."""
    speaker = after.get("speaker") or None
    if speaker is not None:
        speaker = _find(case.entities, str(speaker), "entity").id
    evidence = _evidence(case, quote.mention.doc_id, after.get("evidence"))
    label = _text(after.get("speaker_label"), "speaker_label")
    if label is None and evidence:
        label = _text(evidence["text"], "speaker_label")
    if label is None and speaker is not None:
        label = next(e.name for e in case.entities if e.id == speaker)
    if label is None:
        raise ReviewError("name the speaker: choose an entity, type a label or select it in the text")
    return {"speaker": speaker, "speaker_label": label, "evidence": evidence}


def _stamp(m: Mention, r: Review, status: str, machine: dict[str, Any] | None = None,
           evidence: dict[str, Any] | None = None) -> Mention:
    """``m`` with its review record in ``attrs["review"]`` (machine values kept from the first change)."""
    old = m.attrs.get("review") or {}
    record = {"status": status, "by": r.user, "at": r.at, "seq": r.seq}
    if old.get("machine") or machine:
        record["machine"] = old.get("machine") or machine
    if evidence or old.get("evidence"):
        record["evidence"] = evidence or old.get("evidence")
    return dataclasses.replace(m, attrs={**m.attrs, "review": record})


def apply(case: Case, reviews: list[Review], settings: Settings = DEFAULTS) -> Case:
    """Fold ``reviews`` over ``case`` (see :func:`corroborator.review.apply_reviews`)."""
    mentions = dict(case.mentions)
    figures = {f.mention.id: f for f in case.figures}
    quotes = {q.mention.id: q for q in case.quotes}
    entities = {e.id: e for e in case.entities}
    claim_status: dict[str, tuple[str, Review]] = {}
    locks: dict[str, Review] = {}
    rejected_figures: set[str] = set()
    touched_figures: set[str] = set()
    protected_by_review: dict[str, set[str]] = {}
    docs = {d.id: d for d in case.documents}
    merged: dict[str, str] = {}
    records: dict[str, dict[str, Any]] = {}
    reliability: dict[str, dict[str, Any]] = dict(case.reliability)
    # What a reject changed, kept so that undoing it (``*.restore``) puts the item back as it was.
    before_reject: dict[str, tuple[Any, dict[str, Any] | None]] = {}
    for r in reviews:
        kind = ACTIONS.get(r.action)
        if r.action.endswith(".reject") and kind in ("figure", "quote"):
            before_reject[r.target] = ((figures if kind == "figure" else quotes).get(r.target), records.get(r.target))
        if r.action in RESTORE_ACTIONS:
            _restore(r, before_reject, figures, quotes, mentions, records, rejected_figures)
            continue
        if kind in ("figure", "quote", "claim", "entity"):
            _record(records, r, figures.get(r.target) if kind == "figure" else None)
        if kind == "source":
            reliability[r.target] = {"rating": r.after.get("reliability", "F"), "by": r.user, "at": r.at,
                                     "note": r.note or None}
        elif kind == "document" and r.target in docs:
            _apply_mark(r, docs[r.target].text, mentions)
        elif kind == "figure" and r.target in figures:
            f = figures[r.target]
            if r.action == "figure.correct":
                machine = {k: getattr(f, k) for k in FIGURE_FIELDS}
                values = {k: v for k, v in r.after.items() if k in FIGURE_FIELDS}
                f = dataclasses.replace(f, **values)
                f = dataclasses.replace(f, mention=_stamp(f.mention, r, "corrected", machine, r.after.get("evidence")))
                touched_figures.add(r.target)
            else:
                status = "confirmed" if r.action == "figure.confirm" else "rejected"
                f = dataclasses.replace(f, mention=_stamp(f.mention, r, status))
            (rejected_figures.add if r.action == "figure.reject" else rejected_figures.discard)(r.target)
            figures[r.target] = f
            mentions[r.target] = f.mention
        elif kind == "quote" and r.target in quotes:
            quotes[r.target] = _apply_quote(quotes[r.target], r, entities, mentions)
            mentions[r.target] = quotes[r.target].mention
        elif kind == "claim":
            if r.action == "claim.status":
                claim_status[r.target] = (r.after.get("status", "unreviewed"), r)
            elif r.action == "claim.lock":
                locks[r.target] = r
            else:
                locks.pop(r.target, None)
        elif kind == "entity" and r.target in entities:
            if r.action == "entity.merge" and r.after.get("into") in entities:
                merged[r.target] = r.after["into"]
            _apply_entity(r, entities, quotes, protected_by_review)
        elif kind is not None:
            logger.warning("review %d: %s target %s is not in the case; skipped", r.seq, r.action, r.target)
    _follow_merges(mentions, merged)
    reviewed = dataclasses.replace(case, mentions=mentions, entities=list(entities.values()),
                                   quotes=list(quotes.values()),
                                   figures=[f for fid, f in figures.items() if fid not in rejected_figures])
    reviewed = dataclasses.replace(reviewed, reliability=reliability)
    rejected_claims = {cid for cid, (status, _) in claim_status.items() if status == "rejected"}
    verified = {cid for cid, (status, _) in claim_status.items() if status == "verified"}
    if rejected_figures or touched_figures or rejected_claims or verified or reliability != case.reliability:
        # The evidence or its weight changed: claims, ratings, notes and totals are made again.
        reviewed = recompute_claims(reviewed, reviewed.figures, settings, rejected_claims=rejected_claims,
                                    verified=verified)
    return dataclasses.replace(reviewed, claims=_annotate(reviewed.claims, claim_status, locks), reviews=records)


def _restore(r: Review, before_reject: dict[str, tuple[Any, dict[str, Any] | None]], figures: dict[str, Figure],
             quotes: dict[str, Quote], mentions: dict[str, Mention], records: dict[str, dict[str, Any]],
             rejected_figures: set[str]) -> None:
    """Undo a reject: the figure or quote, and its review record, as they were before it."""
    item, record = before_reject.pop(r.target, (None, None))
    if item is None:
        logger.warning("review %d: %s of %s, which was not rejected; skipped", r.seq, r.action, r.target)
        return
    if isinstance(item, Figure):
        figures[r.target] = item
        rejected_figures.discard(r.target)
    else:
        quotes[r.target] = item
    mentions[r.target] = item.mention
    if record is None:
        records.pop(r.target, None)
    else:
        records[r.target] = record


#: Claim review statuses in the review vocabulary every item shares.
_CLAIM_REVIEW = {"verified": "confirmed", "rejected": "rejected"}


def _record(records: dict[str, dict[str, Any]], r: Review, figure: Figure | None) -> None:
    """The review state of ``r.target`` after ``r`` (the latest review of an item decides)."""
    verb = r.action.split(".", 1)[1]
    if r.action == "claim.status":
        status = _CLAIM_REVIEW.get(str(r.after.get("status")))
        if status is None:  # "in review", "disputed", "unreviewed": no person's verdict (yet)
            records.pop(r.target, None)
            return
    elif r.action in ("claim.lock", "claim.unlock"):
        return
    else:
        status = {"confirm": "confirmed", "reject": "rejected"}.get(verb, "corrected")
    record: dict[str, Any] = {"status": status, "by": r.user, "at": r.at, "note": r.note or None, "action": r.action}
    if figure is not None and r.action == "figure.correct":
        machine = (records.get(r.target) or {}).get("corrected") or {}
        record["corrected"] = {k: {"machine": machine.get(k, {}).get("machine", getattr(figure, k)), "reviewed": v}
                               for k, v in r.after.items() if k in FIGURE_FIELDS}
    elif r.action == "quote.speaker":
        record["corrected"] = {k: {"reviewed": r.after.get(k)} for k in ("speaker", "speaker_label")}
    records[r.target] = record


def _apply_mark(r: Review, text: str, mentions: dict[str, Mention]) -> None:
    """One mark (or unmark) of identifying text applied to the working mentions."""
    try:
        start, end = int(r.after["start"]), int(r.after["end"])
    except (KeyError, TypeError, ValueError):
        logger.warning("review %d: %s without offsets; skipped", r.seq, r.action)
        return
    mid = mention_id(r.target, IDENTIFYING, start, end)
    if r.action == UNMARK:
        mentions.pop(mid, None)
        return
    if not 0 <= start < end <= len(text) or text[start:end] != r.after.get("text"):
        logger.warning("review %d: marked text is not in document %s any more; skipped", r.seq, r.target)
        return
    attrs = {k: r.after.get(k) for k in ("witness", "witness_kind", "label")}
    mentions[mid] = Mention(mid, r.target, start, end, IDENTIFYING, REVIEW_EXTRACTOR, text[start:end],
                            attrs | {"by": r.user, "at": r.at, "review_seq": r.seq})


def _follow_merges(mentions: dict[str, Mention], merged: dict[str, str]) -> None:
    """Marks tied to an entity that was merged away follow it into the entity it joined."""
    for mid, m in list(mentions.items()):
        if m.kind != IDENTIFYING or m.attrs.get("witness_kind") != "entity":
            continue
        anchor, seen = m.attrs.get("witness"), set()
        while anchor in merged and anchor not in seen:
            seen.add(anchor)
            anchor = merged[anchor]
        if anchor != m.attrs.get("witness"):
            mentions[mid] = dataclasses.replace(m, attrs={**m.attrs, "witness": anchor})


def _apply_quote(q: Quote, r: Review, entities: dict[str, Entity], mentions: dict[str, Mention]) -> Quote:
    """One quote review applied."""
    machine = {"speaker": q.speaker, "speaker_label": q.speaker_label}
    if r.action == "quote.confirm":
        return dataclasses.replace(q, mention=_stamp(q.mention, r, "confirmed"))
    if r.action == "quote.reject":
        return dataclasses.replace(q, speaker=None, speaker_label=None, speaker_mention_id=None,
                                   mention=_stamp(q.mention, r, "rejected", machine))
    evidence = r.after.get("evidence")
    speaker_mention = q.speaker_mention_id
    if evidence:
        mid = mention_id(q.mention.doc_id, "speaker", evidence["start"], evidence["end"])
        mentions[mid] = Mention(mid, q.mention.doc_id, evidence["start"], evidence["end"], "speaker",
                                REVIEW_EXTRACTOR, evidence["text"], {"review_seq": r.seq})
        speaker_mention = mid
    speaker = r.after.get("speaker")
    protected = q.protected or bool(speaker and speaker in entities and entities[speaker].protected)
    return dataclasses.replace(q, speaker=speaker, speaker_label=r.after.get("speaker_label"),
                               speaker_mention_id=speaker_mention, protected=protected,
                               mention=_stamp(q.mention, r, "corrected", machine, evidence))


def _apply_entity(r: Review, entities: dict[str, Entity], quotes: dict[str, Quote],
                  by_review: dict[str, set[str]]) -> None:
    """One entity review applied in place on the working dicts."""
    e = entities[r.target]
    why = f"{r.action} by {r.user} ({r.at})"
    if r.action == "entity.merge" and r.after.get("into") in entities:
        into = entities[r.after["into"]]
        aliases = tuple(dict.fromkeys(a for a in (*into.aliases, e.name, *e.aliases) if a != into.name))
        entities[into.id] = dataclasses.replace(
            into, aliases=aliases, mention_ids=tuple(dict.fromkeys(into.mention_ids + e.mention_ids)),
            protected=into.protected or e.protected, why=(*into.why, f"merged {e.id}: {why}"))
        del entities[e.id]
        for qid, q in quotes.items():
            if q.speaker == e.id:
                quotes[qid] = dataclasses.replace(q, speaker=into.id, protected=q.protected or e.protected)
    elif r.action == "entity.split":
        moved = tuple(m for m in r.after.get("mention_ids", ()) if m in e.mention_ids)
        new = Entity(r.after["id"], r.after["name"], e.type, (), moved, e.protected, (f"split from {e.id}: {why}",))
        rebuilt: dict[str, Entity] = {}
        for eid, other in entities.items():
            rebuilt[eid] = other
            if eid == e.id:
                rebuilt[eid] = dataclasses.replace(e, mention_ids=tuple(m for m in e.mention_ids if m not in moved))
                rebuilt[new.id] = new
        entities.clear()
        entities.update(rebuilt)
        for qid, q in quotes.items():
            if q.speaker == e.id and q.speaker_mention_id in moved:
                quotes[qid] = dataclasses.replace(q, speaker=new.id)
    elif r.action in ("entity.protect", "entity.unprotect"):
        protect = r.action == "entity.protect"
        entities[e.id] = dataclasses.replace(e, protected=protect, why=(*e.why, why))
        for qid, q in quotes.items():
            if protect and q.speaker == e.id and not q.protected:
                quotes[qid] = dataclasses.replace(q, protected=True)
                by_review.setdefault(e.id, set()).add(qid)
            elif not protect and qid in by_review.get(e.id, set()):
                # Only what a review protected is lifted; the machine's own marks stay.
                quotes[qid] = dataclasses.replace(q, protected=False)


def _annotate(claims: list[Claim], status: dict[str, tuple[str, Review]], locks: dict[str, Review]) -> list[Claim]:
    """Claims with their review status and lock stated in the note."""
    out = []
    for c in claims:
        review, lock = status.get(c.id), locks.get(c.id)
        notes = [c.note] if c.note else []
        if review:
            notes.append(f"Review: {review[0].replace('_', ' ')} ({review[1].user}, {review[1].at}).")
        if lock:
            notes.append(f"Locked by {lock.user}.")
        out.append(dataclasses.replace(c, note=" ".join(notes)))
    return out
