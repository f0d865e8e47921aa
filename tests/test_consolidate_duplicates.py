"""Near-duplicate documents: a syndicated copy is linked to its original, other reports are not."""

from __future__ import annotations

import hashlib
import random

from corroborator.consolidate import find_duplicates
from corroborator.consolidate.duplicates import own_text, shingle_hashes
from corroborator.model import Document, NoiseSpan

ORIGINAL = """\
Floods kill at least 23 in Eastvale as river bursts its banks
EASTVALE (Reuters) - At least 23 people have been killed and more than 100 injured in floods in the Eastvale region, \
the regional emergency service said on Tuesday, after two days of torrential rain sent the river over its banks.
Rescue teams using boats and helicopters searched flooded villages through the night. Officials warned that up to 40 \
people remained missing in the hills above the valley, where landslides had cut the only road.
"The river came into the house before we could wake the children," said Ana Torres, a teacher who fled with her \
family to a school on higher ground. Hundreds of families spent the night in shelters set up in gyms and churches.
The regional governor, Luis Moreno, said the army had been asked to help with the evacuation and that water and \
food would be flown to villages that could not be reached by road. Forecasters expect more rain on Thursday.
"""

# The same wire story on another site: its own headline, a byline line, the body, a call to action.
COPY = ORIGINAL.replace("Floods kill at least 23 in Eastvale as river bursts its banks",
                        "Eastvale floods: death toll reaches 23") \
    .replace("EASTVALE (Reuters) - ", "By Reuters staff\nEASTVALE (Reuters) - ") + \
    "Sign up for our newsletter to get the latest news from the region.\n"

# The same flood told in another report's own words: not a copy.
OTHER_REPORT = """\
Eastvale counts the cost of the worst floods in a generation
Twenty-three people are now confirmed dead in Eastvale, the emergency service said, and more than a hundred \
were treated in hospital for injuries. Villagers described water rising within minutes after the river broke \
through its banks on Sunday night. In the hill villages, roads were washed away and up to forty people are \
still unaccounted for. Governor Luis Moreno asked the army for help and promised supplies by air. Schools and \
churches opened their doors to families who lost their homes, and aid groups began collecting blankets.
"""


def make(text: str, published: str | None, noise: tuple[NoiseSpan, ...] = ()) -> Document:
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    return Document(doc_id, doc_id[:8], doc_id, "text/plain", text, published=published, noise=noise)


def test_consolidate_duplicates_syndicated_copy_is_linked_to_the_earlier_original() -> None:
    original, copy, other = make(ORIGINAL, "2022-09-13"), make(COPY, "2022-09-14"), make(OTHER_REPORT, "2022-09-14")
    links = find_duplicates([copy, other, original])
    assert [(link.doc_id, link.original_id) for link in links] == [(copy.id, original.id)]
    assert links[0].similarity >= 0.7


def test_consolidate_duplicates_unrelated_text_and_shared_noise_do_not_link() -> None:
    footer = "\n" + "Read more: " + " ".join(f"headline number {i} about the region" for i in range(60)) + "\n"
    a_text, b_text = OTHER_REPORT + footer, "Parliament passed the budget on Friday after a long debate.\n" + footer
    a = make(a_text, "2022-09-14", (NoiseSpan(len(OTHER_REPORT), len(a_text), "teaser"),))
    b = make(b_text, "2022-09-15", (NoiseSpan(b_text.index("Read more"), len(b_text), "teaser"),))
    assert find_duplicates([a, b]) == []
    # Without the noise marked, the shared teaser block alone would make them copies.
    assert len(find_duplicates([make(a_text, None), make(b_text, None)])) == 1
    assert "Read more" not in own_text(a) and len(own_text(a)) == len(a.text)


def test_consolidate_duplicates_find_every_copy_among_many_reports() -> None:
    rng = random.Random(7)
    words = ORIGINAL.split() + OTHER_REPORT.split()
    docs = [make(" ".join(rng.choice(words) for _ in range(150)) + f" report {i}", "2022-01-01") for i in range(300)]
    copies = {}
    for i in range(0, 300, 30):
        text = docs[i].text + " Copyright the syndicating site."
        copy = make(text, "2022-01-02")
        copies[copy.id] = docs[i].id
        docs.append(copy)
    links = find_duplicates(docs)
    assert {link.doc_id: link.original_id for link in links} == copies


def test_consolidate_duplicates_shingles_ignore_case_and_short_texts() -> None:
    assert set(shingle_hashes("The River Rose")) == set(shingle_hashes("the river rose"))
    assert len(shingle_hashes("one two three four five six")) == 2
    assert len(shingle_hashes("")) == 0
