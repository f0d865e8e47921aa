"""Claims, statuses and totals on hand-written multi-article incidents (no spaCy, no database).

Figures are built by hand the way the figure extractor produces them: the mention spans
the figure phrase, ``attributed_to`` is the source phrase and ``when`` the date of the
figure's sentence.
"""

from __future__ import annotations

import hashlib

from corroborator.consolidate import consolidate_case
from corroborator.model import Case, Document, Figure, Mention, NoiseSpan, mention_id
from corroborator.text import sentences

SHOOTING_A = """\
4 dead, 2 injured in shooting at Millbrook bar
Four people are dead and two are injured after a gunman opened fire inside the Rusty Anchor bar on Elm Street late Saturday, police said.
Police Chief Dana Ortiz said officers arrived within three minutes of the first emergency call. The suspect, a 34-year-old man, was arrested at the scene.
The injured were taken to Millbrook General Hospital, where one was listed in critical condition, Ortiz said.
Related: Millbrook council approves new budget for 2024
© 2023 Millbrook Gazette
"""

SHOOTING_B = """\
Gunman kills 4 at crowded Millbrook bar
MILLBROOK (AP) — A gunman shot and killed four people at a crowded bar in Millbrook late Saturday before officers tackled him outside, authorities said.
Another person was shot and wounded as he tried to flee through a back door, police said. Witnesses described patrons diving under tables as the shots rang out over the music.
The shooting was the city's first homicide this year. In 2019, a gunman killed nine people at a nightclub two blocks away.
Police have not released the names of the victims or a motive. The suspect is expected to appear in court on Tuesday.
"""

# The AP story as another site syndicates it: new headline, the same body, a line added.
SHOOTING_C = SHOOTING_B.replace("Gunman kills 4 at crowded Millbrook bar", "Four killed in Millbrook bar shooting") + \
    "Check back for updates to this developing story.\n"

SHOOTING_D = """\
Millbrook mourns after bar shooting
The victims of Saturday's shooting at the Rusty Anchor were identified on Sunday. The gunman killed four people, including the bar's owner, and wounded two others, according to the Millbrook Police Department.
Mayor Alan Pierce called it the darkest night in the city's history. Two of the wounded remain in hospital.
"""


def make_doc(text: str, outlet: str | None, published: str | None, *, headline: bool = True,
             noise: tuple[tuple[str, str], ...] = ()) -> Document:
    """A document with its first line marked as its headline and given lines as noise."""
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    spans = [NoiseSpan(0, text.index("\n"), "headline")] if headline else []
    for line, kind in noise:
        start = text.index(line)
        spans.append(NoiseSpan(start, start + len(line), kind))
    return Document(doc_id, f"{outlet or 'doc'}-{doc_id[:6]}.txt", doc_id, "text/plain", text, outlet=outlet,
                    published=published, noise=tuple(spans))


def fig(doc: Document, find: str, event: str, value: int, qualifier: str = "exact", *, source: str | None = None,
        when: str | None = None, subject: str | None = "people", nth: int = 0, **attrs: object) -> Figure:
    """A figure for the ``nth`` occurrence of ``find`` in ``doc``, as the extractor builds it."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(find, start + 1)
    end = start + len(find)
    sentence = next(s for s in sentences(doc.text) if s[0] <= start < s[1])
    found: dict = {"sentence": list(sentence), **attrs}
    if source:
        a = doc.text.index(source, sentence[0], sentence[1])
        found["attribution_span"] = [a, a + len(source)]
    if doc.noise and doc.noise[0].kind == "headline" and end <= doc.noise[0].end:
        found["noise_kind"] = "headline"
    m = Mention(mention_id(doc.id, "figure", start, end), doc.id, start, end, "figure", "figures.test", find, found)
    return Figure(m, event, value, qualifier, subject, source, when)


def ner(doc: Document, surface: str, label: str, nth: int = 0) -> Mention:
    """An entity mention as NER gives it."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(surface, start + 1)
    return Mention(mention_id(doc.id, "entity", start, start + len(surface)), doc.id, start, start + len(surface),
                   "entity", "entities.test", surface, {"label": label})


def case_of(docs: list[Document], figures: list[Figure], mentions: list[Mention] = ()) -> Case:
    case = Case(documents=docs, figures=figures)
    case.mentions.update((m.id, m) for m in [*mentions, *(f.mention for f in figures)])
    return case


