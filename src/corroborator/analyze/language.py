"""Which language a document is in, offline, with lingua (``lingua-language-detector``).

The detector knows a small set of common news languages (:data:`LANGUAGES`) and runs
in lingua's low-accuracy mode (trigram models only), preloaded: about 0.1 s and 25 MB
once per process, against 1.5-2 s and 250-350 MB for the high-accuracy models; it is
built on first use (:func:`load_detector`), so a process that never identifies a
language never imports lingua.

The rule is conservative, because the extractors are English and a document wrongly
called foreign loses every extraction (:func:`detect_language`):

- the detector reads the first ``sample_chars`` characters of the text;
- a sample with fewer than ``min_letters`` letters is English (short texts, fixtures);
- otherwise the most likely language is taken if the detector gives it at least
  ``min_confidence``; below that, or when it names no language, the document is English
  (an English report full of foreign names scores low for every language, not high
  for the wrong one).

The result is an ISO 639-1 code ("en", "ru").
"""

from __future__ import annotations

from functools import cache
from typing import Any

from corroborator.settings import DEFAULTS, LanguageSettings

#: The code a document gets when the detector is not confident (treated as English).
FALLBACK = "en"

#: Languages the detector tells apart (lingua's names); Chechen is not in lingua.
LANGUAGES = ("ENGLISH", "RUSSIAN", "UKRAINIAN", "FRENCH", "GERMAN", "SPANISH", "PORTUGUESE", "ITALIAN",
             "ARABIC", "TURKISH", "CHINESE", "PERSIAN", "POLISH")


@cache
def load_detector() -> Any:
    """The lingua detector over :data:`LANGUAGES`, built once per process."""
    from lingua import Language, LanguageDetectorBuilder  # heavy optional dependency: loaded on first use

    languages = [getattr(Language, name) for name in LANGUAGES]
    return (LanguageDetectorBuilder.from_languages(*languages)
            .with_low_accuracy_mode().with_preloaded_language_models().build())


def detect_language(text: str, settings: LanguageSettings = DEFAULTS.language) -> str:
    """The ISO 639-1 code of the language ``text`` is in; "en" unless the detector is confident.

    See the module docstring for the rule.
    """
    sample = text[:settings.sample_chars]
    if not _has_letters(sample, settings.min_letters):
        return FALLBACK
    values = load_detector().compute_language_confidence_values(sample)
    if not values or values[0].value < settings.min_confidence:
        return FALLBACK
    return values[0].language.iso_code_639_1.name.lower()


def _has_letters(text: str, wanted: int) -> bool:
    """Whether ``text`` holds at least ``wanted`` letters (counting stops once it has them)."""
    if wanted <= 0:
        return True
    found = 0
    for char in text:
        if char.isalpha():
            found += 1
            if found >= wanted:
                return True
    return False


def no_extraction_message(language: str) -> str:
    """What a document in an unsupported language is flagged with."""
    return f"no extraction for language {language}"
