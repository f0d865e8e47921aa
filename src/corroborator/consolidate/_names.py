"""Name keys and the English-news cues that tell people from organisations.

Pure helpers shared by entity resolution and provenance: a comparison key for names,
word lists (honorifics, role nouns, organisation nouns, with the Russian organisation
words a lemmatised Russian name ends or starts with), title and appositive phrases
around a name, and a small union-find.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable

logger = logging.getLogger(__name__)

HONORIFICS = frozenset(
    "sir dame lord lady dr mr mrs ms miss prof professor sen gov gen col capt sgt sheikh imam rev father".split()
)
#: Nouns naming a person's role; a capitalised phrase ending in one before a name is a title.
ROLE_NOUNS = frozenset(
    "leader president minister premier chancellor secretary spokesman spokeswoman spokesperson director chief head "
    "governor mayor senator commander general official ambassador envoy activist journalist reporter editor lawyer "
    "prosecutor judge officer adviser advisor founder chairman chairwoman chair ceo strongman king queen prince "
    "mufti mp lawmaker deputy politician candidate researcher correspondent columnist presenter ombudsman "
    "commissioner inspector sheriff detective dictator ruler warlord".split()
)
#: Nouns naming an organisation; "newspaper X", "X, the paper" and "the network" use them.
ORG_NOUNS = frozenset(
    "newspaper paper daily weekly tabloid magazine outlet website broadcaster channel station network agency group "
    "organisation organization charity ngo watchdog company firm party publication foundation ministry union "
    "association coalition alliance federation institute commission council committee service monitor".split()
)
#: Russian organisation words, in the nominative a Russian mention's lemma gives: a name may
#: end ("Новая газета") or start ("Министерство внутренних дел") with one.
_ORG_WORDS_RU = frozenset(
    "газета новости агентство фонд центр комитет сеть партия служба министерство правительство суд прокуратура "
    "полиция организация ассоциация союз движение канал радио телеканал журнал издание университет банк компания "
    "корпорация комиссия федерация общество совет управление ведомство дума парламент".split()
)
#: Last words of organisation names ("The Moscow Times", "Human Rights Watch").
ORG_HEADS = frozenset(
    "times news post journal herald tribune gazette telegraph chronicle observer express mirror review press tv "
    "radio channel network networks broadcasting foundation group agency ministry committee council union party "
    "association institute watch international bureau office service police army court university bank company "
    "corporation commission federation alliance coalition organisation organization centre center fund trust "
    "society league movement forces government parliament assembly department authority inc ltd llc corp".split()
) | _ORG_WORDS_RU
#: First words of organisation names ("Ministry of Defence", "University of Kent").
ORG_LEADS = frozenset("ministry department university bank office committee council bureau institute".split()) | \
    _ORG_WORDS_RU
# Capitalised words that start a sentence or date a clause, never part of a title.
_TITLE_STOPS = frozenset(
    "the a an in on at by for with from after before when while as since during but and or if said says "
    "according to of january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_TITLE_JOINERS = frozenset({"of", "for", "and"})
_WORD = re.compile(r"[\w’'+-]+")
_TOKEN = re.compile(r"[\w’'+-]+|[^\w\s]")
_APPOSITIVE = re.compile(r",\s+(?:(the|a|an)\s+)((?:[\w’'-]+\s+){0,4}?([\w’'-]+))(?=[\s,.;:)]|$)")
_POSSESSIVE = ("’s", "'s")
_LAST_WORD = re.compile(r"([\w’'-]+)[ \t\u00a0]+$")


def normalise_name(text: str) -> str:
    """A name's comparison key: case-folded words without honorifics, articles and possessives."""
    words = [w.strip("’'").casefold() for w in _WORD.findall(text)]
    words = [w[:-2] if w.endswith(("’s", "'s")) else w for w in words]
    words = [w for w in words if w]
    while words and (words[0] in HONORIFICS or words[0] == "the"):
        words = words[1:]
    return " ".join(words)


