"""Protected people: witnesses who speak anonymously or under a pseudonym.

"Never expose a witness" starts here. :func:`detect_cues` finds the text that says
someone is anonymous or pseudonymous: "on the condition of anonymity", "choosing to
remain anonymous", "asked not to be named", "using the pseudonym X", "gave his name only
as X", "X (not her real name)", and asterisked names ("'Omar'*") when a footnote line
such as "*The name has been changed to protect the person's identity" declares them.
Cues are searched in the whole text, footers included: a footnote is exactly where a
pseudonym is declared.

:class:`People` keeps the people one document talks about while the quote extractor
walks it, links every cue to the person it describes (the noun before "who ...", the
speaker of a quote in the same sentence, or an unnamed sentence subject), and at the end
labels the protected ones: the pseudonym if any, else "anonymous witness 1", "anonymous
witness 2" ... in order of first appearance. Unnamed private people who speak (a
survivor, "one person who was arrested") are protected even without a cue; named people,
officials, spokespeople and groups never are unless a cue is attached to them.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from corroborator.extract._speakers import (
    ASTERISK_NAME,
    DETERMINERS,
    GROUP_NOUNS,
    SPEAKING,
    Phrase,
    parse_subject_before,
)
from corroborator.model import Document, Mention, ProtectedPerson, mention_id

logger = logging.getLogger(__name__)

EXTRACTOR = "quotes.rules.v1"
_SURVIVOR_HEADS = frozenset("survivor witness victim detainee prisoner refugee".split())
_NON_PERSON_ENTITIES = ("ORG", "GPE", "NORP", "FAC", "LOC")


@dataclass(frozen=True)
class ProtectionCue:
    """Text saying someone is anonymous or pseudonymous, with the pseudonym if any."""

    start: int
    end: int
    kind: str  # "anonymous" | "pseudonym" | "footnote"
    name: str | None = None


_NAME = r"[\"'“‘]?(?P<name>[^\W\d_][\w’'-]*(?:[ ][^\W\d_][\w’'-]*)?)"
_PSEUDONYM = re.compile(
    r"\b(?P<key>(?:using|under|with|by|uses|gave|given|giving)\s+(?:the\s+|a\s+|his\s+|her\s+|their\s+)?"
    r"(?:pseudonym|alias|assumed name|false name|fake name|nom de guerre)|(?:(?:his|her|their)\s+)?(?:first\s+)?"
    r"name\s+(?:only\s+)?as|known\s+only\s+as|identified\s+(?:only\s+)?(?:as|by)|(?:only|first)\s+name)"
    r"(?:\s+of)?,?\s+(?:(?:his|her|their)\s+(?:first\s+)?name,?\s+)?" + _NAME, re.I)
_PSEUDONYM_AFTER = re.compile(
    r"\b(?P<name>[^\W\d_][\w’'-]*)[\"'”’]?\s*[(,]\s*(?:not\s+(?:his|her|their)\s+real\s+name|a\s+pseudonym|"
    r"an\s+alias|names?\s+(?:has|have)\s+been\s+changed|name\s+changed)")
_ANONYMOUS = re.compile(
    r"\b(?:anonymity|anonymously|(?:remain(?:ing|s|ed)?\s+)?anonymous|(?:declined|asked|refused|wished|wanted|did "
    r"not want|didn’t want|didn't want|not wanting|preferred|agreed)\s+(?:not\s+)?to\s+be\s+(?:named|identified)|"
    r"(?:asked|requested)\s+that\s+(?:his|her|their)\s+(?:full\s+|real\s+)?(?:names?|identit(?:y|ies))\s+(?:not|be\s+"
    r"withheld)(?:\s+be\s+\w+)?|(?:names?|identit(?:y|ies))\s+(?:has|have|had|was|were)\s+been\s+(?:changed|withheld|"
    r"altered)|to\s+protect\s+(?:his|her|their|the\s+\w+[’']s)\s+identit(?:y|ies)|not\s+(?:his|her|their)\s+real\s+"
    r"name|withheld\s+(?:his|her|their)\s+(?:names?|identit(?:y|ies)))", re.I)
_HINT = re.compile(r"anonym|pseudonym|alias|name|identif|identit|guerre", re.I)
_FOOTNOTE = re.compile(r"^[ \t]*\*+[ \t]*\S.*$", re.M)


def detect_cues(view: str) -> list[ProtectionCue]:
    """Every protection cue in ``view`` (the normalised text), sorted by position.

    Args:
        view: ``corroborator.text.normalized(doc.text)``; offsets are those of the text.

    Returns:
        The cues; pseudonym cues carry the pseudonym in ``name``.
    """
    cues: list[ProtectionCue] = []
    # Full patterns run only near a hint word: most text has no cue, and the scan is what costs.
    windows: list[list[int]] = []
    for hint in _HINT.finditer(view):
        lo, hi = max(0, hint.start() - 160), min(len(view), hint.end() + 160)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        _window_cues(view, lo, hi, cues)
    notes = [f for f in _FOOTNOTE.finditer(view) if _ANONYMOUS.search(f.group()) or "pseudonym" in f.group().lower()]
    for note in notes:
        start = note.start() + len(note.group()) - len(note.group().lstrip())
        cues.append(ProtectionCue(start, note.end(), "footnote"))
    if notes:
        for star in ASTERISK_NAME.finditer(view):
            line_start = view.rfind("\n", 0, star.start()) + 1
            # "*The name has been changed" opens a line; a marked name never does.
            if star.group(1)[0].isupper() and view[line_start: star.start()].strip():
                cues.append(ProtectionCue(star.start(1), star.end(1), "pseudonym", star.group(1)))
    cues = sorted(set(cues), key=lambda c: (c.start, c.end, c.kind))
    return cues


def _window_cues(view: str, lo: int, hi: int, cues: list[ProtectionCue]) -> None:
    """Append the pseudonym and anonymity cues found in ``view[lo:hi]``."""
    first = len(cues)
    for match in _PSEUDONYM.finditer(view, lo, hi):
        name = _trim_name(match.group("name"))
        if name:
            cues.append(ProtectionCue(match.start(), match.start("name") + len(name), "pseudonym", name))
        elif re.search(r"pseudonym|alias|assumed|false|fake|guerre", match.group("key"), re.I):
            cues.append(ProtectionCue(match.start(), match.end("key"), "anonymous"))
    for match in _PSEUDONYM_AFTER.finditer(view, lo, hi):
        if match.group("name")[0].isupper():
            cues.append(ProtectionCue(match.start(), match.end(), "pseudonym", match.group("name")))
    taken = [(c.start, c.end) for c in cues[first:]]
    for match in _ANONYMOUS.finditer(view, lo, hi):
        if not any(s <= match.start() < e for s, e in taken):
            cues.append(ProtectionCue(match.start(), match.end(), "anonymous"))


def _trim_name(name: str) -> str:
    """Keep the capitalised words of a captured name ("Sarah" of "Sarah told")."""
    words = []
    for word in name.split(" "):
        if not word[:1].isupper() or word.lower() in DETERMINERS:
            break
        words.append(word)
    return " ".join(words).rstrip("’'")


@dataclass(eq=False)
class Person:
    """Someone one document talks about, as far as the document tells."""

    first: int
    category: str
    names: list[str] = field(default_factory=list)
    heads: set[str] = field(default_factory=set)
    label: str = ""
    plural: bool = False
    gender: str | None = None
    org: bool = False
    mention_id: str | None = None
    protected: bool = False
    evidence: Mention | None = None
    spoke: bool = False


class People:
    """The people of one document: resolution of phrases to people, and protection."""

    def __init__(self, doc: Document, view: str, entities: Sequence[Mention]):
        self.doc, self.view = doc, view
        self.entities = sorted((m for m in entities if m.attrs.get("label")), key=lambda m: m.start)
        self.entity_starts = [m.start for m in self.entities]
        self.people: list[Person] = []
        self.salient: list[Person] = []
        self.by_span: dict[tuple[int, int], Person] = {}
        self.by_name: dict[str, Person] = {}
        self.mentions: dict[str, Mention] = {}
        self.cues = detect_cues(view)
        self.cue_starts = [c.start for c in self.cues]
        self.used: set[int] = set()
        self.pseudonyms = {c.name.lower(): c for c in self.cues if c.name}
        self.footnote = next((c for c in self.cues if c.kind == "footnote"), None)

    def resolve(self, phrase: Phrase) -> Person | None:
        """The person a phrase names, creating one when the phrase introduces someone new."""
        key = (phrase.start, phrase.end)
        if key in self.by_span:
            person: Person | None = self.by_span[key]
        elif phrase.kind == "pronoun":
            person = self._antecedent(phrase)
        else:
            person = self._lookup(phrase)
            if person is None:
                person = Person(phrase.start, phrase.category, plural=phrase.plural)
                self.people.append(person)
            self._absorb(person, phrase)
        if person is not None:
            self.by_span[key] = person
            self.touch(person)
        return person

    def _lookup(self, phrase: Phrase) -> Person | None:
        """An earlier person this name or definite description ("the judge") refers to."""
        if phrase.kind == "name":
            label = phrase.label.lower()
            return self.by_name.get(label) or self.by_name.get(label.split()[-1])
        if phrase.definite:
            for person in reversed(self.salient):
                if person.heads & phrase.heads:
                    return person
            if phrase.heads & _SURVIVOR_HEADS:
                return next((p for p in reversed(self.salient) if p.category == "private" and not p.plural), None)
        return None

    def _absorb(self, person: Person, phrase: Phrase) -> None:
        """Add what a phrase says about a person: names, head nouns, gender, its mention."""
        person.heads |= phrase.heads
        person.gender = person.gender or phrase.gender
        entity = self._entity(phrase.start, phrase.end)
        if phrase.kind == "name":
            name = self.view[phrase.pseudonym[0]: phrase.pseudonym[1]] if phrase.pseudonym else phrase.label
            non_person = entity is not None and entity.attrs.get("label") in _NON_PERSON_ENTITIES
            person.org = person.org or non_person or bool(phrase.heads & GROUP_NOUNS)
            if name not in person.names:
                person.names.append(name)
            for key in (name.lower(), name.lower().split()[-1]):
                self.by_name.setdefault(key, person)
            if (cue := self.pseudonyms.get(name.lower())) is not None:
                self._protect(person, self.footnote or cue)
        else:
            person.label = phrase.label
        person.label = person.label or phrase.label
        person.mention_id = self.mention_for(phrase)

    def mention_for(self, phrase: Phrase) -> str:
        """Id of the mention naming a phrase's person: its PERSON entity, else a speaker mention."""
        span = phrase.pseudonym or (phrase.name_start if phrase.name_start is not None else phrase.start, phrase.end)
        entity = self._entity(phrase.start, phrase.end) if phrase.pseudonym is None else self._entity(*span)
        if entity is not None and entity.attrs.get("label") == "PERSON" and phrase.kind == "name":
            return entity.id
        return self.mention("speaker", *span, label=phrase.label, category=phrase.category).id

    def _entity(self, start: int, end: int) -> Mention | None:
        """An entity mention inside ``[start, end)``, PERSON preferred."""
        lo = bisect.bisect_left(self.entity_starts, start)
        hi = bisect.bisect_left(self.entity_starts, end)
        inside = [m for m in self.entities[lo:hi] if m.end <= end]
        return next((m for m in inside if m.attrs.get("label") == "PERSON"), inside[0] if inside else None)

    def _antecedent(self, phrase: Phrase) -> Person | None:
        """The most recent person a pronoun can refer to (number, gender, person or group)."""
        word = phrase.label.lower()
        for person in reversed(self.salient[-15:]):
            group = person.category == "group" or person.org
            if word in ("he", "she", "i"):
                wrong = {"he": "f", "she": "m"}.get(word)
                if group or person.plural or (wrong and person.gender == wrong):
                    continue
                person.gender = person.gender or {"he": "m", "she": "f"}.get(word)
                return person
            if (word in ("they", "we") and (person.plural or group)) or (word == "it" and group):
                return person
        return None

    def touch(self, person: Person) -> None:
        """Make a person the most recent one in view (pronouns look here first)."""
        if self.salient and self.salient[-1] is person:
            return
        if person in self.salient:
            self.salient.remove(person)
        self.salient.append(person)
        del self.salient[:-30]

    def protect_in(self, start: int, end: int, *, speaker: Person | None = None, skip: Sequence[tuple[int, int]] = (),
                   subject: Phrase | None = None) -> None:
        """Link the unused cues of ``[start, end)`` (outside ``skip`` spans) to the person they describe."""
        lo, hi = bisect.bisect_left(self.cue_starts, start), bisect.bisect_left(self.cue_starts, end)
        for index in range(lo, hi):
            cue = self.cues[index]
            if index in self.used or cue.kind == "footnote" or any(s <= cue.start < e for s, e in skip):
                continue
            person = self._cue_owner(cue, start, speaker, subject)
            if person is not None:
                self.used.add(index)
                self._protect(person, cue)

    def _protect(self, person: Person, cue: ProtectionCue) -> None:
        """Mark a person protected by a cue, and learn the pseudonym it gives."""
        person.protected = True
        person.evidence = person.evidence or self._cue_mention(cue)
        if cue.name and cue.name not in person.names:
            person.names.insert(0, cue.name)
            self.by_name.setdefault(cue.name.lower(), person)

    def _cue_owner(self, cue: ProtectionCue, start: int, speaker: Person | None,
                   subject: Phrase | None) -> Person | None:
        """Whom a cue is about: the noun before "who ...", a quote's speaker, or an unnamed subject."""
        who = self.view.rfind(" who ", start, cue.start)
        if who > start:
            phrase = parse_subject_before(self.view, start, who + 1)
            if phrase and phrase.category in SPEAKING and phrase.category != "pronoun":
                return self.resolve(phrase)
        if speaker is not None and speaker.category != "name":
            return speaker
        if subject is not None and (subject.start <= cue.start < subject.end or subject.category == "private"):
            return self.resolve(subject)
        if subject is not None and cue.name and subject.kind == "pronoun":
            return self.resolve(subject)
        return None

    def mention(self, kind: str, start: int, end: int, **attrs: object) -> Mention:
        """The mention of ``doc.text[start:end]`` of this kind (created once per span)."""
        mid = mention_id(self.doc.id, kind, start, end)
        if mid not in self.mentions:
            self.mentions[mid] = Mention(mid, self.doc.id, start, end, kind, EXTRACTOR, self.doc.text[start:end],
                                         dict(attrs))
        return self.mentions[mid]

    def _cue_mention(self, cue: ProtectionCue) -> Mention:
        """The protection mention of a cue."""
        return self.mention("protection", cue.start, cue.end, cue=cue.kind, name=cue.name)

    def finish(self, first_quote: dict[Person, int]) -> tuple[dict[Person, str], list[ProtectedPerson]]:
        """Label the protected people in order of first appearance.

        Args:
            first_quote: Where each person who speaks is first quoted.

        Returns:
            The label of every protected person, and the :class:`ProtectedPerson` list.
        """
        for cue in self.cues:
            self._cue_mention(cue)
        labels: dict[Person, str] = {}
        protected: list[ProtectedPerson] = []
        count = 0
        for person in sorted(self.people, key=lambda p: min(p.first, first_quote.get(p, p.first))):
            if person.spoke and person.category == "private" and not person.plural and not person.names:
                person.protected = True
            if not person.protected or (person.plural and not person.names) or not (person.spoke or person.names):
                continue
            if person.names:
                label = person.names[0]
            else:
                count += 1
                label = f"anonymous witness {count}"
            labels[person] = label
            evidence = person.evidence or self.mentions.get(person.mention_id or "")
            protected.append(ProtectedPerson(self.doc.id, label, tuple(person.names), evidence))
        logger.debug("%s: %d protected people", self.doc.id, len(protected))
        return labels, protected
