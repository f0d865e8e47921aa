"""Settings: every threshold of the build in one frozen, picklable object.

The packaged ``defaults.toml`` holds every value. A user's TOML file names only what it
changes, under the same tables and keys, and :func:`load_settings` overlays it on the
defaults; an unknown key or a value of the wrong type is a :class:`SettingsError` naming
the file and the key. :data:`DEFAULTS` is the packaged settings; each function that uses
a threshold takes its section (``settings: QuoteSettings = DEFAULTS.quotes``) so callers
that pass nothing get the defaults.

A :class:`Settings` is plain data: it pickles (worker processes get it with each batch),
and :meth:`Settings.digest` is the sha256 of its canonical JSON (:meth:`Settings.to_json`),
so two builds with the same digest used the same thresholds and stages.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from corroborator.errors import CorroboratorError

__all__ = [
    "DEFAULTS",
    "ClaimSettings",
    "CleanSettings",
    "DateSettings",
    "DuplicateSettings",
    "EntitySettings",
    "FigureSettings",
    "IngestSettings",
    "LanguageSettings",
    "QuoteConfidence",
    "QuoteSettings",
    "REPORT_DEFAULTS",
    "ReportSettings",
    "Settings",
    "SettingsError",
    "StageSettings",
    "TimelineSettings",
    "TotalSettings",
    "load_settings",
]

#: Where the packaged defaults are, as error messages name them.
DEFAULTS_NAME = "corroborator/defaults.toml"


class SettingsError(CorroboratorError):
    """A settings file or value cannot be used; the message names the file and the key."""

    status = 400


def _bounded(low: float, high: float | None = None) -> Any:
    """A field whose value must lie in ``[low, high]``."""
    return field(metadata={"min": low, "max": high})


@dataclass(frozen=True)
class StageSettings:
    """Which registered stages run, by versioned name (see :mod:`corroborator.registry`).

    ``document``: the per-document stages (:data:`corroborator.analyze.STAGES`);
    ``case``: the cross-document steps of consolidation (:data:`corroborator.consolidate.CASE_STAGES`).
    """

    document: tuple[str, ...]
    case: tuple[str, ...]


@dataclass(frozen=True)
class LanguageSettings:
    """Language identification (:mod:`corroborator.analyze.language`).

    ``supported``: ISO 639-1 codes the extractors handle; a document in another language
    is stored and searchable, but no extractor runs on it. A document is called
    non-English only when it has at least ``min_letters`` letters (in its first
    ``sample_chars`` characters) and the detector gives that language at least
    ``min_confidence``; otherwise it is English.
    """

    supported: tuple[str, ...]
    min_letters: int = _bounded(0)
    min_confidence: float = _bounded(0, 1)
    sample_chars: int = _bounded(1)


@dataclass(frozen=True)
class CleanSettings:
    """Thresholds of the noise marker (:mod:`corroborator.analyze.clean`), in words or lines."""

    max_caption_words: int = _bounded(0)
    max_title_words: int = _bounded(0)
    max_standfirst_words: int = _bounded(0)
    max_pull_quote_words: int = _bounded(0)
    min_quoted_words: int = _bounded(0)
    shingle_words: int = _bounded(1)
    containment: float = _bounded(0, 1)
    header_lines: int = _bounded(0)


@dataclass(frozen=True)
class EntitySettings:
    """Named-entity recognition: ``model`` is a spaCy package name, empty for the first installed."""

    model: str


@dataclass(frozen=True)
class DateSettings:
    """Date resolution and dated events (:mod:`corroborator.analyze.dates`)."""

    future_grace_days: int = _bounded(0)
    what_max_chars: int = _bounded(2)


@dataclass(frozen=True)
class QuoteConfidence:
    """The confidence a quote records for each way its speaker was found."""

    after: float = _bounded(0, 1)
    before: float = _bounded(0, 1)
    partial: float = _bounded(0, 1)
    according: float = _bounded(0, 1)
    paragraph: float = _bounded(0, 1)
    chain: float = _bounded(0, 1)
    continued: float = _bounded(0, 1)
    previous: float = _bounded(0, 1)
    intro: float = _bounded(0, 1)
    subject: float = _bounded(0, 1)
    forward: float = _bounded(0, 1)

    def of(self, how: str | None) -> float:
        """The confidence of attribution rule ``how``; 0.0 for no speaker or an unknown rule."""
        return getattr(self, how) if how in _CONFIDENCE_RULES else 0.0


@dataclass(frozen=True)
class QuoteSettings:
    """Quotes, speakers and protection (:mod:`corroborator.analyze.quotes`); reaches in characters."""

    min_words: int = _bounded(0)
    reach: int = _bounded(1)
    subject_reach: int = _bounded(1)
    partial_gap: int = _bounded(0)
    confidence: QuoteConfidence


@dataclass(frozen=True)
class FigureSettings:
    """Figures (:mod:`corroborator.analyze.figures`)."""

    longest_source_name: int = _bounded(0)


@dataclass(frozen=True)
class DuplicateSettings:
    """Copies of one report (:mod:`corroborator.consolidate.duplicates`)."""

    shingle_words: int = _bounded(1)
    num_perm: int = _bounded(2)
    threshold: float = _bounded(0, 1)


@dataclass(frozen=True)
class ClaimSettings:
    """Grouping figures into claims (:mod:`corroborator.consolidate.claims`); times in days."""

    candidates: int = _bounded(0)
    max_span_days: int = _bounded(0)
    background_days: int = _bounded(0)
    report_window_days: int = _bounded(0)


@dataclass(frozen=True)
class TimelineSettings:
    """Merging dated events (:mod:`corroborator.consolidate.timeline`)."""

    similarity: float = _bounded(0, 1)
    num_perm: int = _bounded(1)
    band_rows: int = _bounded(1)


@dataclass(frozen=True)
class TotalSettings:
    """Case totals (:mod:`corroborator.consolidate.totals`)."""

    max_details: int = _bounded(0)


@dataclass(frozen=True)
class IngestSettings:
    """Caps on reading one input file (:mod:`corroborator.ingest`); sizes in bytes, time in seconds."""

    max_bytes: int = _bounded(1)
    max_line_bytes: int = _bounded(1)
    max_container_bytes: int = _bounded(1)
    max_seconds: float = _bounded(0.001)


@dataclass(frozen=True)
class Settings:
    """Every threshold of the build, by section; build one with :func:`load_settings`."""

    stages: StageSettings
    language: LanguageSettings
    clean: CleanSettings
    entities: EntitySettings
    dates: DateSettings
    quotes: QuoteSettings
    figures: FigureSettings
    duplicates: DuplicateSettings
    claims: ClaimSettings
    timeline: TimelineSettings
    totals: TotalSettings
    ingest: IngestSettings

    def to_dict(self) -> dict[str, Any]:
        """The settings as nested dicts of plain values (arrays as lists), as a TOML file spells them."""
        return _plain(self)

    def to_json(self) -> str:
        """Canonical JSON: keys sorted, no spaces; the same settings always give the same text."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def digest(self) -> str:
        """The sha256 (hex) of :meth:`to_json`."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def overlay(self, data: Mapping[str, Any], source: str = "settings") -> Settings:
        """These settings with the values of ``data`` (nested tables, as in a TOML file) put over them.

        Args:
            data: Tables and values to change; anything not named keeps its value.
            source: What ``data`` came from, for error messages (a file name).

        Raises:
            SettingsError: An unknown key, or a value of the wrong type or out of range.
        """
        return _build(Settings, data, source, "", self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "settings") -> Settings:
        """Complete settings from nested dicts (as :meth:`to_dict` or ``json.loads(to_json())`` give).

        Raises:
            SettingsError: A key missing or unknown, or a value of the wrong type.
        """
        return _build(cls, data, source, "", None)


_CONFIDENCE_RULES = frozenset(f.name for f in dataclasses.fields(QuoteConfidence))


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """The packaged defaults, with a user's TOML file put over them.

    Args:
        path: A TOML file holding the values to change; None gives the defaults.

    Raises:
        SettingsError: The file is missing, is not TOML, or holds an unknown key or a
            value of the wrong type; the message names the file and the key.
    """
    if path is None:
        return DEFAULTS
    name = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{name}: no such settings file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{name}: the settings file cannot be read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{name}: not a valid TOML file ({exc})") from exc
    return DEFAULTS.overlay(data, name)


def _plain(value: Any) -> Any:
    """A settings object as JSON-ready values."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of a settings class."""
    return typing.get_type_hints(cls)


