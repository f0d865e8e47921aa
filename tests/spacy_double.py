"""The parts of a parsed spaCy document that the entity stage reads, for tests without a model."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Span:
    """An entity span as ``Doc.ents`` gives it."""

    start_char: int
    end_char: int
    label_: str


@dataclass
class Parsed:
    """A parsed document: its entity spans."""

    ents: list[Span] = field(default_factory=list)
