"""Regex building blocks shared by the extractors' rules."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """A regex group matching exactly the literal ``words``, written as a prefix tree.

    ``(?:a(?:buse|rrest)|d(?:ead|ie(?:|d|s)))`` matches the same strings as
    ``(?:abuse|arrest|dead|die|died|dies)`` at the same positions, but Python's regex
    engine tries one branch per letter instead of every word at every position: a
    search over a long text with many words is several times faster. Where a word is a
    prefix of another the shorter one is tried first, so use it where any match will
    do (search, not the exact extent of the match).
    """
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(tree) if tree else "(?!)"


def _branches(node: dict[str, dict]) -> str:
    """The regex of one prefix-tree node (its words, as suffixes)."""
    branches = ["" if char == "" else re.escape(char) + _branches(node[char]) for char in sorted(node)]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