def _build(cls: type, data: Any, source: str, prefix: str, base: Any) -> Any:
    """An instance of settings class ``cls`` from ``data`` over ``base`` (None: every key required)."""
    where = prefix.rstrip(".") or "the top level"
    if not isinstance(data, Mapping):
        raise SettingsError(f"{source}: setting '{where}' must be a table, not {_kind(data)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise SettingsError(f"{source}: unknown setting '{prefix}{unknown[0]}' "
                            f"(known in {where}: {', '.join(fields)})")
    values = {}
    for name, f in fields.items():
        key = prefix + name
        kind = _hints(cls)[name]
        current = getattr(base, name) if base is not None else None
        if name not in data:
            if base is None:
                raise SettingsError(f"{source}: setting '{key}' is missing")
            values[name] = current
        elif dataclasses.is_dataclass(kind):
            values[name] = _build(kind, data[name], source, key + ".", current)
        else:
            values[name] = _value(kind, data[name], source, key, f.metadata)
    return cls(**values)


def _value(kind: Any, value: Any, source: str, key: str, bounds: Mapping[str, Any]) -> Any:
    """``value`` checked against the field type ``kind`` and its bounds."""
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        wanted = "an integer"
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        wanted, value = "a number", float(value) if ok else value
    elif kind is str:
        ok, wanted = isinstance(value, str), "a string"
    elif typing.get_origin(kind) is tuple:
        ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
        wanted, value = "an array of strings", tuple(value) if ok else value
    else:  # pragma: no cover - every field type is one of the above
        raise TypeError(f"settings field {key} has an unsupported type {kind!r}")
    if not ok:
        raise SettingsError(f"{source}: setting '{key}' must be {wanted}, not {_kind(value)} ({value!r})")
    if kind is float and not math.isfinite(value):
        # TOML allows nan and inf; no threshold means anything with them (nan compares false to all).
        raise SettingsError(f"{source}: setting '{key}' must be a finite number, not {value!r}")
    low, high = bounds.get("min"), bounds.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        limits = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SettingsError(f"{source}: setting '{key}' must be {limits}, not {value!r}")
    return value


