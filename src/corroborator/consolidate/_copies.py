"""Figures of copies: a near-duplicate's figure that its original also states adds nothing.

A copy (syndication, a reposted article) repeats its original's text, and with it the
original's figures. Such a figure is found by its line: the copy's line that holds the
figure appears word for word in the original, at a known offset, so the original's
figure at the same place is the one it repeats. Then:

- the original has a usable figure there: the copy's figure is a *copy* of it, grouped
  with it in its claim but adding no claim, source or weight of its own;
- the original has no usable figure there (its reader marked that line as a teaser or
  caption, or read no count in it): the copies holding the line decide by majority.
  When most of them read no figure there, the copy's figure is *dropped*, so one copy's
  different layout never turns its original's noise into a claim; when most read one,
  the first of them stands for the rest;
- the line is not in the original (the copy's own addition or rewording): the figure is
  the copy's own, and counts like any other.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from corroborator.model import Document, Figure

logger = logging.getLogger(__name__)


@dataclass
class CopyMap:
    """What copies' figures repeat: ``copy_of[copy figure id] = original figure id``; ``dropped`` ids
    are figures of copies whose original reads the same line as no usable figure."""

    copy_of: dict[str, str] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)

    def copies(self) -> dict[str, list[str]]:
        """Copy figure ids by the figure they repeat, in id order."""
        found: dict[str, list[str]] = {}
        for copy_id, original_id in sorted(self.copy_of.items()):
            found.setdefault(original_id, []).append(copy_id)
        return found


def find_copies(figures: Iterable[Figure], originals: Mapping[str, str], documents: Mapping[str, Document],
                usable: set[str]) -> CopyMap:
    """Match the figures of copies to the figures of their originals.

    Args:
        figures: Every figure of the case.
        originals: The original of each near-duplicate document, by document id.
        documents: The case's documents by id (their text is read).
        usable: Ids of the figures that may form claims (not noise, not aggregates).

    Returns:
        Which figures of copies repeat which figures, and which are dropped.
    """
    figures = list(figures)
    at = {(f.mention.doc_id, f.mention.start, f.mention.end): f.mention.id for f in figures}
    result = CopyMap()
    # Figures of copies at a place where the original reads none, with the line that holds them.
    unread: dict[tuple[str, int, int], list[tuple[str, str]]] = defaultdict(list)
    for f in figures:
        m = f.mention
        original_id = originals.get(m.doc_id)
        if original_id is None or original_id == m.doc_id or m.id not in usable:
            continue
        copy_doc, original = documents.get(m.doc_id), documents.get(original_id)
        if copy_doc is None or original is None:
            continue
        line, line_start = _line(copy_doc.text, m.start, m.end)
        places = _places(line, line_start, original.text, m.start, m.end)
        if not places:
            continue  # the copy's own words: its own figure
        repeated = [at[(original_id, *p)] for p in places if at.get((original_id, *p)) in usable]
        if repeated:
            result.copy_of[m.id] = repeated[0]
        else:
            unread[(original_id, *places[0])].append((m.id, line))
    if unread:
        members: dict[str, list[str]] = defaultdict(list)
        for doc_id, original_id in originals.items():
            if original_id != doc_id and doc_id in documents:
                members[original_id].append(doc_id)
        for (original_id, _, _), found in unread.items():
            # The original reads no figure there; its copies decide. Most of those holding the line read
            # one (the original's layout differs), or most do not (a teaser the original marks as such).
            line = found[0][1]
            holding = 1 + sum(line in documents[d].text for d in members[original_id])
            ids = sorted(i for i, _ in found)
            if 2 * len(ids) > holding:
                result.copy_of.update((i, ids[0]) for i in ids[1:])
            else:
                result.dropped.update(ids)
    if result.copy_of or result.dropped:
        logger.info("%d figure(s) of copies repeat another's; %d dropped, their originals read none there",
                    len(result.copy_of), len(result.dropped))
    return result


def _line(text: str, start: int, end: int) -> tuple[str, int]:
    """The line of ``text`` that holds ``text[start:end]``, and where it starts."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start:len(text) if line_end < 0 else line_end], line_start


def _places(line: str, line_start: int, original: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where the span ``[start, end)`` of a copy's ``line`` is in ``original`` (every place, for a line
    the original repeats)."""
    places: list[tuple[int, int]] = []
    if not line.strip():
        return places
    found = original.find(line)
    while found >= 0:
        offset = found + start - line_start
        places.append((offset, offset + end - start))
        found = original.find(line, found + 1)
    return places
