"""Which machine item each item of a redacted view is, by id, only where that is certain.

Redaction renumbers mentions from their new offsets, gives protected entities neutral
ids and drops the facts found inside protected testimony, so the redacted lists are
not the machine lists in step. Documents and quotes are never dropped and pair in
order. A mention pairs with the mention at the place redaction moved it to (see
:class:`~corroborator.web.align.Alignment`), a figure through its mention; entities,
claims and events through their ids as redaction rewrites them, or a protected entity
through its pseudonym. Anything that does not pair with exactly one item stays
unmapped, and the web app refuses to act on it for a redacted reader.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from corroborator.errors import CaseFileError
from corroborator.model import Case, Mention, mention_id
from corroborator.outputs.redact import Witnesses
from corroborator.web.align import Alignment

logger = logging.getLogger(__name__)

IdMaps = dict[str, dict[str, str]]


def id_maps(raw: Case, shown: Case, w: Witnesses, alignments: dict[str, Alignment]) -> IdMaps:
    """View id -> machine id per kind, for every item whose counterpart is certain.

    Args:
        raw: The corrected case, unredacted.
        shown: ``redact_case(raw)``.
        w: ``assign_pseudonyms(raw)``.
        alignments: Machine document id -> its alignment with the redacted text.

    Raises:
        CaseFileError: Redaction changed the number of documents or quotes.
    """
    maps: IdMaps = {k: {} for k in ("documents", "entities", "quotes", "figures", "claims", "events", "mentions")}
    for kind in ("documents", "quotes"):
        if len(getattr(raw, kind)) != len(getattr(shown, kind)):
            raise CaseFileError(f"redaction changed the number of {kind}; refusing to map ids")
    maps["documents"] = {y.id: x.id for x, y in zip(raw.documents, shown.documents)}
    doc_of = {x: y for y, x in maps["documents"].items()}
    maps["quotes"] = {y.mention.id: x.mention.id for x, y in zip(raw.quotes, shown.quotes)
                      if doc_of.get(x.mention.doc_id) == y.mention.doc_id}
    shown_ids = set(shown.mentions) | {q.mention.id for q in shown.quotes} | {f.mention.id for f in shown.figures}
    moved = _mover(w, alignments, doc_of, shown_ids)

    figures = {f.mention.id: f for f in shown.figures}
    for f in raw.figures:
        new = moved(f.mention)
        if new in figures and figures[new].value == f.value:
            maps["figures"][new] = f.mention.id
    for e in raw.entities:
        for m in (raw.mentions.get(i) for i in e.mention_ids):
            new = moved(m) if m is not None else None
            if new is not None:
                maps["mentions"][new] = m.id  # type: ignore[union-attr]
    maps["mentions"].update(maps["quotes"])
    maps["mentions"].update(maps["figures"])
    maps["entities"] = _entities(raw, shown, w, maps["mentions"])
    for kind in ("claims", "events"):
        maps[kind] = _by_key([x.id for x in getattr(raw, kind)], [y.id for y in getattr(shown, kind)], w.scrub)
    _log_unmapped(shown, maps)
    return maps


def _mover(w: Witnesses, alignments: dict[str, Alignment], doc_of: dict[str, str],
           shown_ids: set[str]) -> Callable[[Mention], str | None]:
    """A function giving the redacted id of a machine mention, or None if it is not certain."""
    def moved(m: Mention) -> str | None:
        """The id redaction gave ``m``: from its moved span, unless ids clashed there."""
        if m.id != mention_id(m.doc_id, m.kind, m.start, m.end):
            new: str | None = w.scrub(m.id)
        else:
            al, doc = alignments.get(m.doc_id), doc_of.get(m.doc_id)
            span = al.map_span(m.start, m.end) if al is not None and doc is not None else None
            new = mention_id(doc, m.kind, span[0], span[1]) if span is not None and doc is not None else None
        # Two mentions moved onto one span are told apart by a suffix whose order is not ours to guess.
        return new if new in shown_ids and f"{new}~2" not in shown_ids else None

    return moved


def _entities(raw: Case, shown: Case, w: Witnesses, mentions: dict[str, str]) -> dict[str, str]:
    """Entities: by rewritten id, a protected one by its pseudonym or its mentions."""
    plain = [e for e in raw.entities if e.id not in w.entities]
    out = _by_key([e.id for e in plain], [e.id for e in shown.entities], w.scrub)
    taken = set(out)
    witnesses = [e for e in shown.entities if e.id not in taken and e.name in w.entities.values()]
    by_name = Counter(e.name for e in witnesses)
    protected = [e for e in raw.entities if e.id in w.entities]
    raw_by_name = Counter(w.entities[e.id] for e in protected)
    for e in protected:
        pseudonym = w.entities[e.id]
        if raw_by_name[pseudonym] == 1 and by_name[pseudonym] == 1:
            out[next(y.id for y in witnesses if y.name == pseudonym)] = e.id
            continue
        # One witness, several entities: the redacted one whose mentions are all this one's.
        own = set(e.mention_ids)
        same = [y for y in witnesses if y.name == pseudonym and y.mention_ids
                and {mentions.get(i) for i in y.mention_ids} <= own]
        if len(same) == 1:
            out[same[0].id] = e.id
    return out


def _by_key(raw_ids: list[str], shown_ids: list[str], key: Callable[[str], str]) -> dict[str, str]:
    """Shown id -> raw id where exactly one raw id rewrites to a shown id."""
    keyed: dict[str, list[str]] = {}
    for i in raw_ids:
        keyed.setdefault(key(i), []).append(i)
    present = set(shown_ids)
    return {k: ids[0] for k, ids in keyed.items() if len(ids) == 1 and k in present}


def _log_unmapped(shown: Case, maps: IdMaps) -> None:
    """Say how many redacted items could not be paired (they cannot be reviewed redacted)."""
    counts = {"figures": sum(f.mention.id not in maps["figures"] for f in shown.figures),
              "entities": sum(e.id not in maps["entities"] for e in shown.entities),
              "claims": sum(c.id not in maps["claims"] for c in shown.claims)}
    if any(counts.values()):
        logger.warning("redacted items without a certain machine id (not reviewable redacted): %s", counts)