def initials(key: str) -> str:
    """Initials of a multiword key, skipping joiners: "gay community news" -> "gcn"."""
    return "".join(w[0] for w in key.split() if w not in ("of", "for", "and", "the", "de"))


def org_by_shape(key: str) -> bool:
    """True when the words of a name alone say it is an organisation."""
    words = key.split()
    return bool(words) and (words[-1] in ORG_HEADS or (len(words) > 1 and words[0] in ORG_LEADS))


def title_before(text: str, start: int) -> tuple[int, int] | None:
    """Span of a title phrase right before a name at ``start`` ("Chechen leader", "FCO minister").

    Walks back over capitalised words, role nouns and joiners; the phrase must hold a role
    noun and at least one other word, and honorifics right before the name are skipped.
    """
    lo = max(0, start - 120)
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, lo, start)]
    # A comma right before the name allows the apposition "Chechnya's leader, Ramzan Kadyrov".
    if tokens and tokens[-1][2] == ",":
        tokens.pop()
    while tokens and tokens[-1][2].casefold().rstrip(".") in HONORIFICS:
        tokens.pop()
    if not tokens or "\n" in text[tokens[-1][1]:start]:
        return None
    # "Chechen leader X": modifiers before a role, no joiners (so "spokesperson for
    # Chechnya's leader, X" keeps only "Chechnya's leader"). "Minister of State for
    # Foreign Affairs X": a role governing a capitalised phrase, joiners allowed.
    joiners_ok = tokens[-1][2].casefold() not in ROLE_NOUNS
    words: list[tuple[int, int, str]] = []
    for tok in reversed(tokens):
        if words and "\n" in text[tok[1]:words[-1][0]]:
            break
        word = tok[2]
        low = word.casefold()
        bare = low[:-2] if low.endswith(_POSSESSIVE) else low
        joiner = bare in _TITLE_JOINERS
        if not word[0].isalnum() or (bare in _TITLE_STOPS and not joiner) or (joiner and not joiners_ok):
            break
        if not (word[0].isupper() or bare in ROLE_NOUNS or joiner):
            break
        words.append(tok)
    words.reverse()
    while words and words[0][2].casefold() in _TITLE_JOINERS:
        words.pop(0)
    roles = [i for i, w in enumerate(words) if w[2].casefold() in ROLE_NOUNS]
    if len(words) < 2 or not roles or words[-1][2].casefold() in _TITLE_JOINERS:
        return None
    # A role in the middle must govern what follows ("Minister of State for ...").
    if roles[-1] != len(words) - 1 and words[roles[-1] + 1][2].casefold() not in _TITLE_JOINERS:
        return None
    return words[0][0], words[-1][1]


def appositive_after(text: str, end: int) -> tuple[int, int, str] | None:
    """``(start, end, head)`` of ", the paper" / ", a Foreign Office minister" right after a name."""
    match = _APPOSITIVE.match(text, end, min(len(text), end + 80))
    if not match:
        return None
    head = match.group(3).casefold()
    if head not in ROLE_NOUNS and head not in ORG_NOUNS:
        return None
    return match.start(1), match.end(2), head


def word_before(text: str, start: int) -> str:
    """The word right before ``start`` on the same line, case-folded ("" if none)."""
    match = _LAST_WORD.search(text, max(0, start - 40), start)
    return match.group(1).casefold() if match else ""


class UnionFind:
    """Disjoint sets of hashable keys; ``find`` with path halving keeps merges near O(1)."""

    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}

    def find(self, key: Hashable) -> Hashable:
        """Root of ``key``'s set."""
        parent = self.parent
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, keep: Hashable, other: Hashable) -> bool:
        """Merge ``other``'s set into ``keep``'s; False if they were already one."""
        a, b = self.find(keep), self.find(other)
        if a == b:
            return False
        self.parent[b] = a
        return True
