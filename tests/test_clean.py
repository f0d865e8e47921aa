"""Tests for the cleaner: noise lines marked (never deleted) and metadata lifted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corroborator.analyze.clean import Cleaned, clean
from corroborator.model import NOISE_KINDS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "chechnya-2017"
GOLD = json.loads((Path(__file__).parent / "gold" / "noise_chechnya.json").read_text(encoding="utf-8"))
GOLD_FILES = sorted(name for name in GOLD if not name.startswith("_"))


def line_kinds(text: str, cleaned: Cleaned) -> dict[int, str]:
    """1-based line number -> kind, for every non-blank line a noise span covers whole."""
    kinds = {}
    start = 0
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped:
            s = start + raw.index(stripped[0])
            e = s + len(stripped)
            for span in cleaned.noise:
                if span.start <= s and e <= span.end:
                    kinds[number] = span.kind
        start += len(raw) + 1
    return kinds


def marked(text: str, cleaned: Cleaned) -> list[str]:
    """The stripped text of every noise span."""
    return [text[n.start : n.end].strip() for n in cleaned.noise]


def assert_well_formed(text: str, cleaned: Cleaned) -> None:
    """Spans are sorted, disjoint, whole lines, and of a known kind."""
    previous_end = -1
    for span in cleaned.noise:
        assert span.kind in NOISE_KINDS
        assert previous_end < span.start < span.end <= len(text)
        assert span.start == 0 or text[span.start - 1] == "\n"
        assert span.end == len(text) or text[span.end] in "\r\n"
        assert "\n" not in text[span.start : span.end]
        previous_end = span.end


BYLINE_ARTICLE = (
    "Activists report new detentions in Grozny\n"
    "By Jane van Dyke\n"
    "Published: March 3, 2021 at 10:15 a.m. EST\n"
    "\n"
    "Human rights groups said on Tuesday that at least 12 men had been detained in Grozny.\n"
    "\n"
    "\u201cWe are receiving calls every night,\u201d said one volunteer who asked not to be named.\n"
)

SBS_STYLE = (
    "\u201cI left everything behind when I ran. I did not even say goodbye to my mother.\u201d\n"
    "Daniel Okafor\n"
    "\n"
    "5\u00a0Jun 2017 - 1:51 PM\u00a0 UPDATED\u00a05\u00a0Jun\u00a02017\u00a0-\u00a01:52\u00a0PM\n"
    "\n"
    "A young man has described how he fled the region after police raided his flat.\n"
    "\n"
    "\u201cI left everything behind when I ran. I did not even say goodbye to my mother,\u201d he said.\n"
)

TEASER_ARTICLE = (
    "Police in the capital detained 30 protesters on Saturday, organisers said.\n"
    "\n"
    "The march had been announced a week in advance and was peaceful, witnesses said.\n"
    "\n"
    "Minister denies any arrests took place in the capital\n"
    "\u201cNobody was detained; these are fabrications.\u201d\n"
    "\n"
    "Lawyers for the detainees said they had not been allowed to see their clients.\n"
    "\n"
    "Watch the full interview with the organisers below.\n"
    "\n"
    "\u00a9 2021 Example Times Ltd. All rights reserved.\n"
)

PULL_QUOTE_ARTICLE = (
    "Survivors describe beatings in detention\n"
    "\n"
    "Two men who were held for a week have described their treatment to reporters.\n"
    "\n"
    "\u201cThey beat us every morning and asked for the names of our friends,\u201d one survivor recalls\n"
    "\n"
    "The men were released after their families paid a bribe, they said.\n"
    "\n"
    "\u201cThey beat us every morning and asked for the names of our friends. Then they let the dogs"
    " in,\u201d said the older of the two men.\n"
)

# Body paragraphs that share surface features with headlines, teasers and CTAs.
LOOKALIKE_ARTICLE = (
    "Human Rights Watch Says Dozens Of Men Were Held In Secret Prisons In The Region.\n"
    "\n"
    "The Report, Published On Monday, Cites Forty Interviews With Former Detainees.\n"
    "\n"
    "Among those who spoke to researchers was a teacher who was held for nine days and"
    " says he was beaten with a plastic pipe while guards watched\n"
    "\n"
    "\u201cYou can\u2019t imagine what it is like,\u201d he said. \u201cWatch them long enough and"
    " you stop being afraid.\u201d\n"
    "\n"
    "Officials in Grozny did not answer the questions the group sent them about the prison on Friday\n"
    "\n"
    "Watchdog groups in Moscow said the figures were likely to rise.\n"
    "The interior ministry did not respond to a request for comment.\n"
    "\n"
    "\u201cWe will keep asking,\u201d said one researcher. \u201cWe will keep asking,\u201d she repeated.\n"
    "\n"
    "In 2017, the same prisons were used to hold more than 100 men, the group said.\n"
)


def test_clean_lifts_byline_dateline_and_headline() -> None:
    cleaned = clean(BYLINE_ARTICLE)
    assert_well_formed(BYLINE_ARTICLE, cleaned)
    assert line_kinds(BYLINE_ARTICLE, cleaned) == {1: "headline", 2: "byline", 3: "dateline"}
    assert cleaned.title == "Activists report new detentions in Grozny"
    assert cleaned.author == "Jane van Dyke"
    assert cleaned.published == "2021-03-03"
    assert cleaned.outlet is None


def test_clean_byline_drops_outlet_suffix_and_reads_iso_dateline() -> None:
    text = (
        "Updated: 2019-01-14T09:30:00Z\n"
        "By Sarah O\u2019Neill, Reuters\n"
        "\n"
        "Russian police detained at least 40 people in Chechnya in December, a rights group said.\n"
    )
    cleaned = clean(text)
    assert line_kinds(text, cleaned) == {1: "dateline", 2: "byline"}
    assert (cleaned.author, cleaned.published, cleaned.title) == ("Sarah O\u2019Neill", "2019-01-14", None)


def test_clean_reads_dateline_with_nbsp_and_marks_header_pull_quote() -> None:
    cleaned = clean(SBS_STYLE)
    assert_well_formed(SBS_STYLE, cleaned)
    assert line_kinds(SBS_STYLE, cleaned) == {1: "pull_quote", 2: "byline", 4: "dateline"}
    assert cleaned.author == "Daniel Okafor"
    assert cleaned.published == "2017-06-05"
    assert cleaned.title is None


def test_clean_marks_teaser_cta_and_copyright_footer() -> None:
    cleaned = clean(TEASER_ARTICLE)
    assert_well_formed(TEASER_ARTICLE, cleaned)
    assert line_kinds(TEASER_ARTICLE, cleaned) == {
        5: "teaser",
        6: "teaser",
        10: "call_to_action",
        12: "footer",
    }
    assert cleaned.outlet == "Example Times Ltd"
    assert cleaned.title is None and cleaned.author is None and cleaned.published is None


def test_clean_marks_pull_quote_that_repeats_body() -> None:
    cleaned = clean(PULL_QUOTE_ARTICLE)
    assert line_kinds(PULL_QUOTE_ARTICLE, cleaned) == {1: "headline", 5: "pull_quote"}


def test_clean_leaves_headline_like_body_unmarked() -> None:
    cleaned = clean(LOOKALIKE_ARTICLE)
    assert marked(LOOKALIKE_ARTICLE, cleaned) == []
    assert cleaned == Cleaned(noise=(), title=None, author=None, published=None, outlet=None)


def test_clean_single_newline_layout_keeps_subheads_as_body() -> None:
    # trafilatura output: one block per line, no blank lines between paragraphs.
    text = (
        "Officials in the region denied that anyone had been detained.\n"
        "Escape through the mountains\n"
        "The men said they walked for two days before reaching the border.\n"
        "They were met by volunteers who drove them to a safe house.\n"
        "Kremlin says it has no information about the camps\n"
        "\u201cWe have not received any complaints.\u201d\n"
        "The volunteers said more men were waiting to leave.\n"
        "Activists call for an international inquiry\n"
        "A coalition of groups wrote to the United Nations on Friday.\n"
        "Film tells the story of one escape\n"
        "The documentary premiered in Berlin last week.\n"
    )
    cleaned = clean(text, media_type="text/html")
    assert_well_formed(text, cleaned)
    assert line_kinds(text, cleaned) == {5: "teaser", 6: "teaser", 8: "teaser", 9: "teaser", 10: "teaser", 11: "teaser"}


def test_clean_marks_content_warning_and_caption_credits() -> None:
    text = (
        "Content Warning: This story contains descriptions of torture.\n"
        "\n"
        "Protesters gathered outside the embassy on Friday, police said.\n"
        "\n"
        "Protesters outside the embassy in London. (Photo: Jane Roe/Reuters)\n"
        "\n"
        "The protest ended peacefully in the evening, organisers said.\n"
        "\n"
        "A man holds a placard during the vigil (Getty)\n"
    )
    cleaned = clean(text)
    assert line_kinds(text, cleaned) == {1: "call_to_action", 5: "caption", 9: "caption"}


def test_clean_handles_empty_and_crlf_text() -> None:
    assert clean("") == Cleaned(noise=(), title=None, author=None, published=None, outlet=None)
    assert clean("\n \n").noise == ()
    text = "Short headline for the story here\r\n\r\nThe body sentence ends here.\r\n"
    cleaned = clean(text)
    assert_well_formed(text, cleaned)
    assert [(n.start, n.end, n.kind) for n in cleaned.noise] == [(0, 33, "headline")]
    assert cleaned.title == "Short headline for the story here"


@pytest.mark.parametrize("name", GOLD_FILES)
def test_clean_sample_metadata_matches_gold(name: str) -> None:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    cleaned = clean(text)
    gold = GOLD[name]
    assert_well_formed(text, cleaned)
    assert (cleaned.title, cleaned.author, cleaned.published, cleaned.outlet) == (
        gold["title"],
        gold["author"],
        gold["published"],
        gold["outlet"],
    )


def test_clean_quality_gate_on_sample_gold() -> None:
    gold_lines = found_lines = hit_lines = right_kind = 0
    marked_chars = marked_in_gold = 0
    for name in GOLD_FILES:
        text = (SAMPLES / name).read_text(encoding="utf-8")
        cleaned = clean(text)
        gold = {int(k): v for k, v in GOLD[name]["noise"].items()}
        kinds = line_kinds(text, cleaned)
        gold_lines += len(gold)
        found_lines += len(kinds)
        hit_lines += len(gold.keys() & kinds.keys())
        right_kind += sum(1 for k in gold.keys() & kinds.keys() if gold[k] == kinds[k])
        lines = text.split("\n")
        for span in cleaned.noise:
            number = text.count("\n", 0, span.start) + 1
            size = len(text[span.start : span.end].strip())
            marked_chars += size
            marked_in_gold += size if number in gold else 0
        missed = sorted(gold.keys() - kinds.keys())
        extra = sorted(kinds.keys() - gold.keys())
        if missed or extra:
            print(f"{name}: missed {[lines[i - 1][:60] for i in missed]} extra {[lines[i - 1][:60] for i in extra]}")
    line_recall = hit_lines / gold_lines
    line_precision = hit_lines / found_lines
    char_precision = marked_in_gold / marked_chars
    kind_accuracy = right_kind / hit_lines
    print(
        f"noise lines: recall {line_recall:.3f} ({hit_lines}/{gold_lines}), precision {line_precision:.3f} "
        f"({hit_lines}/{found_lines}); char precision {char_precision:.3f}; kind accuracy {kind_accuracy:.3f}"
    )
    assert line_recall == 1.0
    assert char_precision >= 0.95
    assert kind_accuracy >= 0.9