def shooting_case() -> Case:
    """Four reports of one bar shooting: a local paper, an AP story, its syndicated copy, a follow-up."""
    a = make_doc(SHOOTING_A, "Millbrook Gazette", "2023-05-07",
                 noise=(("Related: Millbrook council approves new budget for 2024", "teaser"),
                        ("© 2023 Millbrook Gazette", "footer")))
    b = make_doc(SHOOTING_B, "Associated Press", "2023-05-07")
    c = make_doc(SHOOTING_C, "Channel 5 News", "2023-05-07")
    d = make_doc(SHOOTING_D, "Millbrook Herald", "2023-05-08")
    figures = [
        fig(a, "4 dead", "killed", 4, subject=None), fig(a, "2 injured", "injured", 2, subject=None),
        fig(a, "Four people are dead", "killed", 4, source="police", when="2023-05-06"),
        fig(a, "two are injured", "injured", 2, source="police", when="2023-05-06", subject_inherited=True),
    ]
    for doc in (b, c):
        figures += [
            fig(doc, "shot and killed four people", "killed", 4, source="authorities", when="2023-05-06"),
            fig(doc, "person was shot and wounded", "injured", 1, source="police", subject="person"),
            fig(doc, "killed nine people", "killed", 9, when="2019"),
        ]
    figures += [
        fig(d, "killed four people", "killed", 4, source="the Millbrook Police Department"),
        fig(d, "wounded two others", "injured", 2, source="the Millbrook Police Department", subject="others"),
    ]
    mentions = [ner(a, "Dana Ortiz", "PERSON"), ner(a, "Ortiz", "PERSON", 1), ner(a, "Millbrook General Hospital", "ORG"),
                ner(b, "AP", "ORG"), ner(c, "AP", "ORG"), ner(d, "the Millbrook Police Department", "ORG"),
                ner(d, "Alan Pierce", "PERSON")]
    return case_of([a, b, c, d], figures, mentions)


def test_consolidate_claims_shooting_totals_are_the_incident_counts() -> None:
    result = consolidate_case(shooting_case())
    killed, injured = result.totals["killed"], result.totals["injured"]
    print("\nkilled:", killed["note"], "\ninjured:", injured["note"])
    assert (killed["best"], killed["qualifier"]) == (4, "exact")
    assert (injured["best"], injured["qualifier"]) == (2, "exact")
    # Last year's nightclub attack is background, listed but never counted.
    assert killed["high"] == 4 and any("earlier time" in e["reason"] for e in killed["excluded"])
    assert all(c["text"] in ("4 dead", "Four people are dead", "shot and killed four people", "killed four people")
               for c in killed["citations"])


def test_consolidate_claims_syndicated_copy_is_not_a_second_source() -> None:
    case = shooting_case()
    result = consolidate_case(case)
    copy_id, original_id = case.documents[2].id, case.documents[1].id
    assert [(d.doc_id, d.original_id) for d in result.duplicates] == [(copy_id, original_id)]
    background = next(c for c in result.claims if c.low == 9)
    assert background.independent_sources == 1 and len(background.figure_ids) == 2
    assert background.status == "single_source"
    copy_fig = next(f for f in case.figures if f.mention.doc_id == copy_id and f.value == 9)
    assert result.figure_sources[copy_fig.mention.id].how == "copy"
    assert result.figure_sources[copy_fig.mention.id].source.name == "Associated Press"


def test_consolidate_claims_shooting_killed_claim_is_corroborated() -> None:
    case = shooting_case()
    result = consolidate_case(case)
    main = next(c for c in result.claims if c.event == "killed" and c.low == 4)
    assert main.status == "corroborated" and main.independent_sources >= 2
    assert len(main.figure_ids) == 5  # headline, body, AP, AP copy, follow-up
    injured = [c for c in result.claims if c.event == "injured"]
    # "Another person was wounded" (at least 1) and two sources' 2: the claim reads what all allow, 2.
    values = {f.mention.id: f.value for f in case.figures}
    assert len(injured) == 1 and (injured[0].low, injured[0].high) == (2, 2)
    assert {values[f] for f in injured[0].figure_ids} == {1, 2}


def _report(text: str, outlet: str, published: str) -> Document:
    return make_doc(text, outlet, published, headline=False)


