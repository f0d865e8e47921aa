"""Tests for protected-people detection: cues, labels, names to redact, and who is never protected.

The sample's gold (``tests/gold/quotes_chechnya.json``) lists each report's protected
people with the names redaction must hide, and the public figures who must never be
protected; the hand-written texts of ``test_quotes`` add pseudonyms in other styles.
"""

from __future__ import annotations

import pytest

from corroborator.analyze._speakers import about_subject
from corroborator.analyze.protection import detect_cues
from corroborator.analyze.quotes import extract_quotes
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


# -- named witnesses who asked not to be named -------------------------------------------

CELLAR = "“They beat us every night in the cellar,”"


@pytest.mark.parametrize(
    ("text", "label", "names"),
    [
        (f"{CELLAR} said Zelimkhan, who asked not to be named.", "Zelimkhan", ("Zelimkhan",)),
        (f"{CELLAR} said Zelimkhan, who spoke on condition of anonymity.", "Zelimkhan", ("Zelimkhan",)),
        (f"{CELLAR} said Zelimkhan, 27, who spoke on condition of anonymity.", "Zelimkhan", ("Zelimkhan",)),
        (f"{CELLAR} Zelimkhan said. He asked not to be named.", "Zelimkhan", ("Zelimkhan",)),
        (f"{CELLAR} said M., who asked not to be named.", "M.", ("M.",)),
        (f"{CELLAR} said Leila, who did not want to be identified.", "Leila", ("Leila",)),
        (f"{CELLAR} said Aminat, who declined to give her full name.", "Aminat", ("Aminat",)),
        (f"{CELLAR} said a woman identified only as Leila.", "Leila", ("Leila",)),
        (f"{CELLAR} said a 34-year-old who gave only her first name, Madina.", "Madina", ("Madina",)),
        (f"{CELLAR} Azmad told us, asking that his surname not be published.", "Azmad", ("Azmad",)),
        (f"{CELLAR} Zelimkhan said, speaking on condition of anonymity.", "Zelimkhan", ("Zelimkhan",)),
        (f"Zelimkhan, 27, spoke to the BBC on condition of anonymity. {CELLAR} he said.", "Zelimkhan",
         ("Zelimkhan",)),
        (f"Zelimkhan, who asked not to be named, said: “They beat us every night in the cellar.”", "Zelimkhan",
         ("Zelimkhan",)),
        # A description and a name beside it are one person, not two.
        (f"{CELLAR} said one man, Zelimkhan, who asked not to be named.", "Zelimkhan", ("Zelimkhan",)),
        (f"Asked to be called Azmad, the man said “they beat us every night in the cellar” and left.", "Azmad",
         ("Azmad",)),
    ],
)
def test_protection_named_speaker_who_asked_not_to_be_named(text: str, label: str, names: tuple[str, ...]) -> None:
    result = extract_quotes(make_doc(text + "\n"), [])
    assert protected_rows(result.protected) == [(label, names)]
    assert [(q.speaker_label, q.protected) for q in result.quotes] == [(label, True)]


def test_protection_anonymous_officials_are_protected_without_names() -> None:
    one = ("“The order came from the top,” said a senior official, who spoke on condition of anonymity because "
           "he was not authorised to speak to the media.\n")
    result = extract_quotes(make_doc(one), [])
    assert protected_rows(result.protected) == [("anonymous witness 1", ())]
    assert result.quotes[0].protected
    two = ("“The order came from the top,” said two officials, who spoke on condition of anonymity because "
           "they were not authorised to speak.\n")
    # A group has no name to leak and no one person's testimony to hide.
    assert extract_quotes(make_doc(two), []).protected == []


@pytest.mark.parametrize(
    "text",
    [
        "“Nobody gave such an order,” said Interior Minister Paul Grant, citing an official who asked not to be "
        "named.",
        "“Nobody gave such an order,” Paul Grant said. He said the guards spoke on condition of anonymity.",
        "“Nobody gave such an order,” said Paul Grant, adding that witnesses spoke on condition of anonymity.",
        "“Nobody gave such an order,” Paul Grant told Reuters. His deputy asked not to be named.",
        "“The singer, whose real name is Ivan Petrov, was not there,” said Paul Grant.",
        "“Nobody was tortured,” said Paul Grant, who interviewed survivors on condition of anonymity.",
    ],
)
def test_protection_cue_about_someone_else_leaves_named_speaker_public(text: str) -> None:
    result = extract_quotes(make_doc(text + "\n"), [])
    assert [(q.speaker_label, q.protected) for q in result.quotes] == [("Paul Grant", False)]
    assert "Paul Grant" not in {n for p in result.protected for n in (p.label, *p.names)}


