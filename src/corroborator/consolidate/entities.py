"""Entities across the case: entity mentions of every document grouped into one entity each.

Grouping is by name key (dictionary look-ups, never a pairwise loop over mentions) and
then by rules a researcher can check, each recorded in ``Entity.why``:

- the same name under several NER labels is one entity of the majority type;
- a person's surname alone joins the one person of the same report (else of the whole
  case) named in full with it, even when NER labelled it ORG or GPE;
- NER's PERSON becomes ORG when the text says so: "newspaper X", "the X", "X, the paper",
  a name shaped like an organisation ("... Times", "... Network") or an outlet's name;
- an acronym joins the organisation whose initials it is; "LGBT Network" joins the one
  "Russian LGBT Network";
- titles ("Chechen president Ramzan Kadyrov") and appositions ("X, the paper") become
  aliases and mentions, and a title used alone ("the Chechen leader") is a mention of
  the one person who bears it in the case;
- a definite description ("The network reported") is a mention of the organisation it
  names in its report, else of the one organisation of the case it fits, else of the
  organisation the sentence before is about; it never joins two organisations (a
  shared word such as "LGBT" is no evidence that two names are one);
- one name in two scripts or romanisations ("Кадыров", "Kadyrov", "Kadyrow") is one
  entity, and a surname alone joins the one full name of the case in any spelling
  (:mod:`~corroborator.consolidate._spellings`). A mention's ``attrs["lemma"]`` (the
  name in the nominative, "Рамзан Кадыров" for "Рамзана Кадырова") is its name when
  given; the entity is named by its most complete name, a Latin one first.

Protected witnesses are grouped within their own document only and never joined by
these rules.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from corroborator.consolidate import _context as ctx
from corroborator.consolidate._names import ORG_HEADS, ORG_NOUNS, UnionFind, initials, normalise_name, org_by_shape
from corroborator.consolidate._spellings import ProtectedNames, join_spellings
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document, Entity, Mention, ProtectedPerson, mention_id, span_in_noise
from corroborator.translit import NameIndex, has_cyrillic, romanise

logger = logging.getLogger(__name__)

EXTRACTOR = "entities.resolve.v1"
_TYPE_GROUP = {"LOC": "GPE", "GPE": "GPE", "PERSON": "PERSON", "ORG": "ORG", "NORP": "NORP", "FAC": "FAC"}
_COMPLEMENT = re.compile(r"\b(?:for|of|to|from|with|by|at|about)\s+(?:the\s+)?$", re.I)

GroupKey = tuple[str, ...]
#: The cues of the many mentions with no alias and no describing noun (shared, never changed).
_NO_CUES = ctx.Cues()


@dataclass(frozen=True)
class EntityResolution:
    """Entities of a case, which entity each mention belongs to, and the mentions made here."""

    entities: list[Entity]
    by_mention: dict[str, str]
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class _Item:
    mention: Mention
    label: str
    key: str
    kind: str = ""
    cues: ctx.Cues | None = None
    lemma: str = ""
    protected: bool = False


def resolve_entities(mentions: Sequence[Mention], protected_names: Iterable[str | ProtectedPerson] = (),
                     documents: Sequence[Document] = ()) -> tuple[list[Entity], dict[str, str]]:
    """Group entity mentions into case-wide entities.

    Args:
        mentions: Entity mentions (``attrs["label"]`` holds the NER label).
        protected_names: Names of protected witnesses (or :class:`ProtectedPerson`
            records, which limit the name to their document).
        documents: The documents, for the context rules; without them only names count.

    Returns:
        The entities, and a map from mention id to entity id.
    """
    result = resolve_case_entities(mentions, documents, protected_names)
    return result.entities, result.by_mention


def resolve_case_entities(mentions: Sequence[Mention], documents: Sequence[Document] = (),
                          protected: Iterable[str | ProtectedPerson] = ()) -> EntityResolution:
    """Group entity mentions into entities and add the title and description mentions.

    Args:
        mentions: Entity mentions from NER; mentions this resolver made earlier are ignored.
        documents: The documents the mentions point into.
        protected: Protected witness names or records.

    Returns:
        Entities (with aliases, mention ids and ``why``), the mention-to-entity map and
        the new mentions (``extractor`` :data:`EXTRACTOR`) the caller should store.
    """
    return _Resolver(mentions, documents, protected).run()


class _Resolver:
    """One resolution run; state is dictionaries keyed by name, document or group."""

    def __init__(self, mentions: Sequence[Mention], documents: Sequence[Document],
                 protected: Iterable[str | ProtectedPerson]) -> None:
        self.docs = {d.id: d for d in documents}
        self.protected = ProtectedNames(protected)
        self.items: list[_Item] = []
        for m in mentions:
            label = _TYPE_GROUP.get(m.attrs.get("label", ""), "")
            lemma = m.attrs.get("lemma")
            lemma = " ".join(lemma.split()) if isinstance(lemma, str) else ""
            # Names repeat across a case: one string per name, not per mention.
            key = sys.intern(normalise_name(lemma or m.text))
            if m.kind == "entity" and m.extractor != EXTRACTOR and label and key and not self._in_noise(m):
                item = _Item(m, label, key, lemma=lemma)
                item.protected = self.protected.names(m.doc_id, key, normalise_name(m.text) if lemma else key)
                self.items.append(item)
        self.assign: dict[str, GroupKey] = {}
        self.why: dict[GroupKey, Counter[str]] = defaultdict(Counter)
        self.uf = UnionFind()
        self.extra: dict[str, tuple[Mention, GroupKey]] = {}
        self.known_ids = {item.mention.id for item in self.items}
        self._keys: dict[GroupKey, GroupKey] = {}  # one tuple per group key, shared by its mentions

    def _in_noise(self, m: Mention) -> bool:
        """Whether a mention lies in a caption, credit, teaser or other noise (a headline is the report's own):
        noise feeds no entity and no alias ("JUSTIN" of a photo credit, a 2006 caption's title)."""
        doc = self.docs.get(m.doc_id)
        noise = doc.in_noise(m.start, m.end) if doc is not None else None
        return noise is not None and noise.kind not in OWN_TEXT_NOISE_KINDS

    def run(self) -> EntityResolution:
        """All the rules, in order, then the entities."""
        self._decide_types()
        self._resolve_short_names()
        self._merge_same_names()
        join_spellings(Counter(self.assign.values()), self.uf, self.why)
        if self.docs:
            self._context_mentions()
        return self._build()

    # -- types and first groups ------------------------------------------------------
    def _decide_types(self) -> None:
        """Type of every mention: NER's label, corrected by the case's cues; first group keys."""
        outlets = set()
        for doc in self.docs.values():
            if doc.outlet:
                outlets.add(normalise_name(doc.outlet))
                outlets.update(normalise_name(part) for part in doc.outlet.replace(")", "").split("(") if part.strip())
        outlet_spellings: NameIndex[str] = NameIndex()
        for outlet in outlets:
            outlet_spellings.add(outlet, outlet)
        org_votes: Counter[str] = Counter()
        person_votes: Counter[str] = Counter()
        for item in self.items:
            doc = self.docs.get(item.mention.doc_id)
            if doc is not None:
                cues = ctx.mention_cues(doc, item.mention, item.label)
                org_votes[item.key] += cues.org
                person_votes[item.key] += cues.person
                item.cues = cues if cues.aliases or cues.heads else _NO_CUES
        for item in self.items:
            item.kind = item.label
            outlet = item.label == "PERSON" and (item.key in outlets
                                                 or bool(outlets and outlet_spellings.find(item.key)))
            if item.label == "PERSON" and (org_by_shape(item.key) or outlet
                                           or org_votes[item.key] > person_votes[item.key]):
                item.kind = "ORG"
                self.why[("ORG", item.key)][_why_org(item.key, outlet, org_votes[item.key])] += 1
            self.assign[item.mention.id] = self._group_key(item)

    def _group_key(self, item: _Item) -> GroupKey:
        """``(type, key)``, or ``(type, key, doc)`` for a protected witness."""
        gk = ("PERSON", item.key, item.mention.doc_id) if item.kind == "PERSON" and item.protected else (
            item.kind, item.key)
        return self._keys.setdefault(gk, gk)

    def _resolve_short_names(self) -> None:
        """Surnames to full names (same report first, then the case); acronyms and short org names."""
        doc_names: dict[tuple[str, str], set[str]] = defaultdict(set)
        case_last: dict[str, set[str]] = defaultdict(set)
        full_counts: Counter[str] = Counter()
        label_counts: Counter[tuple[str, str]] = Counter()
        doc_orgs: dict[tuple[str, str], set[str]] = defaultdict(set)
        case_initials: dict[str, set[str]] = defaultdict(set)
        org_suffixes: dict[str, set[str]] = defaultdict(set)
        for item in self.items:
            words, doc_id = item.key.split(), item.mention.doc_id
            label_counts[(item.key, item.kind)] += 1
            if item.kind == "PERSON" and len(words) > 1 and not item.protected:
                doc_names[(doc_id, words[-1])].add(item.key)
                doc_names[(doc_id, words[0])].add(item.key)
                case_last[words[-1]].add(item.key)
                full_counts[words[-1]] += 1
            elif item.kind == "ORG" and len(words) > 1:
                doc_orgs[(doc_id, initials(item.key))].add(item.key)
                case_initials[initials(item.key)].add(item.key)
                for i in range(1, len(words) - 1):
                    org_suffixes[" ".join(words[i:])].add(item.key)
        for item in self.items:
            if item.protected:
                continue
            key, doc_id, surface = item.key, item.mention.doc_id, item.mention.text.strip()
            if " " not in key and item.kind == "PERSON":
                target, where = _unique(doc_names.get((doc_id, key))), "named in full in the same report"
                if target is None and not doc_names.get((doc_id, key)):
                    target, where = _unique(case_last.get(key)), "the only person of the case with that name"
                if target:
                    self._move(item, ("PERSON", target), f"“{surface}” is {_title(target)}, {where}")
            elif " " not in key and item.kind in ("ORG", "GPE", "FAC"):
                target = _unique(doc_names.get((doc_id, key)))
                if target and target.endswith(key) and label_counts[(key, item.kind)] <= full_counts[key]:
                    self._move(item, ("PERSON", target),
                               f"“{surface}” was labelled {item.kind}, but it is the surname of {_title(target)}, "
                               "named in full in the same report")
                elif item.kind == "ORG" and surface.isupper() and len(key) > 1:
                    target = _unique(doc_orgs.get((doc_id, key))) or _unique(case_initials.get(key))
                    if target:
                        self._move(item, ("ORG", target), f"“{surface}” is the acronym of {_title(target)}")
            elif item.kind == "ORG" and key in org_suffixes:
                target = _unique(org_suffixes[key])
                if target:
                    self._move(item, ("ORG", target), f"“{surface}” is the shorter name of {_title(target)}")

    def _move(self, item: _Item, target: GroupKey, why: str) -> None:
        item.kind = target[0]
        self.assign[item.mention.id] = target
        self.why[target][why] += 1

    def _merge_same_names(self) -> None:
        """One name under several labels is one entity, of the type most mentions give it."""
        sizes: Counter[GroupKey] = Counter(self.assign.values())
        by_key: dict[str, list[GroupKey]] = defaultdict(list)
        for gk in sizes:
            if len(gk) == 2:
                by_key[gk[1]].append(gk)
        for variants in by_key.values():
            if len(variants) < 2 or {gk[0] for gk in variants} == {"NORP", "GPE"}:
                continue
            variants.sort(key=lambda gk: (-sizes[gk], gk))
            for other in variants[1:]:
                if self.uf.union(variants[0], other):
                    self.why[variants[0]][f"the same name was also labelled {other[0]} {sizes[other]} time(s)"] += 1

    # -- mentions the context adds ---------------------------------------------------
    def _context_mentions(self) -> None:
        """Aliases from titles and appositions, titles used alone, definite descriptions."""
        titles: dict[str, set[GroupKey]] = defaultdict(set)
        heads: dict[str, set[GroupKey]] = defaultdict(set)
        orgs_in_doc: dict[str, list[tuple[int, int, GroupKey]]] = defaultdict(list)
        for item in self.items:
            gk = self.uf.find(self.assign[item.mention.id])
            doc = self.docs.get(item.mention.doc_id)
            if doc is None or item.cues is None:
                continue
            for start, end, via in item.cues.aliases:
                self._add(doc, start, end, gk, via)
                if via == "title":
                    titles[ctx.title_key(doc.text[start:end])].add(gk)
            if gk[0] == "ORG":
                orgs_in_doc[doc.id].append((item.mention.start, item.mention.end, gk))
                last = gk[1].split()[-1]
                if last in ORG_NOUNS or last in ORG_HEADS:
                    heads[last].add(gk)
                for head in item.cues.heads:
                    heads[head].add(gk)
        # A title borne by one person in the case names them alone; a protected witness's never does.
        unique = {tuple(t.split()): next(iter(owners)) for t, owners in titles.items()
                  if len(owners) == 1 and len(t.split()) >= 2 and len(next(iter(owners))) == 2}
        for doc in self.docs.values():
            for start, end, title in ctx.find_titles(doc, unique):
                owner = next(iter(titles[title]))
                if self._add(doc, start, end, owner, "title_reference"):
                    self.why[owner][f"the title “{title}” is borne by no one else in the case"] += 1
            orgs = sorted(orgs_in_doc.get(doc.id, []))
            self._descriptions(doc, orgs, heads)

    def _descriptions(self, doc: Document, orgs: list[tuple[int, int, GroupKey]],
                      heads: Mapping[str, set[GroupKey]]) -> None:
        """Resolve "the paper", "The network" ... of one document."""
        sents: list[tuple[int, int]] | None = None
        starts = [o[0] for o in orgs]
        for start, end, head in ctx.descriptions(doc):
            k = bisect.bisect_left(starts, start)
            if k < len(orgs) and orgs[k][0] < end or k and orgs[k - 1][1] > start:
                continue  # part of a name NER found ("The Network" as a name)
            fits = {self.uf.find(gk) for gk in heads.get(head, ())}
            local = next((self.uf.find(o[2]) for o in reversed(orgs[:k]) if self.uf.find(o[2]) in fits), None)
            if local is not None:
                self._add(doc, start, end, local, "description")
                continue
            sents = sents if sents is not None else ctx.sentence_starts(doc)
            antecedent = ctx.previous_sentence_subject(sents, orgs, start)
            antecedent = self.uf.find(antecedent) if antecedent is not None else None
            target = next(iter(fits)) if len(fits) == 1 else None
            # A description that refers back to one organisation but fits only another ("The LGBT
            # Foundation ... The network") is the one it fits: a shared word is no reason to join the two.
            if target is None:
                target = antecedent
            if target is not None:
                self._add(doc, start, end, target, "description")

    def _add(self, doc: Document, start: int, end: int, gk: GroupKey, via: str) -> bool:
        """Make a mention of the group for ``doc.text[start:end]``; False if it exists."""
        mid = mention_id(doc.id, "entity", start, end)
        if mid in self.known_ids or mid in self.extra:
            return False
        attrs: dict[str, object] = {"label": gk[0], "via": via}
        if span_in_noise(doc.noise, start, end):
            attrs["in_noise"] = True
        self.extra[mid] = (Mention(mid, doc.id, start, end, "entity", EXTRACTOR, doc.text[start:end], attrs), gk)
        return True

    # -- entities ----------------------------------------------------------------------
    def _build(self) -> EntityResolution:
        """One entity per group root, named by its most complete name."""
        members: dict[GroupKey, list[_Item]] = defaultdict(list)
        for item in self.items:
            members[self.uf.find(self.assign[item.mention.id])].append(item)
        added: dict[GroupKey, list[Mention]] = defaultdict(list)
        for mention, gk in self.extra.values():
            added[self.uf.find(gk)].append(mention)
        why: dict[GroupKey, Counter[str]] = defaultdict(Counter)
        for gk, reasons in self.why.items():
            why[self.uf.find(gk)].update(reasons)
        entities, by_mention, taken = [], {}, set()
        for root in sorted(members):
            items = members[root]
            surfaces = Counter(i.lemma or " ".join(i.mention.text.split()) for i in items)
            name = _best_name(surfaces)
            extra_texts = {" ".join(m.text.split()) for m in [*added.get(root, []), *(i.mention for i in items)]}
            aliases = tuple(sorted({a for a in set(surfaces) | extra_texts if a.casefold() != name.casefold()}))
            entity_id = "ent-" + hashlib.sha1("|".join(root).encode()).hexdigest()[:10]
            while entity_id in taken:
                entity_id = "ent-" + hashlib.sha1(entity_id.encode()).hexdigest()[:10]
            taken.add(entity_id)
            mention_ids = tuple(i.mention.id for i in items) + tuple(m.id for m in added.get(root, []))
            reasons = tuple(r if n == 1 else f"{r} (×{n})" for r, n in sorted(why.get(root, Counter()).items()))
            protected = any(len(self.assign[i.mention.id]) == 3 for i in items)
            entities.append(Entity(entity_id, name, root[0], aliases, mention_ids, protected, reasons))
            by_mention.update(dict.fromkeys(mention_ids, entity_id))
        new = [m for m, gk in self.extra.values() if self.uf.find(gk) in members]
        logger.info("resolved %d entity mentions into %d entities (+%d context mentions)",
                    len(self.items), len(entities), len(new))
        return EntityResolution(entities, by_mention, new)


def speaker_entities(quote_speakers: Iterable[tuple[str, str]], mentions: Mapping[str, Mention],
                     by_mention: Mapping[str, str]) -> dict[str, str | None]:
    """The entity of each quote's speaker mention: directly, or the entity mention inside its span.

    Args:
        quote_speakers: ``(quote mention id, speaker mention id)`` pairs.
        mentions: Every mention of the case by id (to find a speaker span's document).
        by_mention: Entity mention id to entity id.

    Returns:
        Quote mention id to entity id, or None when no entity names the speaker.
    """
    by_doc: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for mid, entity_id in by_mention.items():
        m = mentions.get(mid)
        if m is not None:
            by_doc[m.doc_id].append((m.start, m.end, entity_id))
    for spans in by_doc.values():
        spans.sort()
    result: dict[str, str | None] = {}
    for quote_id, speaker_id in quote_speakers:
        found = by_mention.get(speaker_id)
        speaker = mentions.get(speaker_id)
        if found is None and speaker is not None:
            spans = by_doc.get(speaker.doc_id, [])
            k = bisect.bisect_left(spans, (speaker.start, -1, ""))
            # "FCO minister Sir Alan Duncan" is Duncan; "A spokesperson for Kadyrov" is not Kadyrov.
            inside = [s for s in spans[k:k + 8] if s[0] < speaker.end and s[1] <= speaker.end
                      and not _COMPLEMENT.search(speaker.text[:s[0] - speaker.start])]
            found = max(inside, key=lambda s: s[1] - s[0])[2] if inside else None
        result[quote_id] = found
    return result


def _best_name(names: Counter[str]) -> str:
    """The most complete name, a Latin one first when it is a full name (else the most complete); among
    Latin spellings of a Russian name, the English news one ("Novaya Gazeta", not "Novaja Gazeta")."""
    if len(names) == 1:
        return next(iter(names))
    size = {s: len(normalise_name(s).split()) for s in names}
    widest = max(size.values())
    news = {romanise(s).casefold() for s in names if has_cyrillic(s)}
    return max(names, key=lambda s: (not has_cyrillic(s) and (size[s] == widest or size[s] > 1), size[s],
                                     s.casefold() in news, names[s], s[:1].isupper(), -len(s)))


def _unique(keys: set[str] | None) -> str | None:
    """The one key of a set, or None when there are none or several."""
    return next(iter(keys)) if keys and len(keys) == 1 else None


def _title(key: str) -> str:
    """A key shown in a reason: "ramzan kadyrov" -> "Ramzan Kadyrov"."""
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in key.split())


def _why_org(key: str, outlet: bool, votes: int) -> str:
    """Why a name NER tagged as a person is an organisation."""
    if outlet:
        return f"“{_title(key)}” is the name of an outlet of the case, not a person"
    if org_by_shape(key):
        return f"“{_title(key)}” is shaped like an organisation's name, not a person's"
    cues = "“the …”, “newspaper …”, “…, the paper”"
    return f"“{_title(key)}” is written as an organisation ({votes} cue(s): {cues})"
