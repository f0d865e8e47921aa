"""Entities across the case: entity mentions of every document grouped into one entity each.

Grouping is by normalised name (dictionary look-ups, never a pairwise loop), and every
join records why it was made so a researcher can check it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corroborator.model import Entity, Mention

logger = logging.getLogger(__name__)

EXTRACTOR = "entities.resolve.v1"
_HONORIFICS = frozenset(
    "sir dame lord lady dr mr mrs ms miss prof professor president minister senator sen gov governor gen general "
    "col colonel capt captain sgt sheikh imam rev father".split()
)
# The small English model labels many outlets and groups as people; these words settle it.
_ORG_WORDS = frozenset(
    "gazeta gazette times news post journal herald tribune network foundation group agency ministry committee "
    "council union party association institute watch international bureau office service police army court "
    "university bank company corporation press tv radio channel".split()
)
_TYPE_GROUP = {"LOC": "GPE", "GPE": "GPE", "PERSON": "PERSON", "ORG": "ORG", "NORP": "NORP", "FAC": "FAC"}
_WORD = re.compile(r"[\w’'-]+")


def normalise_name(text: str) -> str:
    """A name's comparison key: case-folded words without honorifics, articles and possessives."""
    words = [w.strip("’'").casefold() for w in _WORD.findall(text)]
    words = [w[:-2] if w.endswith(("’s", "'s")) else w for w in words]
    while words and (words[0] in _HONORIFICS or words[0] == "the"):
        words = words[1:]
    return " ".join(words)


def entity_type(label_counts: Counter[str], names: Iterable[str]) -> str:
    """The entity's type: the most common label, corrected by organisation words in its names."""
    words = {w for name in names for w in normalise_name(name).split()}
    if words & _ORG_WORDS:
        return "ORG"
    return label_counts.most_common(1)[0][0]


@dataclass
class _Group:
    key: str
    mentions: list[Mention] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    why: list[str] = field(default_factory=list)

    def add(self, mention: Mention, label: str) -> None:
        self.mentions.append(mention)
        self.labels[label] += 1
        self.surfaces[mention.text.strip()] += 1


def resolve_entities(mentions: Sequence[Mention], protected_names: Iterable[str] = ()) -> tuple[list[Entity], dict[str, str]]:
    """Group entity mentions into case-wide entities.

    Args:
        mentions: Entity mentions (``attrs["label"]`` holds the NER label).
        protected_names: Names of protected witnesses; an entity bearing one is protected.

    Returns:
        The entities, and a map from mention id to entity id.
    """
    groups: dict[tuple[str, str], _Group] = {}
    for mention in mentions:
        label = _TYPE_GROUP.get(mention.attrs.get("label", ""), "")
        key = normalise_name(mention.text)
        if not label or not key:
            continue
        # Outlets mislabelled as people are grouped with organisations of the same name.
        if label == "PERSON" and set(key.split()) & _ORG_WORDS:
            label = "ORG"
        group = groups.setdefault((label, key), _Group(key))
        group.add(mention, mention.attrs.get("label", label))
    _merge_surnames(groups)
    _merge_across_types(groups)
    protected = {normalise_name(n) for n in protected_names if n}
    entities, by_mention = [], {}
    for (group_type, key), group in sorted(groups.items()):
        if not group.mentions:
            continue
        name = max(group.surfaces, key=lambda s: (len(normalise_name(s).split()), group.surfaces[s], -len(s)))
        etype = entity_type(group.labels, group.surfaces) if group_type != "PERSON" else "PERSON"
        entity_id = "ent-" + hashlib.sha1(f"{etype}|{key}".encode()).hexdigest()[:10]
        aliases = tuple(sorted(set(group.surfaces) - {name}))
        is_protected = any(normalise_name(s) in protected for s in group.surfaces)
        entities.append(Entity(entity_id, name, etype, aliases, tuple(m.id for m in group.mentions), is_protected,
                               tuple(group.why)))
        by_mention.update((m.id, entity_id) for m in group.mentions)
    return entities, by_mention


def _merge_surnames(groups: dict[tuple[str, str], _Group]) -> None:
    """Join a one-word person name to the one full name in the case that ends with it."""
    full_by_last: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (label, key) in groups:
        words = key.split()
        if label == "PERSON" and len(words) > 1:
            full_by_last[words[-1]].append((label, key))
            full_by_last[words[0]].append((label, key))
    for (label, key), group in list(groups.items()):
        if label != "PERSON" or " " in key:
            continue
        candidates = {c for c in full_by_last.get(key, []) if c != (label, key)}
        if len(candidates) == 1:
            target = groups[candidates.pop()]
            target.mentions.extend(group.mentions)
            target.labels.update(group.labels)
            target.surfaces.update(group.surfaces)
            target.why.append(f"“{next(iter(group.surfaces))}” is the only person in the case named “{target.key}”")
            del groups[(label, key)]


def _merge_across_types(groups: dict[tuple[str, str], _Group]) -> None:
    """Join groups of the same name under different labels into the majority label."""
    by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for label, key in groups:
        by_key[key].append((label, key))
    for key, variants in by_key.items():
        if len(variants) < 2 or {label for label, _ in variants} == {"NORP", "GPE"}:
            continue
        variants.sort(key=lambda v: -len(groups[v].mentions))
        target = groups[variants[0]]
        for other in variants[1:]:
            group = groups.pop(other)
            target.mentions.extend(group.mentions)
            target.labels.update(group.labels)
            target.surfaces.update(group.surfaces)
            target.why.append(f"the same name was also tagged {other[0]} {len(group.mentions)} time(s)")
