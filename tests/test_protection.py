"""Tests for protected-people detection: cues, labels, names to redact, and who is never protected.

The sample's gold (``tests/gold/quotes_chechnya.json``) lists each report's protected
people with the names redaction must hide, and the public figures who must never be
protected; the hand-written texts of ``test_quotes`` add pseudonyms in other styles.
"""

from __future__ import annotations

import pytest

from corroborator.extract.protection import detect_cues
from corroborator.extract.quotes import extract_quotes
from corroborator.model import ProtectedPerson
from corroborator.text import normalized
from tests.test_quotes import GOLD, HANDWRITTEN, SAMPLE_FILES, make_doc, run_sample

HANDWRITTEN_PROTECTED = {
    "politics": [("anonymous witness 1", ())],
    "court": [("Sarah", ("Sarah",)), ("anonymous witness 1", ())],
    "disaster": [("anonymous witness 1", ()), ("Mihai", ("Mihai",)), ("anonymous witness 2", ())],
    "prison": [("Daniel", ("Daniel",)), ("anonymous witness 1", ())],
    "protest": [("Olga", ("Olga",)), ("Pavel", ("Pavel",)), ("anonymous witness 1", ())],
    "wire": [("Oleh", ("Oleh",))],
}
HANDWRITTEN_NOT_PROTECTED = {
    "politics": ["Margaret Ellison", "David Okafor", "Priya Raman", "Robert Hale", "A spokesman for the Treasury"],
    "court": ["Anne Marlow", "Daniel Osei", "Linda Doyle", "Helen Brooks", "Care Quality Commission"],
    "disaster": ["Lucia Ferraro", "Andrei Popa", "A rescuer from the national fire service"],
    "prison": ["Carol Whitby", "Mark Denton", "Amira Hussain", "A prison officer"],
    "protest": ["Natalia Kharitonova", "Svetlana Tikhanovskaya", "Ales Mikhalevich"],
    "wire": ["Lysak", "Tetiana Kovalenko", "Zelenskyy", "Oleksandr Khorunzhyi"],
}


def protected_rows(protected: list[ProtectedPerson]) -> list[tuple[str, tuple[str, ...]]]:
    """(label, names) of each protected person, in order."""
    return [(p.label, p.names) for p in protected]


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("The young man spoke on the condition of anonymity—using the pseudonym Azmad and wearing sunglasses.",
         "pseudonym", "Azmad"),
        ("A care assistant, who gave evidence under the pseudonym \"Sarah\", told the jury.", "pseudonym", "Sarah"),
        ("A man in his sixties, who gave his name only as Mihai, said he had warned them.", "pseudonym", "Mihai"),
        ("He asked to be identified only by his first name, Daniel, for fear of reprisals.", "pseudonym", "Daniel"),
        ("Another detainee, Pavel (not his real name), said he was beaten.", "pseudonym", "Pavel"),
        ("the man told FRANCE 24, choosing to remain anonymous in fear of his safety.", "anonymous", None),
        ("said another resident, who asked that his name not be published.", "anonymous", None),
        ("His mother, who also asked not to be named, said she wrote four times.", "anonymous", None),
        ("One woman, who did not want to be identified, described the night.", "anonymous", None),
    ],
)
def test_protection_detect_cues_patterns(text: str, kind: str, name: str | None) -> None:
    cues = detect_cues(normalized(text))
    assert cues, text
    assert any(c.kind == kind and c.name == name for c in cues), cues


def test_protection_no_cue_in_plain_reporting() -> None:
    text = "The minister named three officials. Police said the name of the victim would be released on Monday."
    assert detect_cues(text) == []


