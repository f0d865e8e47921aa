"""What the text around entity mentions says: titles, appositions, org cues, descriptions.

Everything here is per document and linear in its text: a backwards walk before each
name, one regex after it, one scan for definite descriptions ("the paper", "The
network") and one token scan for titles used without a name ("the Chechen leader").
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from corroborator.consolidate._names import (
    HONORIFICS,
    ORG_NOUNS,
    ROLE_NOUNS,
    appositive_after,
    normalise_name,
    title_before,
    word_before,
)
from corroborator.model import Document, Mention
from corroborator.text import sentences

logger = logging.getLogger(__name__)

_DESCRIPTION = re.compile(r"\b[Tt]he\s+(" + "|".join(sorted(ORG_NOUNS, key=len, reverse=True)) + r")\b(?![\w-])")
_LOWER_WORD = re.compile(r"[\w’'-]+")
_ROLE = re.compile(r"\b(?:" + "|".join(sorted(ROLE_NOUNS, key=len, reverse=True)) + r")\b", re.I)
#: Words before a name that make it an organisation ("the Novaya Gazeta", "newspaper X").
_ORG_BEFORE = ORG_NOUNS | {"the"}


@dataclass(slots=True)
class Cues:
    """Context cues of one mention: organisation or person evidence and alias spans."""

    org: int = 0
    person: int = 0
    aliases: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, via)
    heads: set[str] = field(default_factory=set)  # organisation nouns that describe it


def mention_cues(doc: Document, mention: Mention, label: str) -> Cues:
    """Cues around one entity mention in its document."""
    cues = Cues()
    text = doc.text
    before = word_before(text, mention.start)
    if label in ("PERSON", "ORG"):
        if before in _ORG_BEFORE and not mention.text[:1].islower():
            cues.org += 1
            if before in ORG_NOUNS:
                cues.heads.add(before)
        elif before.rstrip(".") in HONORIFICS:
            cues.person += 1
    apposition = appositive_after(text, mention.end)
    if apposition:
        start, end, head = apposition
        if head in ORG_NOUNS:
            cues.org += 1
            cues.heads.add(head)
        else:
            cues.person += 1
        cues.aliases.append((start, end, "appositive"))
    if label == "PERSON":
        title = title_before(text, mention.start)
        if title and "\n" not in text[title[1]:mention.start]:
            cues.person += 1
            cues.aliases.append((title[0], title[1], "title"))
    return cues


def sentence_starts(doc: Document) -> list[tuple[int, int]]:
    """Sentence spans of a document (cached by the caller per document)."""
    return sentences(doc.text)


def descriptions(doc: Document) -> Iterator[tuple[int, int, str]]:
    """Definite organisation descriptions in a document: ``(start, end, head noun)``."""
    for match in _DESCRIPTION.finditer(doc.text):
        yield match.start(), match.end(), match.group(1).casefold()


def previous_sentence_subject(
    sents: Sequence[tuple[int, int]], org_mentions: Sequence[tuple[int, int, object]], position: int
) -> object | None:
    """The organisation that opens the sentence before ``position`` ("The LGBT Foundation, which ...")."""
    k = bisect.bisect_right(sents, (position, 10**12)) - 1
    if k <= 0:
        return None
    s_start, s_end = sents[k - 1]
    starts = [m[0] for m in org_mentions]
    i = bisect.bisect_left(starts, s_start)
    if i < len(org_mentions) and org_mentions[i][0] - s_start <= 4 and org_mentions[i][0] < s_end:
        return org_mentions[i][2]
    return None


def word_key(word: str) -> str:
    """One word's comparison key: case-folded, quotes and possessive dropped."""
    low = word.strip("’'").casefold()
    return low[:-2] if low.endswith(("’s", "'s")) else low


def title_key(text: str) -> str:
    """Comparison key of a title: case-folded words, possessives dropped."""
    return " ".join(word_key(w) for w in _LOWER_WORD.findall(text))


def find_titles(doc: Document, titles: Mapping[tuple[str, ...], object]) -> Iterator[tuple[int, int, str]]:
    """Known titles used in ``doc`` without a name after them: ``(start, end, title key)``.

    Anchored on role nouns (one regex pass), so the cost is the number of role words in
    the text, not the number of titles known.
    """
    if not titles:
        return
    text = doc.text
    longest = max(len(t) for t in titles)
    for match in _ROLE.finditer(text):
        before = list(_LOWER_WORD.finditer(text, max(0, match.start() - 80), match.start()))[-(longest - 1):]
        after = list(_LOWER_WORD.finditer(text, match.end(), min(len(text), match.end() + 80)))[:longest - 1]
        words = [*before, match, *after]
        role_at = len(before)
        keys = [word_key(w.group()) for w in words]
        found = None
        for i in range(role_at + 1):
            for j in range(len(words), role_at, -1):
                if j - i >= 2 and tuple(keys[i:j]) in titles:
                    found = (i, j)
                    break
            if found:
                break
        if found is None:
            continue
        start, end = words[found[0]].start(), words[found[1] - 1].end()
        nxt = _LOWER_WORD.search(text, end, min(len(text), end + 40))
        # "Chechen leader Ramzan Kadyrov" is a titled name, handled with the name itself.
        if nxt is not None and "\n" not in text[end:nxt.start()] and (
                text[nxt.start()].isupper() or word_key(nxt.group()) in HONORIFICS):
            continue
        if "\n" in text[start:end]:
            continue
        yield start, end, " ".join(keys[found[0]:found[1]])


def role_words(text: str) -> set[str]:
    """Role nouns in a phrase ("Chechen leader" -> {"leader"})."""
    return {w for w in normalise_name(text).split() if w in ROLE_NOUNS}
