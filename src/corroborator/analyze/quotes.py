"""Direct quotes and their speakers (``quotes.rules.v1``): pure-Python rules, no spaCy.

What counts as a quote:

- Text between quote marks of any style real pages mix (``" “ ” ‘ ’ ' « »``), read with
  a stack: single quotes nested in a double quote belong to the outer quote and are
  never emitted on their own; apostrophes (didn't, Smith’s, '90s) are not marks.
- News-style multi-paragraph quotes: a paragraph that opens a quote and does not close
  it continues in the next paragraph that opens with a mark. Each paragraph chunk is one
  quote (``attrs["continued"]`` on the later chunks) with the same speaker. A paragraph
  whose only mark is a closing one followed by an attribution ("...didn’t,” said one
  person") is a quote from the paragraph start.
- Partial quotes inside a sentence (claiming “you can’t detain ...”) need at least
  ``quotes.min_words`` words (:data:`MIN_WORDS` by default); shorter ones are scare
  quotes (“eliminate”, ‘purge’) and are not emitted. Stand-alone quotes need two words,
  or one with an attribution right after ("“No,” he said"). Quotes in noise spans
  (captions, pull quotes, teasers ...) are skipped; the headline is the report's own text.

Speakers, first rule that applies: the attribution next to the quote ("“…,” he says",
"said X according to Y", "Omar says: “…”", "“…,” Graham, a former candidate, told CBS",
"“…” ― Karen Bolado"; a partial quote takes the subject of the speech verb before it,
else an unnamed person subject); the sentence that introduces it ("Pollster Dana Shaw:
“…”", "as X put it", "Ryan worried that the net was “a hammock”", "…, saying “…”" with
the main clause's subject); an attribution that closes the sentence after more words; a person introduced earlier in
the same paragraph ("Another man spoke of ..."); another attributed quote of the
paragraph; the chunk of a multi-paragraph quote that carries the attribution; for a
quote opening its paragraph, the speaker or person introduced at the end of the
paragraph before, else an attribution in the next two paragraphs. Pronouns take the most
recent person of matching number and gender; "the man", "the judge" the latest person
with that head noun (see :mod:`.protection` for people and protection). A quote with no
speaker keeps ``speaker_label`` None.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from corroborator.analyze._marks import Candidate, ParagraphQuotes, clause_bounds, link_chains, scan
from corroborator.analyze._speakers import (
    ABBREVIATIONS,
    CUE_VERBS,
    INTRO_VERBS,
    PARTIAL_VERBS,
    ROLE_NOUNS,
    SPEAKING,
    THOUGHT_VERBS,
    TITLE_WORDS,
    Phrase,
    clip_start,
    parse_phrase,
    parse_subject_before,
    sentence_subject,
    trailing_name,
)
from corroborator.analyze.protection import EXTRACTOR, People, Person
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document, Mention, ProtectedPerson, Quote, mention_id
from corroborator.settings import DEFAULTS, QuoteSettings
from corroborator.text import normalized, paragraphs, sentences

logger = logging.getLogger(__name__)

__all__ = ["EXTRACTOR", "MIN_WORDS", "QuoteResult", "extract_quotes"]

#: The packaged default of ``quotes.min_words``: partial quotes (inside a sentence) shorter
#: than this are scare quotes, not quotes.
MIN_WORDS = DEFAULTS.quotes.min_words
# ``quotes.reach`` is how far before and after its marks a quote's attribution is looked for.
# Attributions sit within a sentence of the quote; the bound keeps a paragraph of thousands of
# quotes linear.
_DIRECT = ("after", "before", "partial", "subject", "according")


def _alternation(words: frozenset[str]) -> str:
    """A regex alternation of ``words``, longest first."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


#: Two-word cues: "Hillary shot back, “…”", "“…,” he went on".
PHRASAL_CUES = frozenset({"shot back", "fired back", "went on", "pointed out", "chimed in", "wrote back",
                          "spoke up", "cut in", "summed up"})
_CUE = "|".join(sorted((re.escape(w).replace("\\ ", r"\s+") for w in CUE_VERBS | PHRASAL_CUES), key=len,
                       reverse=True))
_ACRONYM = re.compile(r"(?:[A-Z]\.)+[A-Z]$")
#: A cue word after a determiner is a noun ("one of the states suing the EPA, said").
_NOT_A_NOUN = "".join(rf"(?<!\b{d}\s)" for d in ("the", "a", "an", "his", "her", "its", "their", "these", "those",
                                                  "our", "my", "your", "of", "in", "on"))
