"""Quality gate for the attribution constructions news writing uses everywhere.

Every text below is hand-written for this test, in the style of wire, newspaper and
web reporting; the people and organisations are invented. Each construction has its
own case, named after it, and the whole set has recall, precision and speaker floors.
Gold rows are ``(how the quote content starts, speaker label)``; a speaker of ``None``
means the quote has no speaker the text names.
"""

from __future__ import annotations

import pytest

from corroborator.analyze.quotes import extract_quotes
from corroborator.model import Document

CASES: dict[str, tuple[str, list[tuple[str, str | None]]]] = {
    # -- cue verbs beyond "said" ----------------------------------------------------
    "told": ("“We will appeal the ruling,” Marta Levin told reporters on Friday.",
             [("We will appeal", "Marta Levin")]),
    "added": ("“The bridge is safe,” the engineer said. “We checked every bolt,” she added.",
              [("The bridge is safe", "the engineer"), ("We checked every bolt", "the engineer")]),
    "explained and noted": ("Dr. Aidan Roe explained: “The virus spreads in crowded rooms.” "
                            "He noted that masks “cut the risk by half.”",
                            [("The virus spreads", "Aidan Roe"), ("cut the risk by half", "Aidan Roe")]),
    "wrote": ("“Nobody told us the water was unsafe,” Paula Grant wrote in an e-mail to the council.",
              [("Nobody told us", "Paula Grant")]),
    "argued and insisted": ("“The tax is unfair to farmers,” argued Sen. Dale Whitford. "
                            "“It has to go,” he insisted.",
                            [("The tax is unfair", "Dale Whitford"), ("It has to go", "Dale Whitford")]),
    "recalled and warned": ("“The river rose in an hour,” recalled Omar Haddad, a shop owner. "
                            "“It will happen again,” he warned.",
                            [("The river rose", "Omar Haddad"), ("It will happen again", "Omar Haddad")]),
    "asked": ("“Who pays for the repairs?” asked Gov. Lena Ortiz.", [("Who pays for the repairs?", "Lena Ortiz")]),
    "according to": ("The plant will close in March, according to a statement from Helix Corp. "
                     "“This was a hard decision,” according to Helix chief executive Ray Tan.",
                     [("This was a hard decision", "Ray Tan")]),
    "in a statement": ("“We are cooperating fully with investigators,” the company said in a statement.",
                       [("We are cooperating", "the company")]),
    "on Twitter": ("Rep. Nora Blake wrote on Twitter: “This vote is a disgrace.”",
                   [("This vote is a disgrace", "Nora Blake")]),
    "two-word cue": ("“That is simply false,” Mayor Tom Reyes shot back.", [("That is simply false", "Tom Reyes")]),
    # -- honorifics and titles ------------------------------------------------------
    "Mr. and Ms.": ("“The deal is done,” said Mr. Kagame. “Not yet,” Ms. Hollis replied.",
                    [("The deal is done", "Kagame"), ("Not yet", "Hollis")]),
    "Gen. and Dr.": ("“Our troops are ready,” Gen. Paul Marsh said. "
                     "“So are the hospitals,” said Dr. Ines Vale.",
                     [("Our troops are ready", "Paul Marsh"), ("So are the hospitals", "Ines Vale")]),
    "party and state": ("“The veto will be overridden,” Senate Majority Leader Carl Hobbs, R-Ky., said Tuesday.",
                        [("The veto will be overridden", "Carl Hobbs")]),
    "party bracket": ("“It is a dog whistle,” Rep. Jean Moore (D-Wis.) said on Friday.",
                      [("It is a dog whistle", "Jean Moore")]),
    "initials and acronyms": ("“The sentence is fair,” Assistant U.S. Attorney Maya D. Song wrote.",
                              [("The sentence is fair", "Maya D. Song")]),
    "lower-case titles": ("“We should lay off the governor a little,” Senate minority leader Harry Dunn said.",
                          [("We should lay off", "Harry Dunn")]),
    # -- where the name stands ------------------------------------------------------
    "name, title of org": ("“Prices will rise,” said Amy Chen, chief economist at Baxter Bank.",
                           [("Prices will rise", "Amy Chen")]),
    "appositive before verb": ("“The polls were too early,” Steve Ruiz, a former political director of the "
                               "union and progressive organizer, wrote in an email.",
                               [("The polls were too early", "Steve Ruiz")]),
    "double appositive": ("“It is an invasion of state authority,” Scott Pardo, the attorney general of Utah, "
                          "one of the states suing the agency, said.",
                          [("It is an invasion", "Scott Pardo")]),
    "apposition before quote": ("Lina Park, the spokeswoman at the Ministry of Health, said “the numbers are "
                                "still rising in the north.”",
                                [("the numbers are still rising", "Lina Park")]),
    "possessive employer": ("“Voters want change,” Gallup’s Jeffrey M. Jonas wrote in April.",
                            [("Voters want change", "Jeffrey M. Jonas")]),
    "paired apostrophes": ("''If you want to win, you go with the winner,'' Mr. Brandt said in an interview.",
                           [("If you want to win", "Brandt")]),
    "attribution closing the sentence": ("“Many would call that an embarrassment” if she lost the state, said "
                                         "David Weiss, an analyst at the Cook Report.",
                                         [("Many would call that", "David Weiss")]),
    # -- colon introductions --------------------------------------------------------
    "name and outlet colon": ("Pollster Dana Shaw, Gallup: “Turnout will decide this race.”",
                              [("Turnout will decide", "Dana Shaw")]),
    "clause colon": ("The timing does not surprise Republican pollster Daron Shea: “Lesser-known candidates "
                     "often surge late.”",
                     [("Lesser-known candidates", "Daron Shea")]),
    "verb colon": ("Cruz called them on it: “The questions in this debate explain why people distrust you.”",
                   [("The questions in this debate", "Cruz")]),
    "dash signature": ("“I am truly afraid of what comes next.” ― Karen Bolado",
                       [("I am truly afraid", "Karen Bolado")]),
    # -- partial quotes -------------------------------------------------------------
    "called the plan": ("Gov. Ann Rowe called the plan “illogical” on Monday.", [("illogical", "Ann Rowe")]),
    "that-clause": ("In the depths of the recession, Paul Rhine worried that the safety net was becoming "
                    "“a hammock that lulls people.”",
                    [("a hammock that lulls", "Paul Rhine")]),
    "elided subject": ("The senator said she had not read the bill, but called it a “starting point for our "
                       "talks.”",
                       [("starting point for our talks", "The senator")]),
    "-ing clause": ("In 2016, Mrs. Schaffer endorsed Mr. Holt for president, saying he had ''the courage and "
                    "the energy'' to win.",
                    [("the courage and the energy", "Schaffer")]),
    "as X put it": ("As Akhil Sen, a professor of law at Yale, put it, “The court is the prize.”",
                    [("The court is the prize", "Akhil Sen")]),
    # -- quotes that run on ---------------------------------------------------------
    "run on across sentences": ("“We lost everything,” said Rosa Mendez. “The house, the car, the photos.”",
                                [("We lost everything", "Rosa Mendez"), ("The house, the car", "Rosa Mendez")]),
    "run on across paragraphs": ("“The first wave hit at night,” said Ivo Brandt, a fisherman.\n\n"
                                 "“By morning the harbour was gone.”",
                                 [("The first wave hit", "Ivo Brandt"), ("By morning the harbour", "Ivo Brandt")]),
    # -- pronoun speakers -----------------------------------------------------------
    "pronoun after intro": ("Just a few months ago, developer Mel Samson expressed dismay at the idea. "
                            "“I kept telling myself it can't happen,” he told the Tampa Times.",
                            [("I kept telling myself", "Mel Samson")]),
    "pronoun with gender": ("Senator Julia Weiss met the governor, Tom Barrow, on Monday. "
                            "“We agree on nothing,” she said.",
                            [("We agree on nothing", "Julia Weiss")]),
    # -- no speech: nothing to find -------------------------------------------------
    "so-called": ("The so-called “peace plan” was never published, officials said.", []),
    "titles of works": ("She watched “Face the Nation” and read “The Long Road Home” last week.", []),
}


