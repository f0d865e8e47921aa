"""Synthetic but realistic news reports for benchmarks: bylines, captions, quotes, figures, dates.

Deterministic for a given seed, so two runs measure the same texts.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path

FIRST = ["Maria", "Ahmed", "John", "Elena", "Pierre", "Aisha", "Tomas", "Li", "Fatima", "Oleg", "Grace", "Samuel"]
LAST = ["Petrova", "Hassan", "Smith", "Novak", "Dubois", "Khan", "Garcia", "Wei", "Okafor", "Ivanov", "Mensah", "Cole"]
PLACES = ["Northfield", "Eastvale", "Riverton", "Port Amel", "Kasra", "Valmont", "Dorne", "Lakeside"]
GROUPS = ["the Regional Human Rights Centre", "Amnesty International", "the Red Cross", "the Interior Ministry",
          "the local police", "the Civic Monitoring Group", "the United Nations"]
OUTLETS = ["Daily Courier", "Evening Post", "Global Wire", "Radio Free Dorne", "The Herald", "Metro News"]
EVENTS = [("detained", "were detained"), ("killed", "were killed"), ("injured", "were injured"),
          ("fled", "have fled their homes"), ("disappeared", "have disappeared"), ("evacuated", "were evacuated")]
QUALIFIERS = ["at least", "more than", "over", "as many as", "about", "nearly", ""]
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
QUOTES = [
    "They came at night and took everyone they could find",
    "We do not know where our sons are being held",
    "Nobody has told us anything about the investigation",
    "The situation is under control and the reports are exaggerated",
    "We will continue to document every case until there is justice",
    "I was beaten for three days and then released without charge",
]


def person(rng: random.Random) -> str:
    """A random full name."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def article(rng: random.Random, paragraphs: int = 10) -> str:
    """One report of about 400-700 words with the noise real scraped pages carry."""
    place = rng.choice(PLACES)
    month = rng.randrange(12)
    day = rng.randint(1, 28)
    year = rng.choice([2019, 2020, 2021, 2022])
    author = person(rng)
    lines = [
        f"• Residents gather in {place} on {MONTHS[month]} {day}, {year}. (Photo credit should read "
        f"{author.upper()}/AFP/Getty Images)",
        author,
        "",
        f"{day} {MONTHS[month][:3]} {year} - 10:{rng.randint(10, 59)} AM",
        "",
    ]
    for _ in range(paragraphs):
        kind, verb = rng.choice(EVENTS)
        qualifier = rng.choice(QUALIFIERS)
        count = rng.choice([str(rng.randint(2, 900)), rng.choice(NUMBER_WORDS)])
        group = rng.choice(GROUPS)
        speaker = person(rng)
        when = rng.choice([f"in {MONTHS[rng.randrange(12)]}", f"on {MONTHS[month]} {day}", "last week",
                           f"in the summer of {year}"])
        lines.append(
            f"{group[0].upper() + group[1:]} said {when} that {qualifier} {count} people {verb} in {place} "
            f"and the surrounding villages, according to {rng.choice(OUTLETS)}. Officials in {place} declined "
            f"to comment on the figures, and {speaker} of {group} called for an independent inquiry."
        )
        lines.append("")
        lines.append(f"“{rng.choice(QUOTES)},” {speaker} said. “{rng.choice(QUOTES)}.”")
        lines.append("")
    lines.append(f"Related: Protests spread beyond {rng.choice(PLACES)}")
    lines.append(f"Thousands marched through the capital on {rng.choice(MONTHS)} {rng.randint(1, 28)}.")
    lines.append("")
    lines.append(f"© {year} {rng.choice(OUTLETS)}. All rights reserved.")
    return "\n".join(lines) + "\n"


def articles(n: int, seed: int = 7) -> Iterator[str]:
    """``n`` distinct reports."""
    rng = random.Random(seed)
    for _ in range(n):
        yield article(rng, paragraphs=rng.randint(6, 12))


def _copy(rng: random.Random, text: str) -> str:
    """A syndicated copy: another outlet's byline and footer, a sentence or two edited."""
    lines = text.splitlines()
    lines[1] = person(rng)
    lines[-1] = f"© {rng.choice(OUTLETS)}. Distributed by {rng.choice(OUTLETS)}."
    body = [i for i, line in enumerate(lines) if len(line) > 200]
    for i in rng.sample(body, min(2, len(body))):
        lines[i] = lines[i].replace(" declined to comment", " would not comment", 1)
    return "\n".join(lines) + "\n"


def corpus(n: int, seed: int = 7, copies: float = 0.15) -> Iterator[str]:
    """``n`` reports of which about ``copies`` are near-duplicates (syndicated copies) of earlier ones.

    Every report cites named groups and outlets ("according to the Evening Post"), so
    provenance and entity resolution have cross-document work as well.
    """
    rng = random.Random(seed)
    recent: list[str] = []
    for _ in range(n):
        if recent and rng.random() < copies:
            yield _copy(rng, rng.choice(recent))
            continue
        text = article(rng, paragraphs=rng.randint(6, 12))
        recent = (recent + [text])[-50:]
        yield text


def write_reports(folder: Path, texts: Iterable[str]) -> int:
    """Write ``texts`` as ``000000.txt``, ``000001.txt`` ... into ``folder``; the number of words written."""
    words = 0
    for number, text in enumerate(texts):
        (folder / f"{number:07d}.txt").write_text(text)
        words += len(text.split())
    return words