#: A party and state after a lawmaker's name ("Mitch McConnell, R-Ky., said").
_PARTY_STATE = r"\b[RDI]-[A-Z][A-Za-z]{0,3}\.(?=[,)\s])"
#: The full stop of a title ("Gov. Kasich replied"), which ends no sentence.
_ABBREVIATION_STOP = "|".join(rf"(?<=\b{a.capitalize()})\." for a in sorted(ABBREVIATIONS))
_AFTER_VERB_FIRST = re.compile(r"[\s,:—–-]*(?P<verb>" + _CUE + r")\s+", re.I)
_AFTER_SPEAKER_FIRST = re.compile(
    # The phrase ends no sentence, but may hold an initial ("M. told us", "Ramzan A. Kadyrov said").
    r"[\s,:—–-]*(?P<np>(?:[^“”\"‘’«»;.:()]|\([^()“”\"]{1,30}\)|" + _PARTY_STATE
    + r"|(?<=\w)’(?=\w)|(?<=\b[A-Z])\.|" + _ABBREVIATION_STOP
    + r"){1,120}?)\s+" + _NOT_A_NOUN + r"(?P<verb>" + _CUE + r")\b(?!\s+that\b)")
#: A quote signed with a dash: "“Fear. I am truly afraid.” ― Karen Bobadilla".
_DASH_SIGNATURE = re.compile(r"[ \t]*(?:--|[―—–]|(?<=[ \t”\"])-(?=[ \t]))[ \t]*"
                             r"(?P<who>[A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*){0,3})"
                             r"(?=[ \t]*(?:[,.]|[“\"‘]|$|\n))", re.M)
_CITED = re.compile(r"[\s,]*(?P<rep>[^,;.]{1,80}?)\s+(?:cited|quoted)\s+(?P<who>[^,;]{1,60}?)\s+as\s+saying")
# The last cue of the lead: "a woman asked for a photo and Clinton said," is Clinton's.
_LEAD_COLON = re.compile(r".*(?P<verb>\b(?:" + _CUE + r"))\b[^:,“”\"]{0,40}[:,]\s*$", re.I | re.S)
_LEAD_VERB_FIRST = re.compile(r"^[\s,—–-]*(?P<verb>" + _CUE + r")\s+(?P<who>.+?)[,:]\s*$", re.I)
_WORD = re.compile(r"[A-Za-z]+")
_FINITE_INTRO_VERBS = frozenset(v for v in INTRO_VERBS if not v.endswith("ing"))
_ACCORDING = re.compile(r"\baccording to\s+(?:(?:an?|the)\s+(?:\w+\s+)?(?:translation|report|statement|transcript|"
                        r"interview|article|video|post|story|footage)\s+(?:by|from|in|of|on|with)\s+)?"
                        r"(?P<who>[^,.;“”\"]+)", re.I)
_NEXT_QUOTE = re.compile(r"[“”\"«»]")
#: A verb whose subject is left out, coordinated with the one before ("…, but called it").
_ELIDED_SUBJECT = re.compile(r"(?:,|\b(?:and|but|then|yet))\s+(?:(?:also|later|then|again)\s+)?$")
#: An outlet or affiliation after a name and before a colon: ", Gallup", ", The Daily Beast".
_OUTLET_AFTER = re.compile(r"\s*,\s*(?:[A-Z][\w’'.&-]*\s*){1,4}")
#: "Rubio was asked by moderator Gerard Baker whether …": the one who asked.
_ASKED_BY = re.compile(r"\b(?P<verb>asked|told|questioned|pressed|described|called|criticized|accused)\s+by\s+"
                       r"(?P<who>[^,;:“”\"]{2,80})")
_QUOTED_AS = re.compile(r"\bquot(?:ed|es|ing)\s+(?P<who>[^,;:“”\"]{2,80}?)\s+as\s+(?:saying|writing|telling)\b")
_AS_PUT_IT = re.compile(r"\b[Aa]s\s+(?P<who>[^;:“”\"]{2,120}?)\s+(?:put|puts|said|says|wrote|writes|noted|notes)"
                        r"\s+it\b")