def _doc(text: str) -> Document:
    return Document(id="n" * 64, path="news.txt", sha256="n" * 64, media_type="text/plain", text=text + "\n")


def _score(case: str) -> tuple[int, int, int, int, list[tuple[str, str | None]]]:
    """(gold quotes, found, found with the right speaker, predicted, what was found) for one case."""
    text, gold = CASES[case]
    quotes = extract_quotes(_doc(text), []).quotes
    found = right = 0
    for start, speaker in gold:
        match = next((q for q in quotes if q.mention.text.startswith(start)), None)
        if match is not None:
            found += 1
            right += match.speaker_label == speaker
    return len(gold), found, right, len(quotes), [(q.mention.text[:30], q.speaker_label) for q in quotes]


@pytest.mark.parametrize("case", sorted(CASES))
def test_news_construction(case: str) -> None:
    n_gold, found, right, predicted, detail = _score(case)
    assert found == n_gold, detail
    assert right == n_gold, detail
    assert predicted == n_gold, detail


def test_news_constructions_quality_gate() -> None:
    totals = [sum(column) for column in zip(*(_score(case)[:4] for case in CASES))]
    n_gold, found, right, predicted = totals
    recall, speaker, precision = found / n_gold, right / found, found / predicted
    print(f"news constructions: recall {recall:.3f}  speaker {speaker:.3f}  precision {precision:.3f}  "
          f"({n_gold} gold quotes in {len(CASES)} cases)")
    assert recall >= 0.95 and speaker >= 0.95 and precision >= 0.95


def test_news_gate_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    # The scorer is not vacuous: a wrong speaker, a missing quote and an extra quote all count against it.
    text, _ = CASES["told"]
    monkeypatch.setitem(CASES, "wrong speaker", (text, [("We will appeal", "Someone Else")]))
    monkeypatch.setitem(CASES, "missing quote", (text, [("We will appeal", "Marta Levin"), ("Not there", None)]))
    monkeypatch.setitem(CASES, "extra quote", (text, []))
    assert _score("wrong speaker")[:4] == (1, 1, 0, 1)
    assert _score("missing quote")[:4] == (2, 1, 1, 1)
    assert _score("extra quote")[:4] == (0, 0, 0, 1)