def test_consolidate_claims_later_report_by_same_source_supersedes() -> None:
    first = _report("The newspaper Kavkaz Daily said at least three men had been killed in the purge.\n",
                    "Wire One", "2017-04-05")
    later = _report("Kavkaz Daily now reports that as many as 56 men have been killed, a list it published shows.\n",
                    "Wire Two", "2017-07-10")
    figures = [fig(first, "at least three men had been killed", "killed", 3, "at_least", source="Kavkaz Daily"),
               fig(later, "as many as 56 men have been killed", "killed", 56, "at_most", source="Kavkaz Daily")]
    result = consolidate_case(case_of([first, later], figures, [ner(first, "Kavkaz Daily", "ORG"),
                                                              ner(later, "Kavkaz Daily", "ORG")]))
    by_low = {c.low: c for c in result.claims}
    assert by_low[3].status == "superseded" and by_low[56].status == "single_source"
    assert by_low[56].id in by_low[3].note and "Kavkaz Daily" in by_low[3].note
    total = result.totals["killed"]
    assert (total["best"], total["low"], total["high"]) == (3, 3, 56)
    assert len(result.totals["killed"]["series"]) == 2


def test_consolidate_claims_same_time_disagreement_is_conflicting_and_conservative() -> None:
    one = _report("Five protesters were killed in Riverton on Monday, the health ministry said.\n", "Daily A",
                  "2021-03-02")
    two = _report("Police said three protesters were killed in Riverton on Monday.\n", "Daily B", "2021-03-02")
    figures = [fig(one, "Five protesters were killed", "killed", 5, source="the health ministry", when="2021-03-01"),
               fig(two, "three protesters were killed", "killed", 3, source="Police", when="2021-03-01")]
    result = consolidate_case(case_of([one, two], figures))
    (claim,) = result.claims
    assert claim.status == "conflicting" and claim.independent_sources == 2
    assert "health ministry" in claim.note and "Police" in claim.note
    total = result.totals["killed"]
    assert total["best"] == 3 and total["disputed"] and (total["low"], total["high"]) == (3, 5)


def test_consolidate_claims_agreeing_sources_corroborate_and_repeats_do_not() -> None:
    texts = [("Rescuers said 12 miners were killed in the blast, according to the regional governor.\n", "Paper A"),
             ("The regional governor said 12 miners were killed.\n", "Paper B"),
             ("Twelve miners died in the explosion, the mine operator said.\n", "Paper C")]
    docs = [_report(t, o, "2022-01-10") for t, o in texts]
    figures = [fig(docs[0], "12 miners were killed", "killed", 12, source="the regional governor"),
               fig(docs[1], "12 miners were killed", "killed", 12, source="The regional governor"),
               fig(docs[2], "Twelve miners died", "killed", 12, source="the mine operator")]
    (claim,) = consolidate_case(case_of(docs, figures)).claims
    assert claim.status == "corroborated" and claim.independent_sources == 2


def test_consolidate_claims_teasers_and_noise_figures_count_for_nothing() -> None:
    doc = make_doc("Floods hit Eastvale\nAt least 23 people were killed, officials said.\n"
                   "Related: 40 killed in landslide last spring\n", "Eastvale Herald", "2022-09-14",
                   noise=(("Related: 40 killed in landslide last spring", "teaser"),))
    figures = [fig(doc, "At least 23 people were killed", "killed", 23, "at_least", source="officials"),
               fig(doc, "40 killed", "killed", 40),
               fig(doc, "23 people", "killed", 23, in_noise=True)]
    result = consolidate_case(case_of([doc], figures))
    assert [c.figure_ids for c in result.claims] == [(figures[0].mention.id,)]
    assert result.totals["killed"]["best"] == 23


def test_consolidate_claims_different_subjects_are_not_a_conflict() -> None:
    doc = _report("The army said 12 soldiers were killed on Friday. Medics said 30 civilians were killed on Friday.\n",
                  "Wire", "2022-02-05")
    figures = [fig(doc, "12 soldiers were killed", "killed", 12, source="The army", when="2022-02-04", subject="soldiers"),
               fig(doc, "30 civilians were killed", "killed", 30, source="Medics", when="2022-02-04", subject="civilians")]
    result = consolidate_case(case_of([doc], figures))
    assert sorted(c.status for c in result.claims) == ["single_source", "single_source"]
    assert result.totals["killed"]["best"] == 30  # overlapping counts are never summed: the larger floor
