"""Protected people: witnesses who speak anonymously or under a pseudonym.

"Never expose a witness" starts here. :func:`detect_cues` finds the text that says
someone is anonymous or pseudonymous: "on the condition of anonymity", "choosing to
remain anonymous", "asked not to be named", "declined to give her full name", "whose name
we are withholding", "using the pseudonym X", "gave his name only as X" (or "as M."),
"asked to be called X", "a man we will call X", "referred to here as X", "X (not her real
name)", and asterisked names ("'Omar'*") when a footnote line such as "*The name has been
changed to protect the person's identity" declares them; "whose real name is Y" and "his
real name is Y" give one more name to hide. Cues are searched in the whole text, footers
included: a footnote is exactly where a pseudonym is declared.

:class:`People` keeps the people one document talks about while the quote extractor
walks it, links every cue to the person it describes (the noun before "who ...", the
speaker of a quote in the same sentence, an unnamed sentence subject, or a named speaker
or subject when only their own clause stands between them and the cue: "Zelimkhan said,
speaking on condition of anonymity", "He asked not to be named"), and at the end labels
the protected ones: the pseudonym or name if any, else "anonymous witness 1", "anonymous
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

from corroborator.analyze._marks import SpanIndex
from corroborator.analyze._speakers import (
    ASTERISK_NAME,
    DETERMINERS,
    GROUP_NOUNS,
    INTRO_WORDS,
    PRONOUNS as SUBJECT_PRONOUNS,
    Phrase,
    about_subject,
    noun_before,
    trim_name,
)
from corroborator.model import Document, Mention, ProtectedPerson, mention_id

logger = logging.getLogger(__name__)

EXTRACTOR = "quotes.rules.v1"
_SURVIVOR_HEADS = frozenset("survivor witness victim detainee prisoner refugee".split())
_NON_PERSON_ENTITIES = ("ORG", "GPE", "NORP", "FAC", "LOC")
_POSSESSIVE = {"his": "he", "her": "she", "their": "they"}


@dataclass(frozen=True)
class ProtectionCue:
    """Text saying someone is anonymous or pseudonymous, with the pseudonym if any."""

    start: int
    end: int
    kind: str  # "anonymous" | "pseudonym" | "footnote" | "real_name"
    name: str | None = None


_NAME = r"[\"'“‘]?(?P<name>[^\W\d_][\w’'-]*(?:[ ][^\W\d_][\w’'-]*)?)"
_PSEUDONYM = re.compile(
    # "identified only by the pseudonym Zaur", "known by the alias Zaur", "using only the pseudonym Zaur".
    r"\b(?P<key>(?:(?:identified|known|named|referred\s+to|called)\s+(?:here\s+|only\s+)?(?:by|under|with|using)|"
    r"(?:using|under|with|by|uses|used|gave|given|giving|goes\s+by|went\s+by))\s+(?:only\s+)?"
    r"(?:the\s+|a\s+|his\s+|her\s+|their\s+)?"
    r"(?:pseudonym|alias|assumed name|false name|fake name|nom de guerre)|(?:(?:his|her|their)\s+)?(?:first\s+)?"
    r"name\s+(?:only\s+)?as|known\s+only\s+as|identified\s+(?:only\s+)?(?:as|by)|(?:only|first)\s+name|"
    r"to\s+be\s+(?:called|referred\s+to\s+as)|referred\s+to\s+(?:here\s+|in\s+this\s+(?:article|report|story)\s+)?as|"
    r"we(?:[’']ll|\s+will|\s+shall|\s+are)?\s+call(?:ing)?(?:\s+(?:him|her|them))?|"  # not "we called X" (phoned)
    r"names?\s+(?:has|have|had)\s+been\s+changed\s+to)"
    r"(?:\s+of)?,?\s+(?:(?:his|her|their)\s+(?:first\s+)?name,?\s+)?" + _NAME, re.I)
_PSEUDONYM_AFTER = re.compile(
    r"\b(?P<name>[^\W\d_][\w’'-]*(?:[ ][^\W\d_][\w’'-]*)?)[\"'”’]?\s*[(,]\s*"
    r"(?:not\s+(?:his|her|their)\s+real\s+name|a\s+pseudonym|an\s+alias|names?\s+(?:has|have)\s+been\s+changed|"
    r"name\s+changed)")
_NAME_WORDS = r"(?:(?:full|real|last|family)\s+)?(?:(?:sur)?names?|identit(?:y|ies))"
_ANONYMOUS = re.compile(
    r"\b(?:anonymity|anonymously|(?:remain(?:ing|s|ed)?\s+)?anonymous|(?:declined|asked|refused|wished|wanted|did "
    r"not want|didn’t want|didn't want|not wanting|preferred|agreed)\s+(?:not\s+)?to\s+be\s+(?:named|identified)|"
    r"(?:ask(?:ed|ing)|request(?:ed|ing)|condition)\s+that\s+(?:his|her|their)\s+" + _NAME_WORDS +
    r"\s+(?:not|be\s+withheld)(?:\s+be\s+\w+)?|"
    r"(?:declined|refused|did\s+not\s+want|didn[’']t\s+want|not\s+wanting|preferred\s+not|would\s+not)\s+to\s+"
    r"(?:give|reveal|disclose|share|provide|publish)\s+(?:his|her|their)\s+" + _NAME_WORDS + r"|"
    r"(?:gave|give|gives|giving)\s+only\s+(?:his|her|their)\s+first\s+name|"
    r"(?:names?|identit(?:y|ies))\s+(?:has|have|had|was|were)\s+been\s+(?:changed|withheld|altered)|"
    r"to\s+protect\s+(?:his|her|their|the\s+\w+[’']s)\s+identit(?:y|ies)|not\s+(?:his|her|their)\s+real\s+name|"
    r"withheld\s+(?:his|her|their)\s+(?:names?|identit(?:y|ies))|"
    r"(?:names?|identit(?:y|ies))\s+(?:we\s+are|we[’']re|is\s+being|are\s+being)\s+withh(?:olding|eld))", re.I)
_REAL_NAME = re.compile(r"\b(?:[Ww]hose|[Hh]is|[Hh]er|[Tt]heir)\s+(?:real|full|true|actual)\s+names?\s+(?:is|was|are)\s+"
                        + _NAME)
_HINT = re.compile(r"anonym|pseudonym|alias|name|identif|identit|guerre|call|referred", re.I)
# Words without one of which a pattern cannot match (same flags): a window lacking them skips it.
_NEEDS_PSEUDONYM_AFTER = re.compile(r"name|pseudonym|alias")
_NEEDS_REAL_NAME = re.compile(r"name")
_NEEDS_ANONYMOUS = re.compile(r"anonym|name|identi", re.I)
_FOOTNOTE = re.compile(r"^[ \t]*\*+[ \t]*\S.*$", re.M)
_NON_SPACE = re.compile(r"\S")


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
        line_text, scanned = -1, 0
        for star in ASTERISK_NAME.finditer(view):
            # Stars come in order: each stretch of text is searched for a line break once.
            newline = view.rfind("\n", scanned, star.start())
            if newline >= 0 or line_text < 0:
                line_text = _NON_SPACE.search(view, newline + 1).start()
            scanned = star.start()
            # "*The name has been changed" opens a line; a marked name never does.
            if star.group(1)[0].isupper() and line_text < star.start():
                cues.append(ProtectionCue(star.start(1), star.end(1), "pseudonym", star.group(1)))
    cues = sorted(set(cues), key=lambda c: (c.start, c.end, c.kind))
    return cues


def _window_cues(view: str, lo: int, hi: int, cues: list[ProtectionCue]) -> None:
    """Append the pseudonym and anonymity cues found in ``view[lo:hi]``."""
    first = len(cues)
    for match in _PSEUDONYM.finditer(view, lo, hi):
        name = trim_name(match.group("name"))
        if name:
            end = match.start("name") + len(name)
            if len(name) == 1 and view[end:end + 1] == ".":
                name, end = name + ".", end + 1  # an initial: "gave his name only as M."
            cues.append(ProtectionCue(match.start(), end, "pseudonym", name))
        elif re.search(r"pseudonym|alias|assumed|false|fake|guerre", match.group("key"), re.I):
            cues.append(ProtectionCue(match.start(), match.end("key"), "anonymous"))
    for match in _PSEUDONYM_AFTER.finditer(view, lo, hi) if _NEEDS_PSEUDONYM_AFTER.search(view, lo, hi) else ():
        # "said Pavel (not his real name)": the name is the capitalised words before the bracket.
        words = match.group("name").split(" ")
        while words and (not words[0][:1].isupper() or words[0].lower() in DETERMINERS):
            words.pop(0)
        if words:
            name = " ".join(words)
            cues.append(ProtectionCue(match.end("name") - len(name), match.end(), "pseudonym", name))
    for match in _REAL_NAME.finditer(view, lo, hi) if _NEEDS_REAL_NAME.search(view, lo, hi) else ():
        if name := trim_name(match.group("name")):
            cues.append(ProtectionCue(match.start(), match.start("name") + len(name), "real_name", name))
    if not _NEEDS_ANONYMOUS.search(view, lo, hi):
        return
    taken = SpanIndex((c.start, c.end) for c in cues[first:])
    for match in _ANONYMOUS.finditer(view, lo, hi):
        if not taken.covers(match.start()):
            cues.append(ProtectionCue(match.start(), match.end(), "anonymous"))


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
    real_names: list[str] = field(default_factory=list)  # hidden too, if the person is protected


class People:
    """The people of one document: resolution of phrases to people, and protection.

    ``subject_reach`` is how far back (characters) from a verb or cue its subject is looked for.
    """

    def __init__(self, doc: Document, view: str, entities: Sequence[Mention], subject_reach: int):
        self.doc, self.view, self.subject_reach = doc, view, subject_reach
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
        self.pseudonyms = {c.name.lower(): c for c in self.cues if c.name and c.kind == "pseudonym"}
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
            if person is None and not self._plausible(phrase):
                return None
            if person is None:
                person = Person(phrase.start, phrase.category, plural=phrase.plural)
                self.people.append(person)
            self._absorb(person, phrase)
        if person is not None:
            self.by_span[key] = person
            self.touch(person)
        return person

    def _plausible(self, phrase: Phrase) -> bool:
        """False for a lone capitalised word opening a sentence that NER does not call a name.

        "Instead, he said", "Asked about it", "Footage shows": a sentence's first word is
        capitalised whatever it is, so on its own it names nobody.
        """
        if phrase.kind != "name" or phrase.pseudonym or phrase.heads or len(phrase.label.split()) > 1:
            return True
        if (entity := self._overlapping_entity(phrase.start, phrase.end)) is not None:
            # "Republican", "Islamic": a group's adjective names nobody; "Democrats" may speak.
            return entity.attrs.get("label") != "NORP" or phrase.label.endswith("s")
        word = phrase.label.lower()
        if re.sub(r"[’'](?:s|re|ll|d|ve)$", "", word) in SUBJECT_PRONOUNS:
            return False  # "He’s", "They’re"
        before = self.view[max(0, phrase.start - 3): phrase.start].rstrip()
        if before and before[-1] not in ".!?:;\"”’\n([—–-":
            return True  # not a sentence's first word
        comma = self.view[phrase.end: phrase.end + 1] == ","
        # Only words known to open sentences: a witness's name ("Ahmed, 27, said") must never be dropped.
        return not (word in INTRO_WORDS or (comma and word.endswith("ly")) or (len(word) > 5 and word.endswith("ing")))

    def _overlapping_entity(self, start: int, end: int) -> Mention | None:
        """An entity mention that overlaps ``[start, end)`` ("United" of "United States")."""
        hi = bisect.bisect_left(self.entity_starts, end)
        for m in reversed(self.entities[max(0, hi - 8): hi]):
            if m.end > start:
                return m
        return None

    def _lookup(self, phrase: Phrase) -> Person | None:
        """An earlier person this name or definite description ("the judge") refers to."""
        if phrase.kind == "name":
            words = phrase.label.lower().split()
            found = self.by_name.get(" ".join(words)) or self.by_name.get(words[-1])
            if found is None and (first := self.by_name.get(words[0])) is not None and first.protected:
                found = first  # "Zelimkhan ... Zelimkhan Bakaev": a witness's full name is theirs to hide
            return found
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
        entity = self._entity(phrase.start, phrase.end) or self._overlapping_entity(phrase.start, phrase.end)
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

    def protect_in(self, start: int, end: int, *, speaker: Person | None = None, phrase: Phrase | None = None,
                   skip: SpanIndex | None = None, subject: Phrase | None = None) -> None:
        """Link the unused cues of ``[start, end)`` to the person they describe.

        Args:
            start: Start of the clause (a quote's lead, or a narrative sentence).
            end: End of the clause.
            speaker: The speaker of the quote the clause attributes, if any.
            phrase: The phrase naming that speaker in the clause, if any.
            skip: The paragraph's quote spans: cues inside a quote describe nobody here.
            subject: The subject of a narrative sentence, if any.
        """
        lo, hi = bisect.bisect_left(self.cue_starts, start), bisect.bisect_left(self.cue_starts, end)
        for index in range(lo, hi):
            cue = self.cues[index]
            if index in self.used or cue.kind == "footnote" or (skip is not None and skip.covers(cue.start)):
                continue
            # Read back no further than the end of the last quote before the cue.
            after = max(start, skip.reach_before(cue.start)) if skip is not None else start
            person = self._cue_owner(cue, after, speaker, phrase, subject)
            if person is not None:
                self.used.add(index)
                self._protect(person, cue)

    def _protect(self, person: Person, cue: ProtectionCue) -> None:
        """Mark a person protected by a cue, and learn the pseudonym or real name it gives."""
        if cue.kind == "real_name":
            # "X, whose real name is Y" protects nobody by itself; it is one more name to hide if X is protected.
            if cue.name and cue.name not in person.real_names:
                person.real_names.append(cue.name)
            return
        person.protected = True
        person.evidence = person.evidence or self._cue_mention(cue)
        if cue.name and cue.name not in person.names:
            person.names.insert(0, cue.name)
            # "Ali Ahmed" is later "Ali" or "Ahmed".
            for key in {cue.name.lower(), *cue.name.lower().split()}:
                self.by_name.setdefault(key, person)

    def _cue_owner(self, cue: ProtectionCue, start: int, speaker: Person | None, phrase: Phrase | None,
                   subject: Phrase | None) -> Person | None:
        """Whom a cue is about: the noun before "who ...", a quote's speaker, or a sentence subject."""
        opening = self.view[cue.start:cue.end].split(" ", 1)[0].lower()
        if cue.kind == "real_name" and (pronoun := _POSSESSIVE.get(opening)):
            # "His real name is Ruslan Bakayev.": the person the pronoun points back to.
            return self._antecedent(Phrase(cue.start, cue.start + len(pronoun), "pronoun", pronoun, "pronoun"))
        # A "who" further back than a subject phrase reaches governs some other clause.
        who = self.view.rfind(" who ", max(start, cue.start - self.subject_reach), cue.start)
        # "Smith, who interviewed survivors on condition of anonymity": the cue is not Smith's.
        if who > start and about_subject(self.view, who + 4, cue.start) and (
                noun := noun_before(self.view, start, who + 1, reach=self.subject_reach)) is not None:
            return self._appositive(speaker, phrase, noun) or self.resolve(noun)
        if speaker is not None and speaker.category != "name":
            return speaker
        if speaker is not None and phrase is not None and about_subject(self.view, max(start, phrase.end), cue.start):
            return speaker  # "…,” Zelimkhan said, speaking on condition of anonymity.
        if subject is not None and (subject.start <= cue.start < subject.end or subject.category == "private"):
            return self.resolve(subject)
        if subject is not None and subject.kind in ("name", "pronoun") and (
                (cue.name and subject.kind == "pronoun") or about_subject(self.view, subject.end, cue.start)):
            person = self.resolve(subject)  # "He asked not to be named."
            return person if person is not None and not person.org and person.category != "group" else None
        return None

    def _appositive(self, speaker: Person | None, phrase: Phrase | None, noun: Phrase) -> Person | None:
        """The speaker, when ``noun`` is a name set beside their description: "one man, Zelimkhan, who"."""
        if speaker is None or phrase is None or phrase.kind != "description" or noun.kind != "name":
            return None
        if self.view[phrase.end: noun.start].strip() != ",":
            return None
        self.by_span[(noun.start, noun.end)] = speaker
        self._absorb(speaker, noun)
        return speaker

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
            if person.protected:
                person.names.extend(n for n in person.real_names if n not in person.names)
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
