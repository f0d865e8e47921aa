"""Recognising the names of protected witnesses: which labels are names, and where they occur.

Used by :mod:`corroborator.redact`. A label is a *name* when it reads as a proper name
("Azmad", "Mr Ali Ahmed"); a *description* ("the man", "one person who was
arrested") identifies no one and is never searched for in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PSEUDONYM = "[Witness {}]"
PSEUDONYM_RE = re.compile(r"\[Witness \d+\]")
_LETTERS = re.compile(r"[^\W\d_]+")
# A label like "Ahmed, a gay man" or "Azmad (not his real name)" holds a name in one part.
_PARTS = re.compile(r"[,;()\[\]/]|\s[-–—]\s")
_STRIP = " \t\r\n'\"‘’“”*.,;:!?"
_PARTICLES = frozenset("al el bin ibn abu de del der den van von la le du da di dos".split())
_TITLES = frozenset("mr mrs ms miss dr sir prof".split())
# Words that describe a person without naming them: "The Man", "Anonymous Survivor 1".
_GENERIC = frozenset(
    """the a an one another other some this that his her their anonymous unnamed unidentified
    young old man men woman women person people boy girl guy survivor survivors witness witnesses
    victim victims source sources refugee prisoner detainee he she they him them""".split()
) | _TITLES


def norm(name: str) -> str:
    """Comparison key of a name: white space collapsed, case folded."""
    return " ".join(name.split()).casefold()


def _is_proper(phrase: str) -> bool:
    """Whether ``phrase`` reads as a proper name rather than a description."""
    words = _LETTERS.findall(phrase)
    if not words or sum(len(w) for w in words) < 2:
        return False
    if any(w[0].islower() and w.casefold() not in _PARTICLES for w in words):
        return False
    return any(w.casefold() not in _GENERIC for w in words)


def proper_names(label: str | None) -> list[str]:
    """The proper names inside a label or alias, with title-less and surname forms.

    Args:
        label: How a text refers to someone ("Azmad", "Mr Ali Ahmed", "the man").

    Returns:
        Names to redact, e.g. ``["Mr Ali Ahmed", "Ali Ahmed", "Ahmed"]``; empty for a
        description such as "one person who was arrested".
    """
    if not label or PSEUDONYM_RE.fullmatch(label.strip()):
        return []
    found: list[str] = []
    for part in _PARTS.split(label):
        part = " ".join(part.split()).strip(_STRIP)
        if not _is_proper(part):
            continue
        found.append(part)
        words = part.split()
        while len(words) > 1 and words[0].strip(".").casefold() in _TITLES:
            words = words[1:]
            found.append(" ".join(words))
        # News style names people by surname on second reference.
        last = words[-1].strip(_STRIP)
        if len(words) > 1 and len(last) >= 3 and _is_proper(last) and last.casefold() not in _PARTICLES:
            found.append(last)
    return list(dict.fromkeys(found))


def _name_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """One regex for some names: whole words, any white space between words, any case."""
    alternatives = sorted({r"\s+".join(map(re.escape, n.split())) for n in names}, key=len, reverse=True)
    # Letter boundaries, not \w: "Azmad2" still names Azmad, "Ahmedov" is someone else.
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(alternatives)})(?![^\W\d_])", re.IGNORECASE)


class NameMatcher:
    """Finds protected names in one pass over a text's words, not one regex per name."""

    def __init__(self, names: Iterable[str]):
        by_first: dict[str, list[str]] = {}
        for name in names:
            first = _LETTERS.match(name)
            by_first.setdefault(first.group().casefold() if first else "", []).append(name)
        self.by_word = {word: _name_pattern(group) for word, group in by_first.items() if word}
        # Names not starting with a letter are rare; they get a plain scan of the text.
        self.other = _name_pattern(by_first[""]) if "" in by_first else None

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Sorted, non-overlapping ``(start, end, matched text)`` of every protected name."""
        found = [(m.start(), m.end(), m.group()) for m in self.other.finditer(text)] if self.other else []
        end = 0
        for word in _LETTERS.finditer(text):
            pattern = self.by_word.get(word.group().casefold()) if word.start() >= end else None
            match = pattern.match(text, word.start()) if pattern else None
            if match:
                found.append((match.start(), match.end(), match.group()))
                end = match.end()
        if not self.other:
            return found
        kept: list[tuple[int, int, str]] = []
        for span in sorted(found, key=lambda s: (s[0], -s[1])):
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept
