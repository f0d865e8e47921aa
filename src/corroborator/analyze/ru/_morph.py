"""The pymorphy3 analyser, loaded once per process, and cached word parses."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any


@cache
def analyzer() -> Any:
    """The pymorphy3 Russian morphological analyser (dictionaries from ``pymorphy3-dicts-ru``)."""
    import pymorphy3  # heavy optional dependency: loaded on first use

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=65536)
def parses(word: str) -> tuple[Any, ...]:
    """Every pymorphy3 parse of ``word`` (lower-cased, ё as е), best first."""
    return tuple(analyzer().parse(word.lower().replace("ё", "е")))

