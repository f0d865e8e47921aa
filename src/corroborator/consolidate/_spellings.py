"""One name under several spellings: Cyrillic and Latin, English and German romanisations.

Entity resolution groups mentions by their exact name key; these rules then join the
groups that :func:`corroborator.translit.same_name` says are one name ("Кадыров",
"Kadyrov", "Kadyrow"), and a surname alone to the one full name of the case that ends
in it in any spelling ("Кадыров" alone, "Ramzan Kadyrov" in full). Both rules join
groups of one type only and record a reason that says "transliteration".
:class:`ProtectedNames` protects a witness's name in every spelling.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, MutableMapping

from corroborator.consolidate._names import UnionFind, normalise_name
from corroborator.model import ProtectedPerson
from corroborator.translit import NameIndex, has_cyrillic, same_name, why_same

logger = logging.getLogger(__name__)

GroupKey = tuple[str, ...]


def join_spellings(sizes: Mapping[GroupKey, int], uf: UnionFind,
                   why: MutableMapping[GroupKey, Counter[str]]) -> int:
    """Join the ``(type, name key)`` groups that are one name written differently.

    Args:
        sizes: Every group key with its number of mentions; only ``(type, key)`` groups
            take part (a protected witness's ``(type, key, doc)`` group never does).
        uf: The resolver's union-find over group keys; joined groups are unioned in it.
        why: Reasons by group key; the kept group gets one per join.

    Returns:
        How many joins were made.
    """
    groups = sorted(gk for gk in sizes if len(gk) == 2)
    names: NameIndex[GroupKey] = NameIndex()
    for gk in groups:
        names.add(gk[1], gk)
    matches = {gk: sorted(o for o in names.find(gk[1]) if o != gk and uf.find(o)[0] == uf.find(gk)[0])
               for gk in groups}
    # "Alimov" is Алимов or Алымов: a spelling that fits two names of the case joins neither (nor them).
    ambiguous = {gk for gk, found in matches.items() if _two_names(found, uf)}
    joined = 0
    for gk in groups:
        for other in matches[gk] if gk not in ambiguous else ():
            if other not in ambiguous:
                joined += _join(gk, other, sizes, uf, why, why_same(_shown(gk[1]), _shown(other[1])))
    # A surname alone is the one person of the case whose full name ends in it, in any spelling.
    surnames: NameIndex[GroupKey] = NameIndex()
    for gk in groups:
        if uf.find(gk)[0] == "PERSON" and " " in gk[1]:
            surnames.add(gk[1].rsplit(" ", 1)[1], gk)
    for gk in groups:
        if " " in gk[1] or uf.find(gk)[0] != "PERSON":
            continue
        found = surnames.find(gk[1])
        if len({uf.find(o) for o in found}) == 1:
            full = min(found, key=lambda o: (has_cyrillic(o[1]) != has_cyrillic(gk[1]), o))
            joined += _join(full, gk, sizes, uf, why, f"“{_shown(gk[1])}” is the surname of {_shown(full[1])}, "
                            "the only person of the case with that surname in any spelling (transliteration)")
    if joined:
        logger.info("joined %d name groups written in other scripts or romanisations", joined)
    return joined


class ProtectedNames:
    """The names of protected witnesses: everywhere (a bare name) or in their own report."""

    def __init__(self, protected: Iterable[str | ProtectedPerson]) -> None:
        self.everywhere: set[str] = set()
        self.in_report: dict[str, set[str]] = defaultdict(set)
        # "Заур" protected and "Zaur" written: another spelling is protected too ("" is every report).
        self.spellings: NameIndex[str] = NameIndex()
        for p in protected:
            if isinstance(p, ProtectedPerson):
                keys = {normalise_name(n) for n in (p.label, *p.names) if n}
                self.in_report[p.doc_id].update(keys)
                for key in keys:
                    self.spellings.add(key, p.doc_id)
            elif p:
                self.everywhere.add(normalise_name(p))
                self.spellings.add(normalise_name(p), "")

    def names(self, doc_id: str, key: str, text_key: str) -> bool:
        """Whether a name (its key, and the key of its text as written) in ``doc_id`` is a protected witness's.

        Another spelling counts even for a short name: protecting too much is the safe side.
        """
        scoped = self.in_report.get(doc_id, ())
        if key in self.everywhere or key in scoped or text_key in self.everywhere or text_key in scoped:
            return True
        found = self.spellings.find(key, min_single=1) if self.spellings else set()
        return "" in found or doc_id in found


def _two_names(found: list[GroupKey], uf: UnionFind) -> bool:
    """True when ``found`` holds two groups that are not one name (nor one entity already)."""
    return any(uf.find(a) != uf.find(b) and not same_name(a[1], b[1]) for i, a in enumerate(found)
               for b in found[i + 1:])


def _join(a: GroupKey, b: GroupKey, sizes: Mapping[GroupKey, int], uf: UnionFind,
          why: MutableMapping[GroupKey, Counter[str]], reason: str) -> int:
    """Union the groups of ``a`` and ``b`` when their types agree; 1 if they were joined."""
    ra, rb = uf.find(a), uf.find(b)
    if ra == rb or ra[0] != rb[0]:
        return 0
    # The Latin-script group stays the root, so an English case keeps its entity ids.
    keep, drop = sorted((ra, rb), key=lambda g: (has_cyrillic(g[1]), -sizes.get(g, 0), g))
    uf.union(keep, drop)
    why[keep][reason] += 1
    return 1


def _shown(key: str) -> str:
    """A name key as a reason shows it: "рамзан кадыров" -> "Рамзан Кадыров"."""
    return " ".join(w[:1].upper() + w[1:] for w in key.split())
