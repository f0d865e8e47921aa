"""Settings: packaged defaults, a user's file over them, digest, pickling, and their effect."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
from pathlib import Path

import pytest

from corroborator.analyze import analyze, analyze_batch
from corroborator.analyze.clean import clean
from corroborator.analyze.quotes import MIN_WORDS, extract_quotes
from corroborator.consolidate.duplicates import find_duplicates
from corroborator.model import Document
from corroborator.settings import DEFAULTS, Settings, SettingsError, load_settings
from tests.conftest import PLAIN_ARTICLE

SCARE = "The town was left with “nothing but ruins” after the storm, residents said.\n"


def _doc(text: str, doc_id: str = "d1") -> Document:
    return Document(doc_id, f"{doc_id}.txt", doc_id, "text/plain", text)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_the_packaged_file() -> None:
    assert load_settings() is DEFAULTS
    assert DEFAULTS.quotes.min_words == MIN_WORDS == 4
    assert DEFAULTS.duplicates.threshold == 0.5 and DEFAULTS.claims.max_span_days == 31
    assert DEFAULTS.stages.document[0] == "clean.rules.v1"


def test_a_user_file_changes_only_what_it_names(tmp_path: Path) -> None:
    path = _write(tmp_path, "[quotes]\nmin_words = 3\n[quotes.confidence]\nafter = 0.5\n[duplicates]\nthreshold = 1\n")
    settings = load_settings(path)
    assert settings.quotes.min_words == 3 and settings.quotes.confidence.after == 0.5
    assert settings.duplicates.threshold == 1.0 and isinstance(settings.duplicates.threshold, float)
    assert settings.quotes.reach == DEFAULTS.quotes.reach and settings.clean == DEFAULTS.clean
    assert settings.quotes.confidence.before == DEFAULTS.quotes.confidence.before


@pytest.mark.parametrize(("text", "message"), [
    ("[quotes]\nmin_wrods = 3\n", "unknown setting 'quotes.min_wrods'"),
    ("[qoutes]\nmin_words = 3\n", "unknown setting 'qoutes'"),
    ("[quotes.confidence]\nsomething = 0.5\n", "unknown setting 'quotes.confidence.something'"),
    ('[quotes]\nmin_words = "3"\n', "setting 'quotes.min_words' must be an integer, not a string"),
    ("[quotes]\nmin_words = 3.5\n", "setting 'quotes.min_words' must be an integer, not a number"),
    ("[duplicates]\nthreshold = true\n", "setting 'duplicates.threshold' must be a number, not a boolean"),
    ("[duplicates]\nthreshold = 2.0\n", "setting 'duplicates.threshold' must be between 0 and 1"),
    ("quotes = 3\n", "setting 'quotes' must be a table"),
    ("[stages]\ndocument = \"clean.rules.v1\"\n", "setting 'stages.document' must be an array of strings"),
    ("[quotes\nmin_words = 3\n", "not a valid TOML file"),
])
def test_a_bad_user_file_names_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_missing_user_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no such settings file"):
        load_settings(tmp_path / "absent.toml")


def test_digest_is_the_sha256_of_the_canonical_json_and_follows_every_value() -> None:
    assert DEFAULTS.digest() == hashlib.sha256(DEFAULTS.to_json().encode("utf-8")).hexdigest()
    assert json.loads(DEFAULTS.to_json())["quotes"]["min_words"] == 4
    assert DEFAULTS.overlay({}).digest() == DEFAULTS.digest()
    changed = DEFAULTS.overlay({"timeline": {"similarity": 0.31}})
    assert changed.digest() != DEFAULTS.digest()
    assert DEFAULTS.overlay({"quotes": {"confidence": {"forward": 0.61}}}).digest() != DEFAULTS.digest()
    assert Settings.from_dict(json.loads(changed.to_json())) == changed


def test_from_dict_needs_every_key() -> None:
    data = DEFAULTS.to_dict()
    del data["claims"]["candidates"]
    with pytest.raises(SettingsError, match="setting 'claims.candidates' is missing"):
        Settings.from_dict(data, "stored.json")


def test_settings_are_frozen_and_pickle() -> None:
    settings = DEFAULTS.overlay({"clean": {"header_lines": 3}})
    copy = pickle.loads(pickle.dumps(settings))
    assert copy == settings and copy.digest() == settings.digest()
    assert hash(copy) == hash(settings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.clean.header_lines = 5  # type: ignore[misc]


def test_a_changed_threshold_changes_the_quotes_found() -> None:
    assert extract_quotes(_doc(SCARE), []).quotes == []
    settings = DEFAULTS.overlay({"quotes": {"min_words": 3, "confidence": {"after": 0.5}}})
    (quote,) = extract_quotes(_doc(SCARE), [], settings.quotes).quotes
    assert quote.mention.text == "nothing but ruins" and quote.speaker_label == "residents"
    assert quote.mention.attrs["confidence"] == 0.5


def test_a_changed_threshold_changes_the_cleaning() -> None:
    assert clean(PLAIN_ARTICLE).author == "Maria Lopez"
    assert clean(PLAIN_ARTICLE, settings=DEFAULTS.overlay({"clean": {"header_lines": 0}}).clean).author is None


def test_a_changed_threshold_changes_the_duplicates() -> None:
    a = _doc("Police detained forty people near the old bridge on Monday, witnesses told reporters.", "a")
    b = _doc("Police detained forty people near the old bridge on Monday, witnesses said.", "b")
    assert len(find_duplicates([a, b])) == 1
    assert find_duplicates([a, b], settings=DEFAULTS.overlay({"duplicates": {"threshold": 0.9}}).duplicates) == []


def test_analyze_passes_the_settings_to_the_stages() -> None:
    sentence = ("Police detained dozens of protesters who had gathered outside the regional ministry building in "
                "Riverton on 3 March 2021 to demand the release of the journalists.\n")
    settings = DEFAULTS.overlay({"stages": {"document": ["clean.rules.v1", "dates.rules.v1", "events.rules.v1"]},
                                 "dates": {"what_max_chars": 40}})
    (event,) = analyze(_doc(sentence), settings).events
    assert len(event.what) <= 40 and event.what.endswith("…")
    (default,) = analyze_batch([_doc(sentence)], settings.overlay({"dates": {"what_max_chars": 240}}))[0].events
    assert default.what == sentence.strip()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_threshold_that_is_not_a_finite_number_is_refused(tmp_path: Path, value: str) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(f"[clean]\ncontainment = {value}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"mine.toml: setting 'clean.containment' must be a finite number"):
        load_settings(mine)