def test_protection_every_name_of_a_witness_is_hidden() -> None:
    # The real name, a later full name, and a first-name reference to a two-word pseudonym.
    text = (f"{CELLAR} said a man who gave his name only as Aslan.\n"
            "Aslan, whose real name is Ruslan Magomedov, fled.\n")
    assert protected_rows(extract_quotes(make_doc(text), []).protected) == [("Aslan", ("Aslan", "Ruslan Magomedov"))]
    text = f"{CELLAR} said Zelimkhan, who asked not to be identified by his full name. Zelimkhan Bakaev fled.\n"
    assert protected_rows(extract_quotes(make_doc(text), []).protected) == [
        ("Zelimkhan", ("Zelimkhan", "Zelimkhan Bakaev"))]
    text = f"A man who spoke using the pseudonym Ali Ahmed was held. {CELLAR} Ali told us.\n"
    result = extract_quotes(make_doc(text), [])
    assert protected_rows(result.protected) == [("Ali Ahmed", ("Ali Ahmed", "Ali"))]
    assert result.quotes[0].protected
    text = f"Ali Ahmed (not his real name) was held for a month. {CELLAR} Ali said.\n"
    assert protected_rows(extract_quotes(make_doc(text), []).protected) == [("Ali Ahmed", ("Ali Ahmed",))]


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("said Aminat, who declined to give her full name.", "anonymous", None),
        ("told us, asking that his surname not be published.", "anonymous", None),
        ("a 34-year-old who gave only her first name, Madina.", "pseudonym", "Madina"),
        ("a woman identified only as Leila said", "pseudonym", "Leila"),
        ("Asked to be called Azmad, the man said", "pseudonym", "Azmad"),
        ("said Ali Ahmed (not his real name), who fled.", "pseudonym", "Ali Ahmed"),
        ("Aslan, whose real name is Ruslan Magomedov, fled.", "real_name", "Ruslan Magomedov"),
        ("His real name is Ruslan Bakayev.", "real_name", "Ruslan Bakayev"),
        ("A man who gave his name only as M. said", "pseudonym", "M."),
        ("A man we will call Ruslan said he was beaten.", "pseudonym", "Ruslan"),
        ("A man whom we are calling Ruslan said", "pseudonym", "Ruslan"),
        ("A survivor, referred to here as Ruslan, said", "pseudonym", "Ruslan"),
        ("One man, whose name has been changed to Ruslan for his safety, said", "pseudonym", "Ruslan"),
        ("Ruslan, whose name we are withholding for his safety, said", "anonymous", None),
        ("He spoke on condition that his surname not be used.", "anonymous", None),
    ],
)
def test_protection_detect_more_cue_patterns(text: str, kind: str, name: str | None) -> None:
    assert any(c.kind == kind and c.name == name for c in detect_cues(normalized(text))), detect_cues(text)


@pytest.mark.parametrize(
    ("gap", "about"),
    [
        (" ", True),
        (" said, speaking on condition of ", True),
        (", 27, spoke to the BBC on condition of ", True),
        (" told Reuters, ", True),
        (" said the guards spoke on condition of ", False),
        (" said he spoke on condition of ", False),
        (" said Jones spoke on condition of ", False),
        (", adding that witnesses spoke on condition of ", False),
        (". He spoke on condition of ", False),
        (" " + "x " * 70, False),
    ],
)
def test_protection_about_subject_reads_the_gap(gap: str, about: bool) -> None:
    text = "Zelimkhan" + gap + "anonymity"
    assert about_subject(text, len("Zelimkhan"), len(text) - len("anonymity")) is about


def test_protection_asterisked_names_on_one_long_line() -> None:
    # The footnote search reads each stretch of text once, and still tells a marked name
    # (inside a line) from the footnote (opening its line).
    line = "“We were taken,” says ‘Omar’* who fled. " * 2000
    cues = detect_cues(line + "\n*The name has been changed to protect the person’s identity.\n")
    names = [c for c in cues if c.kind == "pseudonym"]
    assert len(names) == 2000 and {c.name for c in names} == {"Omar"}
    assert "footnote" in [c.kind for c in cues if c.start > len(line)]
    assert all(c.start < len(line) for c in names)


def test_protection_initial_pseudonym_and_real_name_after_the_quote() -> None:
    # "M." is a pseudonym like any other; "His real name is ..." after a witness's quote is theirs to hide.
    text = (f"A man who gave his name only as M. was held. {CELLAR} M. told us.\n"
            '"I cannot go back," said Adam, who asked to be called Adam. His real name is Ruslan Bakayev.\n')
    result = extract_quotes(make_doc(text), [])
    assert protected_rows(result.protected) == [("M.", ("M.",)), ("Adam", ("Adam", "Ruslan Bakayev"))]
    assert [q.protected for q in result.quotes] == [True, True]


def test_protection_phoning_someone_is_no_pseudonym() -> None:
    assert detect_cues(normalized("We called Amnesty International and the ministry for comment.")) == []


def test_protection_real_name_of_a_public_figure_protects_nobody() -> None:
    text = 'The minister, Alan Duncan, spoke to reporters. His full name is Alan James Duncan.\n'
    assert extract_quotes(make_doc(text), []).protected == []