#: Verbs whose subject speaks a quote that stands later in the clause they govern.
_GOVERNING_VERBS = CUE_VERBS | PARTIAL_VERBS | THOUGHT_VERBS
_SENTENCE_END = re.compile(r"[.!?;…]+[\"'”’)]*(?=\s|$)")


@dataclass
class QuoteResult:
    """What :func:`extract_quotes` found in one document."""

    quotes: list[Quote] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    protected: list[ProtectedPerson] = field(default_factory=list)


def extract_quotes(doc: Document, entities: Sequence[Mention],
                   settings: QuoteSettings = DEFAULTS.quotes) -> QuoteResult:
    """Find the direct quotes of ``doc``, their speakers and the protected people.

    Args:
        doc: The document; its noise spans (except the headline) are skipped.
        entities: Entity mentions of ``doc`` from NER (``attrs["label"]`` PERSON, ORG,
            ...); they give speaker mention ids and tell people from organisations, but
            the rules find speakers without them.
        settings: Word counts, reaches and confidences of the rules.

    Returns:
        A :class:`QuoteResult`: the quotes (mention span = the words inside the marks,
        ``speaker`` left None for case-wide resolution), the ``speaker`` and
        ``protection`` mentions created, and the protected people.
    """
    view = _paired_apostrophes(normalized(doc.text))
    body = [p for p in paragraphs(view) if not _noise(doc, *p)]
    candidates = [r for r in scan(view, body) if not _noise(doc, r.start, r.end)]
    by_para = {para: list(group) for para, group in itertools.groupby(candidates, key=lambda r: r.para)}
    for para, group in by_para.items():
        for raw, (lead_from, after_to) in zip(group, clause_bounds(view, group, *body[para])):
            _attribute(view, raw, lead_from, after_to, settings)
    raws = [r for r in candidates if _keep(view, r, settings)]
    for index, raw in enumerate(raws):
        raw.index = index
    by_para = {para: list(group) for para, group in itertools.groupby(raws, key=lambda r: r.para)}
    link_chains(by_para, body)
    people = People(doc, view, entities, settings.subject_reach)
    headlines = {i for i, p in enumerate(body) if (n := doc.in_noise(*p)) is not None and n.kind == "headline"}
    _Walker(view, people, raws, by_para, body, headlines, settings).run()
    result = assemble_result(doc, people, raws, settings)
    logger.debug("%s: %d quotes, %d protected", doc.id, len(result.quotes), len(result.protected))
    return result


#: Two apostrophes standing for a double quote mark, as newspaper archives write them.
_PAIRED_APOSTROPHES = re.compile(r"(?:''|‘‘|’’)")


def _paired_apostrophes(view: str) -> str:
    """Same-length view in which ``''He said,''`` reads as ``" He said,"``.

    An opening pair (before a word) becomes a space then a mark, a closing pair a mark
    then a space, so the quote's words keep their offsets.
    """
    if "''" not in view and "‘‘" not in view and "’’" not in view:
        return view

    def mark(match: re.Match[str]) -> str:
        after = view[match.end(): match.end() + 1]
        before = view[match.start() - 1: match.start()] if match.start() else ""
        opening = (not before or before.isspace() or before in "([—–-") and after[:1].strip() != ""
        return ' "' if opening else '" '

    return _PAIRED_APOSTROPHES.sub(mark, view)


def _verbs(view: str, start: int, end: int, vocabulary: frozenset[str]) -> list[tuple[int, int, str]]:
    """Words of ``vocabulary`` in ``view[start:end]`` (and "according to"), as (start, end, word).

    A word scan with a set lookup: far cheaper than a regex alternation of every verb form.
    """
    found = []
    for match in _WORD.finditer(view, start, end):
        word = match.group().lower()
        if word in vocabulary:
            found.append((match.start(), match.end(), word))
        elif word == "according" and view.startswith(" to ", match.end()):
            found.append((match.start(), match.end() + 4, "according to"))
    return found


def _noise(doc: Document, start: int, end: int) -> bool:
    """True when the span lies in noise that is not the report's own text."""
    span = doc.in_noise(start, end)
    return span is not None and span.kind not in OWN_TEXT_NOISE_KINDS


def _clause_end(view: str, start: int, end: int, reach: int) -> int:
    """Where the sentence that runs on at ``start`` ends (before ``end``, and within ``reach``)."""
    end = min(end, start + reach)
    return next(_sentence_ends(view, start, end), (end, end))[0]