def _kind(value: Any) -> str:
    """How a TOML value's type reads in a message."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


@dataclass(frozen=True)
class ReportSettings:
    """How the static report is laid out (:mod:`corroborator.outputs.report`).

    The ``[report]`` table of ``defaults.toml``. It changes how a report is written,
    nothing a build makes, so it is kept apart from :class:`Settings` and its digest.

    Attributes:
        paged_over_documents: A case with more documents than this gets a report whose
            documents are in separate page files beside it; a smaller case gets one
            self-contained file.
        documents_per_page: Documents per page file of a paged report.
        items_per_page: Figures, quotes, dated events or entities per page file of a
            paged report (its long lists go to page files too).
    """

    paged_over_documents: int = _bounded(0)
    documents_per_page: int = _bounded(1)
    items_per_page: int = _bounded(1)


_PACKAGED = tomllib.loads(resources.files("corroborator").joinpath("defaults.toml").read_text(encoding="utf-8"))

#: The packaged settings (``defaults.toml``, but for its ``[report]`` table).
DEFAULTS: Settings = Settings.from_dict({k: v for k, v in _PACKAGED.items() if k != "report"}, DEFAULTS_NAME)

#: The packaged report layout (the ``[report]`` table of ``defaults.toml``).
REPORT_DEFAULTS: ReportSettings = _build(ReportSettings, _PACKAGED["report"], DEFAULTS_NAME, "report.", None)