def test_protection_asterisked_name_needs_a_footnote() -> None:
    body = "“My car got stopped at a checkpoint,” says ‘Ahmed’* one of the men who escaped.\n"
    footnote = "\n*The name has been changed to protect the person’s identity.\n"
    with_note = detect_cues(normalized(body + footnote))
    assert [(c.kind, c.name) for c in with_note if c.kind != "anonymous"] == [("pseudonym", "Ahmed"), ("footnote", None)]
    assert detect_cues(normalized(body + "\n*Terms and conditions apply.\n")) == []
    result = extract_quotes(make_doc(body + footnote), [])
    assert protected_rows(result.protected) == [("Ahmed", ("Ahmed",))]
    assert result.protected[0].evidence.text.startswith("*The name has been changed")
    assert result.quotes[0].speaker_label == "Ahmed" and result.quotes[0].protected


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_protection_sample_protected_people_and_names(name: str) -> None:
    doc, result = run_sample(name)
    want = [(p["label"], tuple(p["names"])) for p in GOLD[name]["protected"]]
    assert protected_rows(result.protected) == want
    # Every pseudonym the gold lists is among the names redaction will hide.
    names = {n for p in result.protected for n in p.names}
    assert {n for p in GOLD[name]["protected"] for n in p["names"]} <= names


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_protection_sample_public_figures_are_never_protected(name: str) -> None:
    _, result = run_sample(name)
    hidden = {n.lower() for p in result.protected for n in (p.label, *p.names)}
    for public in GOLD[name]["not_protected"]:
        assert public.lower() not in hidden
        for quote in result.quotes:
            if quote.speaker_label and public.lower().endswith(quote.speaker_label.lower()):
                assert not quote.protected, (public, quote.mention.text)


@pytest.mark.parametrize("name", sorted(HANDWRITTEN))
def test_protection_handwritten_protected_and_public(name: str) -> None:
    text, noise, _ = HANDWRITTEN[name]
    result = extract_quotes(make_doc(text, noise), [])
    assert protected_rows(result.protected) == HANDWRITTEN_PROTECTED[name]
    spoken_by = {q.speaker_label: q.protected for q in result.quotes if q.speaker_label}
    for public in HANDWRITTEN_NOT_PROTECTED[name]:
        matches = [label for label in spoken_by if label.lower() in public.lower() or public.lower() in label.lower()]
        assert matches, public
        assert not any(spoken_by[label] for label in matches), public


def test_protection_quotes_of_protected_people_carry_their_label() -> None:
    for name in SAMPLE_FILES:
        _, result = run_sample(name)
        labels = {p.label for p in result.protected}
        for quote in result.quotes:
            assert quote.protected == (quote.speaker_label in labels)


def test_protection_unnamed_survivors_are_protected_in_order_of_appearance() -> None:
    text = ("“They beat us every night,” said one man who was detained in March.\n\n"
            "“I still cannot sleep,” said a woman who was held with him.\n\n"
            "“These are lies,” said police spokesman Ivan Petrov.\n\n"
            "“They came at night,” one of the survivors said.\n")
    result = extract_quotes(make_doc(text), [])
    assert protected_rows(result.protected) == [("anonymous witness 1", ()), ("anonymous witness 2", ()),
                                                ("anonymous witness 3", ())]
    assert [q.speaker_label for q in result.quotes] == ["anonymous witness 1", "anonymous witness 2", "Ivan Petrov",
                                                         "anonymous witness 3"]
    assert [q.protected for q in result.quotes] == [True, True, False, True]


def test_protection_anonymous_official_is_protected_named_minister_is_not() -> None:
    text = ("According to a senior official, who spoke on condition of anonymity, the order came from the top.\n\n"
            "“Everyone knows who signed it,” the official said.\n\n"
            "“Nobody gave such an order,” said Interior Minister Paul Grant, speaking at a news conference.\n")
    result = extract_quotes(make_doc(text), [])
    assert [(q.speaker_label, q.protected) for q in result.quotes] == [("anonymous witness 1", True),
                                                                     ("Paul Grant", False)]
    assert result.protected[0].evidence.text == "anonymity"


def test_protection_mentions_cover_every_cue_exactly() -> None:
    doc, result = run_sample("004_aefdb54a032392ff.txt")
    cues = [m for m in result.mentions if m.kind == "protection"]
    assert {m.text for m in cues} >= {"anonymity", "anonymous", "Ahmed",
                                       "*The name has been changed to protect the person’s identity."}
    for mention in cues:
        assert doc.text[mention.start: mention.end] == mention.text