def _sentence_ends(view: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of each real sentence end in ``view[start:end]``.

    A full stop after a title or an initial ("Gov. Kasich", "Donald J. Trump"), inside a
    party bracket ("(D-Wis.) said") or after an acronym that the sentence runs on from
    ("the A.F.L.-C.I.O. and", "U.S. Attorney") ends nothing.
    """
    for match in _SENTENCE_END.finditer(view, start, end):
        word = view[max(start, match.start() - 6): match.start()].split()[-1:] or [""]
        if match.group().endswith(")") and "(" in view[max(start, match.start() - 30): match.start()]:
            continue
        if re.search(_PARTY_STATE, view[max(start, match.start() - 6): match.end() + 1]):
            continue
        if match.group()[0] == "." and (_abbreviation(word[0].lstrip("(")) or _ACRONYM.search(word[0])):
            following = view[match.end(): match.end() + 2].strip()[:1]
            nxt = view[match.end(): match.end() + 20].split()[:1]
            # "the A.F.L.-C.I.O. Tuesday" or "U.S. Attorney": an acronym that a title follows runs on.
            acronym = _ACRONYM.search(word[0]) and (len(word[0]) > 3 or (
                nxt and nxt[0].lower().rstrip(".") in TITLE_WORDS | ROLE_NOUNS))
            if _abbreviation(word[0].lstrip("(")) or following.islower() or following in (",", ";") or (
                    acronym and following.isupper()):
                continue
        yield match.start(), match.end()


def _abbreviation(word: str) -> bool:
    """True for a word whose full stop ends no sentence: "Dr", "Gov", an initial ("M")."""
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _attribute(view: str, raw: Candidate, lead_from: int, after_to: int, settings: QuoteSettings) -> None:
    """Find the attribution written next to one quote (before or after its marks)."""
    lead_start = clip_start(view, lead_from, raw.open, settings.reach)
    for _, stop in _sentence_ends(view, lead_start, raw.open):
        lead_start = stop
    if (signed := _DASH_SIGNATURE.match(view, lead_start, raw.open)) and not view[signed.end(): raw.open].strip():
        lead_start = raw.open  # "“…” ― Sonya Herridge “…”": the signature is the quote before's
    raw.lead_start = lead_start
    lead = view[lead_start: raw.open].strip()
    raw.partial = bool(lead) and not lead.endswith((":", ",")) and not raw.orphan
    after_end = _clause_end(view, raw.close, after_to, settings.reach)
    reach = settings.subject_reach
    after = _after_cue(view, raw, after_end, reach)
    lead_cue = _lead_cue(view, raw, lead_start, reach) if lead else None
    if raw.partial:
        # "Rubio “apologized numerous times,” Hannity said": an attribution beats a bare subject.
        raw.cue = after if after and (lead_cue is None or lead_cue[2] == "subject") else (lead_cue or after)
    else:
        raw.cue = after or lead_cue
    according = _ACCORDING.search(view, raw.close, after_end) or _ACCORDING.search(view, lead_start, raw.open)
    if according:
        who = according.group("who").strip()
        if raw.cue is None:
            phrase = parse_phrase(view, according.start("who"), according.end("who"))
            raw.cue = (phrase, "according to", "according") if phrase else None
        elif not (raw.cue[0].start <= according.start("who") < raw.cue[0].end):
            raw.reported_by = who
    if raw.cue is None and lead:
        raw.cue = _sentence_cue(view, raw, lead_start, reach)
    if raw.cue is None and not raw.unclosed:
        raw.cue = _tail_cue(view, raw, after_end, reach)


def _tail_cue(view: str, raw: Candidate, end: int, reach: int) -> tuple[Phrase, str, str] | None:
    """An attribution that closes the sentence after more words: "“…” if she lost, said David Wasserman."

    Tried from the last comma of the sentence backwards (three at most); the attribution
    must run to the sentence's end. ``reach`` bounds how far back a subject is read.
    """
    tail = view[raw.close:end]
    if _NEXT_QUOTE.search(tail):
        return None  # another quote stands between: its attribution is its own
    commas = [raw.close + i for i, ch in enumerate(tail) if ch == ","][-3:]
    for comma in reversed(commas):
        if (first := _AFTER_VERB_FIRST.match(view, comma + 1, end)) and (
                phrase := parse_phrase(view, first.end(), end)) and phrase.category in SPEAKING:
            return phrase, first.group("verb").lower(), "after"
        if (match := _AFTER_SPEAKER_FIRST.match(view, comma + 1, end)) and len(match.group("np").split()) <= 9 \
                and not view[match.end():end].strip(" ,").count(",") and (
                phrase := parse_subject_before(view, match.start("np"), match.start("verb"), reach=reach)) \
                and phrase.category in SPEAKING and phrase.kind != "pronoun" and phrase.end >= match.end("np") - 1:
            return phrase, match.group("verb").lower(), "after"
    return None


def _sentence_cue(view: str, raw: Candidate, lead_start: int, reach: int) -> tuple[Phrase, str, str] | None:
    """The attribution of a quote that the sentence before it introduces, however far back.

    - A colon introduction: "Republican pollster Daron Shaw: “…”", "Cruz called them on
      it: “…”" (the name right before the colon, else the clause's subject).
    - "An early tweet quoted the president as saying “…”": the one quoted.
    - A speech or thought verb that governs a later clause holding the quote: "Ryan says
      no matter what Obama takes, “…”", "Ryan worried that the net was “a hammock”":
      the subject of the last such verb.

    ``reach`` bounds how far back from its verb a subject is read.
    """
    lead_end = len(view[:raw.open].rstrip())
    if lead_end <= lead_start:
        return None
    if view[lead_end - 1] == ":":
        colon = lead_end - 1
        phrase = parse_phrase(view, lead_start, colon)
        if phrase is not None and phrase.category in SPEAKING and phrase.kind != "pronoun" and (
                phrase.end >= colon - 1 or _OUTLET_AFTER.fullmatch(view, phrase.end, colon)):
            return phrase, ":", "before"  # "John Bolton: “…”", "Pollster Dana Shaw, Gallup: “…”"
        phrase = trailing_name(view, lead_start, colon, strict=False) or sentence_subject(view, lead_start, colon)
        if phrase is not None and phrase.category in SPEAKING and phrase.kind != "pronoun":
            return phrase, ":", "before"
        return None
    if (put := _AS_PUT_IT.search(view, lead_start, raw.open)) and (
            phrase := parse_phrase(view, put.start("who"), put.end("who"))) and phrase.category in SPEAKING:
        return phrase, "put it", "before"
    if (passive := _ASKED_BY.search(view, lead_start, raw.open)) and (
            phrase := parse_phrase(view, passive.start("who"), raw.open)) and phrase.category in SPEAKING:
        return phrase, passive.group("verb"), "partial"
    if (quoted := _QUOTED_AS.search(view, lead_start, raw.open)) and (
            phrase := parse_phrase(view, quoted.start("who"), quoted.end("who"))) and phrase.category in SPEAKING:
        return phrase, "quoted", "partial"
    for verb_start, _, verb in reversed(_verbs(view, lead_start, raw.open, _GOVERNING_VERBS)):
        if (verb.endswith("ing") and view[lead_start:verb_start].rstrip().endswith(",")) or \
                _ELIDED_SUBJECT.search(view, max(lead_start, verb_start - 12), verb_start):
            # "Clinton responded, saying “…”", "Mr. Trump expressed admiration, telling CNBC: “…”":
            # the one who speaks is the main clause's subject.
            phrase = sentence_subject(view, lead_start, verb_start)
            if phrase is not None and phrase.category in SPEAKING:
                return phrase, verb, "partial"
            continue
        phrase = parse_subject_before(view, lead_start, verb_start, reach=reach)
        if phrase is not None and phrase.category in SPEAKING:
            return phrase, verb, "partial"
        return None
    return None


def _after_cue(view: str, raw: Candidate, end: int, reach: int) -> tuple[Phrase, str, str] | None:
    """An attribution right after the closing mark: "…," he says / said X / X cited Y as saying.

    ``reach`` bounds how far back from its verb a subject is read.
    """
    if raw.unclosed:
        return None
    if (signed := _DASH_SIGNATURE.match(view, raw.close, end)) and (
            phrase := parse_phrase(view, signed.start("who"), signed.end("who"))) and phrase.kind == "name" \
            and not view[phrase.end: signed.end("who")].strip(" ,"):
        return phrase, "—", "after"
    if (cited := _CITED.match(view, raw.close, end)) and (phrase := parse_phrase(view, cited.start("who"), end)):
        raw.reported_by = cited.group("rep").strip()
        return phrase, "cited", "after"
    if (first := _AFTER_VERB_FIRST.match(view, raw.close, end)) and (phrase := parse_phrase(view, first.end(), end)):
        return phrase, first.group("verb").lower(), "after"
    if not (match := _AFTER_SPEAKER_FIRST.match(view, raw.close, end)):
        return None
    content_end = view[raw.end - 1] if raw.end > raw.start else ""
    np = match.group("np")
    opens_clause = view[raw.close: match.start("np")].strip() in (",", ":", "—", "–", "-")
    if not (content_end in ",!?—–-" or opens_clause or np[:1].islower()):
        return None
    phrase = parse_subject_before(view, match.start("np"), match.start("verb"), reach=reach)
    if phrase is None:
        return None
    # "…," Graham, a former candidate, told CBS: the name, then an appositive set off by commas.
    rest = re.sub(r"\([^()]*\)", "", view[phrase.end: match.end("np")])  # "Rep. Gwen Moore (D-Wis.) said"
    appositive = phrase.kind == "name" and rest.lstrip().startswith(",")
    if (rest.strip(" ,") and not appositive) or len(np.split()) > (16 if appositive else 9):
        return None
    return phrase, match.group("verb").lower(), "after"


def _lead_cue(view: str, raw: Candidate, lead_start: int, reach: int) -> tuple[Phrase, str, str] | None:
    """An attribution before the opening mark: "Omar says:", "says X,", or a partial quote's subject.

    ``reach`` bounds how far back from its verb a subject is read.
    """
    lead = view[lead_start: raw.open]
    if not raw.partial:
        # "says Smith," and a sentence that opens "Said Ellis:"; never "Asked if he thought that …,".
        if (match := _LEAD_VERB_FIRST.match(lead)) and (
                match.group("verb")[0].islower() or len(match.group("who").split()) <= 4) and (
                phrase := parse_phrase(view, lead_start + match.start("who"), lead_start + match.end("who"))):
            return phrase, match.group("verb").lower(), "before"
        if match := _LEAD_COLON.search(lead):
            verb_start = lead_start + match.start("verb")
            if match.group("verb").lower().endswith("ing") and view[lead_start:verb_start].rstrip().endswith(","):
                # "Trump attacked Clinton over Iraq and Libya, saying, “…”": the main clause's subject.
                phrase = sentence_subject(view, lead_start, verb_start)
                if phrase is not None and phrase.category in SPEAKING:
                    return phrase, match.group("verb").lower(), "before"
            elif phrase := parse_subject_before(view, lead_start, verb_start, reach=reach):
                return phrase, match.group("verb").lower(), "before"
        return None
    for verb_start, _, verb in reversed(_verbs(view, lead_start, raw.open, PARTIAL_VERBS)):
        if verb.endswith("ing") and view[lead_start:verb_start].rstrip().endswith(","):
            continue  # "..., claiming “...”": the subject is the main clause's
        phrase = parse_subject_before(view, lead_start, verb_start, reach=reach)
        if phrase and phrase.category in SPEAKING:
            return phrase, verb, "partial"
        if _ELIDED_SUBJECT.search(view, max(lead_start, verb_start - 12), verb_start):
            # "The senator said he had not read it, but called it “a starting point”": the verb
            # shares the sentence's subject.
            phrase = sentence_subject(view, lead_start, verb_start)
            if phrase and phrase.category in SPEAKING and phrase.end <= verb_start:
                return phrase, verb, "partial"
        return None
    phrase = sentence_subject(view, lead_start, raw.open)
    if phrase and phrase.category in ("name", "private", "role") and phrase.end <= raw.open:
        return phrase, "", "subject"
    return None


def _keep(view: str, raw: Candidate, settings: QuoteSettings) -> bool:
    """Quote or scare quote? Long enough for where it stands."""
    words = sum(1 for w in view[raw.start: raw.end].split() if any(c.isalnum() for c in w))
    if raw.partial and _title_case(view[raw.start: raw.end]):
        return False  # "read “The Long Road Home”": the name of a work
    if words >= settings.min_words or ((raw.unclosed or raw.orphan) and words >= 2):
        return True
    if raw.orphan or raw.unclosed:
        return False
    if not raw.partial:
        return words >= 2 or (words == 1 and raw.cue is not None and raw.cue[2] == "after")
    return _spoken_partial(view, raw, settings.partial_gap)


#: Words before a short quote that make it a name for something, not speech ("the so-called “deal”").
_NAMING = re.compile(r"(?:so-called|so called|dubbed|nicknamed|known as|the term|the word|the phrase|the label|"
                     r"is called|are called|was called|were called|what is called|the slogan|titled|entitled|"
                     r"headlined|the hashtag)\s*$", re.I)


def _title_case(text: str) -> bool:
    """True for a name of a work or a slogan: "Fox News Sunday", "Make America Great Again"."""
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text)]
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "at", "by", "with"}
    return bool(words) and len(words) <= 8 and words[0][0].isupper() and all(
        w[0].isupper() or w.lower() in small for w in words)


def _spoken_partial(view: str, raw: Candidate, gap_words: int) -> bool:
    """A short quote inside a sentence that a speaker's verb governs: "Bush called Trump “unhinged.”".

    At most ``gap_words`` words may stand between the verb and the quote ("called Trump “unhinged”").
    """
    if raw.cue is None or raw.cue[0].category not in SPEAKING or not raw.cue[1] or raw.cue[1] == ":":
        return False
    lead = view[raw.lead_start: raw.open]
    if _NAMING.search(lead.rstrip(" “\"‘'")) or _title_case(view[raw.start: raw.end]):
        return False
    gap = lead.split()[-gap_words:] if gap_words else []
    return any(w.strip(",").lower() in _GOVERNING_VERBS for w in gap)


class _Walker:
    """Reads the body in order, narrative sentences and quotes alike, giving quotes speakers."""

    def __init__(self, view: str, people: People, raws: list[Candidate], by_para: dict[int, list[Candidate]],
                 body: list[tuple[int, int]], headlines: set[int], settings: QuoteSettings):
        self.view, self.people, self.raws, self.by_para, self.body = view, people, raws, by_para, body
        self.headlines, self.settings = headlines, settings
        self.para = ParagraphQuotes([])

    def run(self) -> None:
        """Resolve every quote; remember who speaks or is introduced last in each paragraph."""
        previous: tuple[Person, str] | None = None
        for index, (p_start, p_end) in enumerate(self.body):
            quotes = self.by_para.get(index, [])
            self.para = ParagraphQuotes(quotes)
            items: list[tuple[int, Candidate | tuple[int, int]]] = [(r.open, r) for r in quotes]
            for s, e in sentences(self.view, p_start, p_end):
                if not self.para.overlaps(s, e):
                    items.append((s, (s, e)))
            intro: Person | None = None
            intro_at, last_close = -1, -1
            tail = None
            for pos, item in sorted(items, key=lambda x: x[0]):
                if isinstance(item, Candidate):
                    self._quote(item, intro if intro_at > last_close else None, previous)
                    last_close = item.close
                    tail = (item.person, "continued" if item.continued else "previous") if item.person else None
                elif (person := self._narrative(*item)) is not None:
                    intro, intro_at, tail = person, pos, (person, "intro")
            previous = tail

    def _quote(self, raw: Candidate, intro: Person | None, previous: tuple[Person, str] | None) -> None:
        """Give one quote its speaker, trying the attribution rules in order."""
        person, how = None, None
        if raw.cue:
            person, how, raw.phrase = self.people.resolve(raw.cue[0]), raw.cue[2], raw.cue[0]
        # A headline stands alone, and "she said" with nobody to point at is no one else's quote.
        if raw.para in self.headlines or (raw.cue and raw.cue[0].kind == "pronoun"):
            self._settle(raw, person, how)
            return
        if person is None and intro is not None:
            person, how = intro, "intro"
        if person is None and (same := self.para.nearest_attributed(raw)):
            person, how, raw.phrase = same.person or self.people.resolve(same.cue[0]), "paragraph", same.cue[0]
        if person is None and raw.unclosed:
            # A multi-paragraph quote is attributed once, on any of its chunks.
            for later in self.raws[raw.index + 1: raw.index + 8]:
                if not later.continued:
                    break
                if later.cue:
                    person, how = self.people.resolve(later.cue[0]), "chain"
                    break
        at_start = raw.open == self.body[raw.para][0] or raw.orphan
        if person is None and at_start and previous is not None:
            person, how = previous
        if person is None and at_start and raw.cue is None:
            # News style: a run of quote paragraphs attributed at the end of the next one or two.
            for later in self.raws[raw.index + 1: raw.index + 8]:
                if later.para > raw.para + 2 or (later.para == raw.para + 2 and raw.para + 1 not in self.by_para):
                    break
                if later.cue and later.cue[2] == "after" and later.cue[0].kind != "pronoun" \
                        and not later.cue[0].definite:
                    person, how = self.people.resolve(later.cue[0]), "forward"
                    break
        self._settle(raw, person, how)

    def _settle(self, raw: Candidate, person: Person | None, how: str | None) -> None:
        """Record a quote's speaker; link the protection cues of its attribution clause to them."""
        raw.person, raw.how = person, how if person is not None else None
        if person is not None:
            named_here = raw.phrase is not None and how in _DIRECT and raw.phrase.kind != "pronoun"
            raw.speaker_mention = self.people.mention_for(raw.phrase) if named_here else person.mention_id
            person.spoke = True
            self.people.touch(person)
            end = _clause_end(self.view, raw.close, self.para.next_open(raw.close, self.body[raw.para][1]),
                              self.settings.reach)
            self.people.protect_in(raw.lead_start, end, speaker=person, skip=self.para.spans,
                                   phrase=raw.phrase if how in _DIRECT else None)

    def _narrative(self, start: int, end: int) -> Person | None:
        """Read a sentence without quotes: link its protection cues; return the person it introduces."""
        subject = sentence_subject(self.view, start, end)
        # Protection first: "One inmate, who gave his first name, Daniel, said" names the inmate.
        self.people.protect_in(start, end, subject=subject)
        # The main clause's verb, the first: in "Greenberg noted that Clinton has rebounded and said she
        # can", Greenberg is who the sentence brings in.
        for verb_start, verb_end, verb in _verbs(self.view, start, end, _FINITE_INTRO_VERBS):
            if verb == "according to":
                phrase = parse_phrase(self.view, verb_end, end)
            else:
                phrase = parse_subject_before(self.view, start, verb_start, reach=self.settings.subject_reach)
            if phrase and phrase.category in SPEAKING:
                return self.people.resolve(phrase)
        if subject and subject.category in SPEAKING:
            self.people.resolve(subject)
        return None


def assemble_result(doc: Document, people: People, raws: list[Candidate], settings: QuoteSettings) -> QuoteResult:
    """The final quotes with speaker labels, the mentions made, and the protected people.

    Shared by every language's quote rules: ``raws`` are the kept candidates with their
    ``person``, ``how``, ``phrase``, ``cue`` and ``speaker_mention`` set.

    Args:
        doc: The document.
        people: The people tracked while reading it (labels protected ones at the end).
        raws: The kept quote candidates, in text order.
        settings: The quote settings (confidences by rule).

    Returns:
        The :class:`QuoteResult`.
    """
    first_quote: dict[Person, int] = {}
    for raw in raws:
        if raw.person is not None:
            first_quote.setdefault(raw.person, raw.start)
    labels, protected = people.finish(first_quote)
    quotes = []
    for raw in raws:
        person, label = raw.person, None
        if person is not None:
            label = labels.get(person)
            direct = raw.how in _DIRECT and raw.phrase is not None and raw.phrase.kind != "pronoun"
            if label is None and direct and not (raw.phrase.definite and person.names):
                label = raw.phrase.label
            elif label is None:
                label = person.names[0] if person.names else person.label
        attrs: dict[str, object] = {"cue": raw.cue[1] if raw.cue else None, "how": raw.how,
                                    "continued": raw.continued, "partial": raw.partial,
                                    "confidence": settings.confidence.of(raw.how)}
        if raw.phrase is not None and raw.how in _DIRECT:
            attrs["speaker_text"] = doc.text[raw.phrase.start: raw.phrase.end]
        mention = Mention(mention_id(doc.id, "quote", raw.start, raw.end), doc.id, raw.start, raw.end, "quote",
                          EXTRACTOR, doc.text[raw.start: raw.end], attrs)
        quotes.append(Quote(mention, label, raw.speaker_mention, None, person is not None and person in labels,
                            raw.reported_by))
    # Speaker mentions of people who never speak are working notes, not output.
    wanted = {q.speaker_mention_id for q in quotes} | {p.evidence.id for p in protected if p.evidence}
    mentions = sorted((m for m in people.mentions.values() if m.kind == "protection" or m.id in wanted),
                      key=lambda m: (m.start, m.kind))
    return QuoteResult(quotes, mentions, protected)
