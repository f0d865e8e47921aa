"""Tests that the analysis's cheap paths give exactly what the plain ones give.

Each shortcut (a prefix-tree regex, word checks before a costly pattern, sentence spans
shared between stages, a letter count that stops early, ``normalized`` leaving a text
without odd spaces alone) is compared with the plain computation it replaces, on the
sample reports, the hand-written texts of the quote tests and generated strings.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from corroborator.analyze import _shared, protection
from corroborator.analyze._figure_words import HINT, HINT_STEMS
from corroborator.analyze._regex import alternation
from corroborator.analyze.language import _has_letters
from corroborator.text import _SPACE_LIKE, normalized, sentences
from tests.test_quotes import HANDWRITTEN, SAMPLE_FILES, SAMPLES

TEXTS = [text for text, _, _ in HANDWRITTEN.values()] + [
    (SAMPLES / name).read_text(encoding="utf-8") for name in SAMPLE_FILES]
RUSSIAN = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "gold" / "ru").glob("*.txt"))]
#: Characters that Python's case-insensitive matching folds to or from ASCII letters ("ſ", "K", "İ", "ı").
ODD_FOLDS = "ſKİı"


def _variants(text: str, rng: random.Random, n: int = 20) -> list[str]:
    """``text`` with letters randomly upper-cased or swapped for their odd case folds."""
    swaps = {"s": "ſ", "k": "K", "i": "ı", "I": "İ"}
    out = [text, text.upper(), text.title()]
    for _ in range(n):
        out.append("".join(swaps.get(c, c) if rng.random() < 0.2 else c.upper() if rng.random() < 0.3 else c
                           for c in text))
    return out


@pytest.mark.parametrize("words", [
    ["die", "died", "dies", "dead", "death"],
    ["a", "ab", "abc", "b", "x.y", "re-ho", "(?", "ſ", "kill"],
    ["anonym", "pseudonym", "alias", "name", "identif", "identit", "guerre", "call", "referred"],
    [],
])
def test_alternation_matches_where_the_plain_alternation_does(words: list[str]) -> None:
    rng = random.Random(3)
    plain = re.compile("(?:" + "|".join(map(re.escape, words)) + ")" if words else "(?!)", re.I)
    tree = re.compile(alternation(words), re.I)
    alphabet = "".join(sorted(set("".join(words)))) + " .-Aa" + ODD_FOLDS
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        for pos in range(len(text) + 1):
            assert (plain.match(text, pos) is None) == (tree.match(text, pos) is None), (words, text, pos)
            assert (plain.search(text, pos) is None) == (tree.search(text, pos) is None)


def test_alternation_without_prefix_words_gives_the_same_matches() -> None:
    words = ["anonym", "pseudonym", "alias", "name", "identif", "identit", "guerre", "call", "referred"]
    plain = re.compile("|".join(words), re.I)
    tree = re.compile(alternation(words), re.I)
    for text in TEXTS:
        assert [m.span() for m in plain.finditer(text)] == [m.span() for m in tree.finditer(text)]


def test_figure_hint_finds_the_sentences_the_plain_hint_finds() -> None:
    plain = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, HINT_STEMS))) + ")", re.I)
    assert len(HINT_STEMS) > 50
    hits = 0
    for text in TEXTS + [_variant for t in TEXTS[:2] for _variant in (t.upper(), t.lower())]:
        for start, end in sentences(text):
            found = HINT.search(text, start, end)
            assert (plain.search(text, start, end) is None) == (found is None)
            hits += found is not None
    assert hits >= 20


CUE_PHRASES = [
    "spoke on condition of anonymity", "spoke anonymously", "remaining anonymous", "asked not to be named",
    "declined to be identified", "asked that his name not be used", "on condition that her identity be withheld",
    "refused to give his full name", "gave only her first name", "names have been changed",
    "identities were withheld", "to protect the man's identity", "not his real name", "withheld their names",
    "whose names we are withholding", "said Pavel (not his real name)", "Omar, a pseudonym", "Ali (an alias)",
    "Sara (names have been changed)", "Rita (name changed)", "whose real name is Ahmed Khan",
    "Her real name was Leila", "using the pseudonym Zaur", "known only as Musa", "gave his name only as M.",
    "a man we will call Adam", "referred to here as Timur", "asked to be called Aslan", "his first name, Daniel",
]


@pytest.mark.parametrize("pattern, needed", [
    (protection._ANONYMOUS, protection._NEEDS_ANONYMOUS),
    (protection._PSEUDONYM_AFTER, protection._NEEDS_PSEUDONYM_AFTER),
    (protection._REAL_NAME, protection._NEEDS_REAL_NAME),
])
def test_protection_patterns_never_match_without_their_needed_words(pattern: re.Pattern[str],
                                                                     needed: re.Pattern[str]) -> None:
    rng = random.Random(5)
    matched = 0
    for phrase in CUE_PHRASES:
        for text in _variants(phrase, rng):
            for match in pattern.finditer(text):
                matched += 1
                assert needed.search(match.group()), (pattern.pattern[:40], match.group())
    assert matched >= 2


def test_protection_cues_are_those_found_without_the_word_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    views = [normalized(t) for t in TEXTS] + [normalized(p) for p in CUE_PHRASES]
    fast = [protection.detect_cues(view) for view in views]
    for name in ("_NEEDS_ANONYMOUS", "_NEEDS_PSEUDONYM_AFTER", "_NEEDS_REAL_NAME"):
        monkeypatch.setattr(protection, name, re.compile(""))
    assert [protection.detect_cues(view) for view in views] == fast
    assert sum(map(len, fast)) >= 10


def test_shared_sentences_are_those_of_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_shared, "KEPT_CHARS", 3 * max(map(len, TEXTS + RUSSIAN)))
    for text in TEXTS + RUSSIAN + [""]:
        first = _shared.text_sentences(text)
        assert first == sentences(text)
        first.append((-1, -1))  # a caller changing its list changes nothing kept
        assert _shared.text_sentences(text) == sentences(text)
    assert sum(map(len, _shared._kept)) <= _shared.KEPT_CHARS
    assert _shared._kept_chars == sum(map(len, _shared._kept))
    assert 1 <= len(_shared._kept) < len(TEXTS + RUSSIAN)


def test_letter_count_stops_early_with_the_same_answer() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice("ab1 .\nжЁ中٣") for _ in range(rng.randint(0, 30)))
        wanted = rng.randint(-1, 25)
        assert _has_letters(text, wanted) == (sum(c.isalpha() for c in text) >= wanted)


def test_normalized_is_the_translation_of_odd_spaces() -> None:
    rng = random.Random(11)
    odd = "".join(map(chr, _SPACE_LIKE))
    for text in TEXTS + RUSSIAN[:3]:
        assert normalized(text) == text.translate(_SPACE_LIKE)
    for _ in range(3000):
        text = "".join(rng.choice("ab \n\u2008é" + odd) for _ in range(rng.randint(0, 15)))
        assert normalized(text) == text.translate(_SPACE_LIKE)
        assert len(normalized(text)) == len(text)
