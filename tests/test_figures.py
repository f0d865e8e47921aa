"""Figures: counts of people affected by an event, on hand-written news and the sample case.

The quality gate scores the extractor against hand-labelled gold: the five sample
reports (tests/gold/figures_chechnya.json) plus the real-style reports written below,
whose right answers are known. No spaCy: entity and date mentions are built by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from corroborator.analyze.figures import EXTRACTOR, extract_figures
from corroborator.analyze.numbers import parse_count
from corroborator.model import EVENT_KINDS, QUALIFIERS, Document, Figure, Mention, NoiseSpan, mention_id

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "chechnya-2017"
GOLD = Path(__file__).resolve().parent / "gold" / "figures_chechnya.json"
DOC_ID = "f" * 64


# -- helpers ---------------------------------------------------------------------------
def _doc(text: str, noise: Iterable[tuple[str, str]] = (), doc_id: str = DOC_ID) -> Document:
    """A document whose noise spans are the given (exact line, kind) pairs."""
    spans = []
    for line, kind in noise:
        start = text.index(line)
        spans.append(NoiseSpan(start, start + len(line), kind))
    noise_spans = tuple(sorted(spans, key=lambda s: s.start))
    return Document(doc_id, f"{doc_id[:8]}.txt", doc_id, "text/plain", text, noise=noise_spans)


def _mentions(doc: Document, kind: str, pairs: Iterable[tuple[str, str]], key: str) -> list[Mention]:
    """A mention for every non-overlapping occurrence of each phrase, longest phrases first."""
    taken: list[tuple[int, int]] = []
    out = []
    for phrase, value in sorted(pairs, key=lambda p: -len(p[0])):
        start = doc.text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                attrs = {key: value} if kind == "entity" else {key: value, "precision": "month"}
                mid = mention_id(doc.id, kind, start, end)
                out.append(Mention(mid, doc.id, start, end, kind, "test", phrase, attrs))
            start = doc.text.find(phrase, end)
    return sorted(out, key=lambda m: m.start)


def _run(text: str, entities: Sequence[tuple[str, str]] = (), dates: Sequence[tuple[str, str]] = (),
         noise: Iterable[tuple[str, str]] = ()) -> list[Figure]:
    doc = _doc(text, noise)
    return extract_figures(doc, _mentions(doc, "entity", entities, "label"), _mentions(doc, "date", dates, "value"))


def _triples(figures: Sequence[Figure]) -> list[tuple[str, int, str]]:
    return [(f.event, f.value, f.qualifier) for f in figures]


# -- behaviour -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Over 100 gay men had disappeared, the group said.", [("disappeared", 100, "more_than")]),
        ("At least three men are now dead.", [("killed", 3, "at_least")]),
        ("As many as 56 gay men have been killed by the authorities.", [("killed", 56, "at_most")]),
        ("Some 40 people were detained overnight.", [("detained", 40, "about")]),
        ("Up to 1,500 people remain missing.", [("disappeared", 1500, "at_most")]),
        ("More than 1,200 protesters were arrested.", [("detained", 1200, "more_than")]),
        ("Nearly 300 villagers were evacuated.", [("evacuated", 300, "about")]),
        ("A dozen people were wounded.", [("injured", 12, "about")]),
        ("Between 50 and 60 people were killed.", [("killed", 50, "at_least")]),
        ("Police arrested 45 or more students.", [("detained", 45, "at_least")]),
        ("Thirty-six people suffered “abusive treatment” in secret prisons.", [("ill_treated", 36, "exact")]),
        ("Two hundred and fifty families fled the fighting.", [("fled", 250, "exact")]),
        ("Floods displaced 1.5 million people.", [("fled", 1_500_000, "exact")]),
    ],
)
def test_figures_value_and_qualifier(sentence: str, expected: list) -> None:
    assert _triples(_run(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russian newspaper Novaya Gazeta reported claims that over 100 men in the southern Russian republic of "
         "Chechnya were rounded up, suspected of homosexuality.", [("detained", 100)]),
        ("The network reported that at least 200 gay people were held in secret prisons throughout the region.",
         [("detained", 200)]),
        ("Over 100 gay and bisexual Chechen men and women have fled the country.", [("fled", 100)]),
        ("The group said it has evacuated and re-homed 64 gay Chechen men over the last four months.",
         [("evacuated", 64)]),
        ("The Network released a 31-page report, detailing the rescue and relocation of 64 people from the region.",
         [("evacuated", 64)]),
        ("The names of 27 victims killed in the purge have been released.", [("killed", 27)]),
        ("The gunman shot and killed four people inside the bar.", [("killed", 4)]),
        ("The death toll rose to 41 on Tuesday.", [("killed", 41)]),
        ("Floods killed seven people and left an estimated 600 families homeless.", [("killed", 7), ("fled", 600)]),
        ("Police have detained more than 300 protesters and injured 12.", [("detained", 300), ("injured", 12)]),
        ("More than 200 tourists stranded in the valley were airlifted to safety.", [("evacuated", 200)]),
        ("Four people, including two children, were killed.", [("killed", 4)]),
        ("Police said more than 1,000 arrests had been made.", [("detained", 1000)]),
    ],
)
def test_figures_event_kinds(sentence: str, expected: list) -> None:
    assert [(f.event, f.value) for f in _run(sentence)] == expected


def test_figures_one_figure_per_event_verb() -> None:
    figures = _run("Novaya Gazeta first reported in April that over 100 gay men had been detained and tortured "
                   "by Chechen authorities, with at least three feared dead.")
    assert _triples(figures) == [
        ("detained", 100, "more_than"), ("tortured", 100, "more_than"), ("killed", 3, "at_least")]
    # Distinct spans, so distinct ids: each ends at its own event word.
    assert [f.mention.text for f in figures[:2]] == ["over 100 gay men had been detained",
                                                    "over 100 gay men had been detained and tortured"]
    assert len({f.mention.id for f in figures}) == 3


def test_figures_coordinated_counts_inherit_subject() -> None:
    figures = _run("Four people are dead and two are injured after a gunman opened fire at a bar, police said.")
    assert _triples(figures) == [("killed", 4, "exact"), ("injured", 2, "exact")]
    assert [f.subject for f in figures] == ["people", "people"]
    assert figures[1].mention.attrs["subject_inherited"] is True
    assert figures[1].mention.text == "two are injured"


def test_figures_headline_style() -> None:
    text = "4 dead, 2 injured in shooting at Ohio bar\nThe shooting happened on Sunday."
    figures = _run(text, noise=[("4 dead, 2 injured in shooting at Ohio bar", "headline")])
    assert _triples(figures) == [("killed", 4, "exact"), ("injured", 2, "exact")]
    assert all(f.subject is None and f.mention.attrs["noise_kind"] == "headline" for f in figures)


def test_figures_singular_counts() -> None:
    figures = _run("A man was shot and killed in the parking lot, and another person was shot and wounded as he "
                   "tried to flee, police said.")
    assert [(f.event, f.value, f.subject) for f in figures] == [("killed", 1, "man"), ("injured", 1, "person")]
    assert _triples(_run("One protester, 31-year-old Roman Bondarenko, died in hospital.")) == [("killed", 1, "exact")]


@pytest.mark.parametrize(
    "sentence",
    [
        "A 26-year-old gay man has spoken about the violence.",
        "Kadyrov came to power in 2007, when a then 30-year-old was appointed.",
        "They tortured him for two weeks and held him for four months.",
        "The group published a 31-page report on the killings.",
        "He has led the republic for more than a decade, and 2017 was the worst year.",
        "He wants to eliminate them by the start of Ramadan on May 26.",
        "The first arrests came at 10 a.m. on the 3rd day.",
        "“One of the 6 kidnappers, all of whom wore a military uniform, said: “Get in the car.”",
        "CNN has interviewed two men who managed to escape from the camps set up to detain gay men.",
        "At least three men are missing their families, and one survivor has come forward to speak.",
        "There are three things that you can do to help those detained.",
        "Donors gave $5,000 to help those detained, and 40% of the men arrested were under 30.",
        "A staggering number of LGBT+ people have fled the nation.",
        "In April, the paper claimed that several had been killed.",
        "Dozens of people were arrested and hundreds were injured.",
        "“They tortured a man for two weeks,” he explained.",
        "“They threatened to kill me if I didn’t,” said one person who was arrested.",
        "Check out the FRANCE 24 video on the killings below.",
        "Kadyrov threatened to kill 20 people, and no one was injured.",
        "As many as 100 people could die if the dam breaks.",
        "Officials said 17 of the dead were in Elazig province and four in Malatya.",
        "Witnesses said as many as 40 people were inside the bar when the shooting began.",
        "The suspect, a 27-year-old man, was arrested at the scene.",
    ],
)
def test_figures_not_counts(sentence: str) -> None:
    assert _run(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "entities", "source", "relays"),
    [
        ("Novaya Gazeta reported that over 100 gay men had disappeared.", [("Novaya Gazeta", "PERSON")],
         "Novaya Gazeta", []),
        ("Russian newspaper Novaya Gazeta reported claims that over 100 men were rounded up.", [], "Novaya Gazeta", []),
        ("According to the survivor, 12 men were tortured with electricity.", [], "the survivor", []),
        ("Over 100 gay men have fled the country, a Russian LGBT rights group has reported.", [("LGBT", "ORG")],
         "a Russian LGBT rights group", []),
        ("The network reported that at least 200 gay people were held in secret prisons, reports The Moscow Times.",
         [("The Moscow Times", "ORG")], "The network", ["The Moscow Times"]),
        ("Police detained 1,200 protesters in Moscow, according to OVD-Info, a rights group.", [], "OVD-Info", []),
        ("Bilal Faizi, a spokesman for the authority, said up to 50 people could still be missing.",
         [("Bilal Faizi", "PERSON")], "Bilal Faizi", []),
        ("At least 38 people were killed when the quake struck.", [], None, []),
        ("“Police detained 40 of us,” he said. Eleven people were arrested on Monday.", [], None, []),
    ],
)
def test_figures_attribution(sentence: str, entities: list, source: str | None, relays: list) -> None:
    figure = _run(sentence, entities)[-1]
    assert figure.attributed_to == source
    assert figure.mention.attrs.get("relayed_by", []) == relays
    if source is not None:
        start, end = figure.mention.attrs["attribution_span"]
        assert sentence[start:end] == source


def test_figures_when_is_nearest_date_in_sentence() -> None:
    text = ("In April, the paper said that in the summer of 2017 at least 200 men were held. "
            "Over 100 had fled by 2018.")
    figures = _run(text, dates=[("April", "2017-04"), ("summer of 2017", "2017-summer"), ("2018", "2018")])
    assert [f.when for f in figures] == ["2017-summer", "2018"]
    assert _run("Three men were killed.", dates=[("2018", "2018")])[0].when is None


def test_figures_skip_noise_except_headline() -> None:
    teaser = "The names of 27 victims killed in the purge have been released"
    caption = "Police detain one of 40 protesters arrested on Sunday. (AFP)"
    text = f"Over 100 gay people have fled since the purge\n{caption}\nThe group said 12 men were detained.\n{teaser}\n"
    figures = _run(text, noise=[("Over 100 gay people have fled since the purge", "headline"),
                                (caption, "caption"), (teaser, "teaser")])
    assert _triples(figures) == [("fled", 100, "more_than"), ("detained", 12, "exact")]


def test_figures_spans_ids_and_attrs_are_exact() -> None:
    text = "Officials said on Monday that at least 23 people had been killed and more than 100 injured in the floods."
    doc = _doc(text)
    figures = extract_figures(doc, [], _mentions(doc, "date", [("Monday", "2022-09-12")], "value"))
    assert _triples(figures) == [("killed", 23, "at_least"), ("injured", 100, "more_than")]
    for figure in figures:
        m = figure.mention
        assert text[m.start : m.end] == m.text and m.kind == "figure" and m.extractor == EXTRACTOR
        assert m.id == mention_id(doc.id, "figure", m.start, m.end) and m.doc_id == doc.id
        assert figure.event in EVENT_KINDS and figure.qualifier in QUALIFIERS
        assert m.attrs["sentence"] == [0, len(text)]
        assert figure.attributed_to == "Officials" and figure.when == "2022-09-12"
    value_start, value_end = figures[0].mention.attrs["value_span"]
    assert text[value_start:value_end] == "23"
    assert figures[0].mention.text == "at least 23 people had been killed"


def test_figures_number_parsing() -> None:
    assert parse_count("thirty-six".split(), 0).value == 36
    assert parse_count("two hundred and fifty".split(), 0).value == 250
    assert parse_count(["1,200"], 0).value == 1200
    assert parse_count("half a dozen".split(), 0).value == 6
    assert parse_count(["50-60"], 0).high == 60
    assert parse_count(["100-plus"], 0).qualifier == "more_than"
    for not_a_count in (["dozens"], ["31-page"], ["6.8"], ["hundreds"]):
        assert parse_count(not_a_count, 0) is None


def test_figures_empty_and_quiet_documents() -> None:
    assert _run("") == []
    assert _run("The weather was fine and the market opened at 9 a.m. with 300 stalls.") == []


# -- quality gate ----------------------------------------------------------------------
SHOOTING = """4 dead, 2 injured in shooting at Riverside bar
Police tape surrounds the Riverside Tavern on Sunday morning. (Photo: Mark Ellis/Dayton Daily News)
By Karen Webb, Staff Writer
RIVERSIDE, Ohio — Four people are dead and two are injured after a gunman opened fire inside a crowded bar early Sunday, police said.
Officers were called to the Riverside Tavern on Linden Avenue shortly after 1:30 a.m. on reports of shots fired, Riverside Police Chief Dana Ortiz told reporters at a news conference.
The gunman shot and killed three people inside the bar before walking into the parking lot, Ortiz said.
A man was shot and killed in the parking lot, and another person was shot and wounded as he tried to flee, police said.
Officers arrived within a minute and exchanged fire with the suspect, a 27-year-old man from Huber Heights, who was wounded and taken into custody.
Both of the injured were taken to Miami Valley Hospital, where one was listed in critical condition on Sunday afternoon.
The victims were identified on Sunday evening as Lauren Pike, 31; Marcus Hale, 45; Deshawn Cole, 22; and Teresa Quinn, 58, all of Riverside.
Witnesses said as many as 40 people were inside the bar when the first shots rang out.
It was the city's deadliest shooting in more than two decades. Riverside recorded 11 homicides in all of last year.
Governor Mike DeWine ordered flags lowered and said the state would send 12 investigators to help local police.
A vigil is planned for 7 p.m. Monday at Eastwood Park.
Related: 3 killed, 5 hurt in Columbus nightclub shooting
Anyone with information is asked to call Crime Stoppers at 937-555-0199.
"""

QUAKE = """Quake toll climbs to 41 as rescuers search rubble in eastern Turkey
Rescue workers search for survivors in a collapsed building in Elazig on Saturday. (Reuters/Umit Bektas)
ELAZIG, Turkey (Reuters) - At least 41 people were killed and more than 1,600 injured when a magnitude 6.8 earthquake struck eastern Turkey on Friday evening, the country's disaster agency AFAD said on Sunday.
Rescue teams pulled 45 survivors from the rubble of collapsed buildings in Elazig province, Interior Minister Suleyman Soylu said, and up to 22 people were still believed to be trapped.
The quake, centred in the town of Sivrice, destroyed or damaged about 1,000 buildings, officials said.
Some 1,500 people were evacuated from damaged homes and more than 2,000 were sheltering in tents and sports halls, the Red Crescent said.
Officials said 17 of the dead were in Elazig province and four in neighbouring Malatya.
Health Minister Fahrettin Koca said 76 people remained in hospital, including 34 in intensive care.
More than 780 aftershocks have rattled the region since Friday, AFAD said, the strongest of them a magnitude 5.1.
Two years ago, a magnitude 5.1 quake in the same area killed one person and injured 30.
Read more: Deadly floods kill 12 in northern Iran
"""

FLOOD = """Flash floods in northern Pakistan kill at least 23, dozens missing
Residents wade through a flooded street in Mingora, Swat, on Wednesday. (AP Photo/Naveed Ali)
ISLAMABAD (AP) — Flash floods triggered by torrential monsoon rains swept through villages in Pakistan's Swat Valley overnight, killing at least 23 people and injuring 40 others, officials said Wednesday.
Dozens of people were reported missing after the swollen river washed away homes and a bridge.
Bilal Faizi, a spokesman for the regional disaster management authority, said rescuers had recovered 19 bodies from the river and that up to 50 people could still be missing.
The army evacuated more than 3,000 residents from low-lying areas by helicopter and boat, the military's media wing said in a statement.
More than 200 tourists stranded in the valley were airlifted to safety on Tuesday, a provincial official said.
In neighbouring Afghanistan, floods killed seven people and left an estimated 600 families homeless, the United Nations said.
Last year, monsoon floods killed more than 1,700 people across Pakistan and displaced nearly 8 million.
The Meteorological Department has forecast more rain for the next 48 hours.
Donate to our flood appeal: $25 provides a family with clean water for a month.
"""

PROTEST = """Hundreds detained as police break up opposition rallies across Belarus
Riot police detain a protester in central Minsk on Sunday. (AFP/Getty Images)
MINSK (Reuters) - Police detained more than 1,000 people at opposition protests across Belarus on Sunday, the Viasna human rights centre said, in one of the largest crackdowns since the disputed presidential election.
The Interior Ministry put the number of people detained at 633, saying most had been released after being charged with taking part in unauthorised gatherings.
Viasna said at least 27 of those detained were journalists.
In the city of Grodno, police used stun grenades and rubber bullets, and at least 12 protesters were injured, according to local independent news site Hrodna.life.
The ministry said 39 police officers had been hurt in clashes and denied that excessive force had been used.
Police have detained more than 30,000 people since the protests began in August, according to rights groups, and several hundred remain in custody.
One protester, 31-year-old Roman Bondarenko, died in hospital in November after being beaten, his family said.
Opposition leader Svetlana Tikhanovskaya, who left for Lithuania after the vote, said on Twitter that more than 100 people had been beaten in custody in Minsk alone.
Lukashenko says protesters are 'sheep' controlled from abroad
Subscribe to our newsletter for daily updates from the region.
"""

RIGHTS_REPORT = """The names of 27 victims killed in Chechnya's anti-gay purge have been released by Novaya Gazeta, which said as many as 56 gay men may have been killed by authorities since the crackdown began.
A 26-year-old survivor told the newspaper he had been held for two weeks in a former police building in Argun, where he said about 40 other men were also being held.
Human Rights Watch said in a 42-page report that at least 30 men had been held and beaten, and that some 15 had fled Russia with help from activists.
Lawyers for two of the men have filed complaints with Russia's Investigative Committee, which said it had found "no evidence" of the abuses.
Donations of more than $10,000 have been raised, and 90% of the money will go to the men's relocation.
"""

# Written after the rules above, then run once blind: a held-out check of the rules
# (first runs: precision 1.0, recall 0.87 and 0.93; the misses were then fixed).
SUDAN = """More than 90,000 flee fighting in Sudan's Darfur, UN says
A displaced woman carries water at a camp near El Geneina. (Reuters)
GENEVA (Reuters) - More than 90,000 people have fled fighting in Sudan's West Darfur region into neighbouring Chad over the past week, the U.N. refugee agency UNHCR said on Friday.
"The situation is dire," UNHCR spokesperson Olga Sarrado told a briefing in Geneva.
Aid groups said at least 1,100 civilians had been killed in El Geneina alone since April, many of them in ethnically targeted attacks.
Sarrado said some 3,000 refugees were arriving in Chad each day and that 62 children had been treated for gunshot wounds at a hospital run by Medecins Sans Frontieres in Adre.
The World Health Organization said 14 health workers had been killed since the conflict began, and that dozens more were missing.
According to the International Organization for Migration, 2.2 million people have been displaced inside Sudan since fighting broke out on April 15.
Sudan's army and the paramilitary Rapid Support Forces have traded blame for the violence.
"""

RIO = """Police raid in Rio favela leaves at least 18 dead
RIO DE JANEIRO — A police operation against drug gangs in Rio de Janeiro's Complexo do Alemão left at least 18 people dead on Thursday, including a police officer and a woman hit by a stray bullet, authorities said.
Rio state's military police said 16 suspects were killed in shootouts with officers and that four others were arrested. Police seized 13 rifles and two machine guns.
Residents told local media that at least two of the dead had no connection to the gangs and were shot as they fled.
The Rio de Janeiro Public Defender's Office said it had received reports of at least five people wounded and was investigating possible abuses.
Human Rights Watch said police in Rio state killed 1,330 people in 2021, according to official data.
It was the third-deadliest police operation in the city's history, behind a May 2021 raid in the Jacarezinho favela that left 28 dead.
"""

MINE = """Rescuers search for 47 missing after Inner Mongolia mine collapse
BEIJING (AP) — Rescuers were searching Thursday for 47 people missing after a massive collapse at an open-pit coal mine in China's Inner Mongolia region, state media reported.
Six people were confirmed dead and six others were injured in Wednesday's collapse in Alxa League, the official Xinhua News Agency said.
More than 900 rescuers, along with 200 vehicles, were at the scene, according to state broadcaster CCTV.
The mine's operator, Xinjing Coal Mining Co., employs about 1,600 workers.
China's work safety record has improved in recent years; 245 people died in coal mine accidents in 2022, according to the National Mine Safety Administration.
"""

IRAN = """Iran protests: rights group says 201 killed as crackdown intensifies
Protesters in Tehran on Saturday. (Photo obtained by AFP outside Iran)
Iran Human Rights, a Norway-based group, said on Wednesday that at least 201 people, including 23 children, had been killed by security forces since the protests erupted in September.
Iranian state television put the death toll at around 60, including 12 members of the security forces.
The Human Rights Activists News Agency (HRANA) said at least 12,500 people had been arrested in 110 cities and towns, among them at least 90 students and 30 journalists.
A court in Tehran on Sunday sentenced one protester to death, the judiciary's Mizan news agency reported.
Amnesty International said it had documented the deaths of 23 children, most of them killed by live ammunition.
Authorities have blamed the unrest on Iran's foreign enemies.
"""

IAN = """Hurricane Ian: death toll rises to at least 47 in Florida
Updated 6:15 p.m. ET
The death toll from Hurricane Ian climbed to at least 47 on Saturday, officials said, as rescue crews went door to door in flattened neighbourhoods.
Lee County Sheriff Carmine Marceno said 35 of the deaths were in his county, most of them drownings.
Coast Guard crews have rescued more than 700 people since the storm made landfall on Wednesday, a spokesperson said.
About 1.9 million homes and businesses were still without power on Friday night.
In Charleston, South Carolina, three people were hurt when a tree fell on a car, police said.
State officials estimated that 10,000 people were staying in emergency shelters.
"""

BURKINA = """Gunmen kill 12 worshippers in attack on mosque in Burkina Faso
OUAGADOUGOU (Reuters) - Gunmen killed 12 worshippers and wounded at least seven others in an attack on a mosque in northern Burkina Faso during Friday prayers, security sources and residents said on Saturday.
The attackers arrived on motorbikes and opened fire on the crowd, one resident told Reuters by phone, asking not to be named for fear of reprisals.
"I counted 14 bodies," he said, adding that two of the wounded later died in hospital.
No group has claimed responsibility for the attack.
Violence by Islamist militants has killed thousands of people and forced more than 2 million to flee their homes in Burkina Faso since 2015, according to the United Nations.
"""

TIBET = """Rights group says over 300 detained in Tibet crackdown
A Tibetan monk walks past a police checkpoint in Lhasa. (File photo)
DHARAMSALA, India — Chinese authorities have detained more than 300 Tibetans in Sichuan province since March, including at least 60 monks, the International Campaign for Tibet said in a report released on Tuesday.
The group said at least 11 of those held had been sentenced to prison terms of up to 14 years, and that two detainees had died in custody after being tortured.
A spokesman for China's foreign ministry, Wang Wenbin, dismissed the report as "lies" and said those detained had broken the law.
Exile groups estimate that about 150,000 Tibetans live outside China.
"""

BOAT = """At least 59 dead after migrant boat breaks apart off Italy's coast
ROME (AP) — At least 59 people, including 12 children, died when a wooden boat carrying migrants broke apart in rough seas off southern Italy before dawn on Sunday, Italian officials said.
Rescuers pulled 80 survivors from the water, the coast guard said, and dozens were believed to be missing.
Around 20 of the survivors were taken to hospital, according to the Red Cross.
The boat had set off from Turkey several days earlier with an estimated 180 to 200 people on board, survivors told aid workers.
So far this year, more than 17,000 migrants have arrived in Italy by sea, according to Interior Ministry figures, and at least 220 have died or gone missing in the central Mediterranean, the International Organization for Migration said.
"""

# A third blind batch (first run: precision 1.0, recall 0.76; then "bodies" became a
# death count, "buried" a killing, and coordinated objects share their verb).
KYIV = """Bodies of 410 civilians found in Kyiv region after Russian withdrawal, prosecutor says
KYIV, April 3 (Reuters) - The bodies of 410 civilians have been removed from towns in the Kyiv region recently retaken from Russian forces, Ukraine's Prosecutor General Iryna Venediktova said on Sunday.
In Bucha, Mayor Anatoliy Fedoruk said 280 people had been buried in mass graves because the city's cemeteries were within range of Russian fire.
Reuters journalists saw at least six bodies lying in a single street.
Ukraine's human rights ombudswoman Lyudmila Denisova said more than 1,000 civilians were being held by Russian forces in occupied areas, among them 155 women.
The U.N. human rights office said it had verified 1,417 civilian deaths and 2,038 injuries across Ukraine since Feb. 24, but warned that the real figures were considerably higher.
Russia's defence ministry denied killing civilians and called the images "a provocation".
Around 4.2 million Ukrainians have fled abroad since the invasion began, according to UNHCR.
"""

PRISON = """Ecuador prison riot leaves 68 inmates dead
GUAYAQUIL, Ecuador (AP) — Clashes between rival gangs at the Litoral Penitentiary in Guayaquil killed at least 68 inmates and injured 25 others, the national prisons agency said Sunday, the country's second major prison massacre in two months.
Police and soldiers regained control of the prison on Sunday morning after an eight-hour battle, Guayas province Governor Pablo Arosemena told reporters.
Relatives gathered outside the morgue, where officials said 41 of the bodies had been identified so far.
In September, 119 prisoners were killed in the same facility in one of the worst prison riots in Latin American history.
The prisons agency said 700 police officers would be deployed to the facility, which holds about 8,500 inmates.
President Guillermo Lasso declared a state of emergency in the prison system.
"""

MALL = """What we know about the Nairobi mall attack
Here is what officials, witnesses and aid groups have said so far.
How many people died?
At least 67 people were killed, according to the Kenyan government, including 18 foreigners. The Kenya Red Cross said 175 people were wounded and 71 were still missing as of Tuesday.
Who were the attackers?
Between 10 and 15 gunmen stormed the Westgate mall on Saturday, Interior Minister Joseph Ole Lenku said. Five attackers were killed by security forces and 11 suspects have been arrested, he said.
What did survivors say?
"They shot at least 20 people in front of me," said one survivor, a 40-year-old accountant who hid in a storeroom for six hours.
Hundreds of shoppers were evacuated during the four-day siege.
"""

KEBBI = """Nigeria: 80 schoolchildren kidnapped in Kebbi state
Gunmen abducted about 80 students and five teachers from a government school in Kebbi state on Thursday, police said, in the latest mass kidnapping in northwest Nigeria.
One police officer was killed in a gunfight with the attackers, police spokesman Nafiu Abubakar said.
Security forces later rescued eight students and a teacher.
More than 1,400 children have been kidnapped from schools in Nigeria since 2014, when Boko Haram seized 276 schoolgirls from Chibok, according to UNICEF.
About 100 of the Chibok girls are still missing.
"""

# A fourth blind batch (first run: precision 1.0, recall 0.83; then "treated N people",
# "asylum seekers", "among the dead" and passive "put at N by X" were added).
GAZA = """Israeli strikes kill at least 30 in Gaza, health ministry says
GAZA (Reuters) - Israeli air strikes killed at least 30 Palestinians across the Gaza Strip overnight, including 11 in a single house in Rafah, the Gaza health ministry said on Tuesday.
The ministry said the overall Palestinian death toll since October had risen to 29,782, with 70,043 people wounded.
The Israeli military said its forces had killed dozens of militants in Khan Younis and detained 20 suspects at Nasser Hospital.
An estimated 1.7 million people, about 75% of the population, have been displaced, according to the United Nations.
Aid officials said at least 576,000 people were one step away from famine.
"""

HUNGARY = """Hungary: police pushed back 4,000 asylum seekers in March, UNHCR says
BUDAPEST - Hungarian police forcibly returned some 4,000 asylum seekers to Serbia in March, many of whom reported being beaten by officers, the UN refugee agency said on Friday.
Doctors Without Borders said its teams had treated 43 people for injuries consistent with beatings in the first two weeks of the month alone.
Hungary's government denies the allegations. A police spokesman said 112 people smugglers had been arrested since January and that no migrant had been harmed.
The Hungarian Helsinki Committee said eight asylum seekers, including two children, were being held in transit zones without food.
"""

STADIUM = """Stampede at Indonesian football stadium kills 125
MALANG, Indonesia (AP) — Panic at an Indonesian soccer match left 125 people dead, most of them trampled to death, after police fired tear gas to disperse fans who had invaded the pitch, officials said Sunday.
East Java police chief Nico Afinta said 323 people were injured, and that two police officers were among the dead.
Witnesses said the exits were locked. Some 42,000 tickets had been sold for a stadium built for 38,000.
President Joko Widodo ordered the league suspended until an investigation was completed.
The death toll was earlier put at 174 by the provincial government, which later said some victims had been counted twice.
"""

KASHMIR = """Indian forces detain hundreds in Kashmir after attack
SRINAGAR (Reuters) - Indian security forces have detained around 500 people across Kashmir since a militant attack killed 26 tourists last week, police officials told Reuters, speaking on condition of anonymity.
Those held include about 80 people who had previously been arrested under a public safety law, one of the officials said.
The homes of at least nine suspected militants have been demolished, residents said.
Pakistan denied any role in the attack, in which as many as 17 others were wounded.
"""

# A fifth blind batch (first run: precision 1.0, recall 0.76; then "affected"/"trapped"
# became ``other``, "in detention" a detention, and tallies may carry a long phrase).
DOUMA = """Suspected gas attack kills dozens in Syria's Douma, rescuers say
BEIRUT (Reuters) - A suspected chemical attack on the rebel-held town of Douma killed at least 42 people and affected more than 500, most of them women and children, a medical relief organisation and civil defence workers said on Sunday.
The Syrian American Medical Society said patients showed symptoms of exposure to a chemical agent, including foaming at the mouth and burns to the cornea.
Raed al-Saleh, head of the White Helmets rescue service, said the death toll could rise because many families were sheltering in basements.
The Syrian Observatory for Human Rights, a Britain-based war monitor, put the number of people killed in Douma over the past two days at 70, including 11 who died of suffocation.
Syria's state news agency SANA quoted an official source as denying that government forces had used chemical weapons.
"""

SAGAING = """Myanmar junta air strike kills at least 100 in Sagaing village, witnesses say
BANGKOK (AP) — A Myanmar military air strike on a gathering of opponents of army rule in the central Sagaing region killed about 100 people, including women and children, witnesses and independent media reported on Wednesday.
A rescue worker said he had counted 80 bodies and that about 20 more people were believed to be buried under the rubble.
The Assistance Association for Political Prisoners says security forces have killed 3,240 civilians since the army seized power in February 2021, and that 17,500 people remain in detention.
The United Nations estimates that more than 1.4 million people have been displaced by fighting since the takeover.
"""

ICE = """ICE arrests 680 in Mississippi food plant raids
JACKSON, Miss. — U.S. immigration agents arrested about 680 people at seven agricultural processing plants in Mississippi on Wednesday, in what officials called the largest single-state workplace raid in the nation's history.
Matthew Albence, acting director of Immigration and Customs Enforcement, said about 30 of those detained were released on humanitarian grounds.
Children waited for hours outside the plants; at least 12 were left without either parent overnight, according to a local church.
In 2018, a raid on a meatpacking plant in Tennessee led to 97 arrests.
"""

AXUM = """Ethiopia: Amnesty says hundreds of civilians killed in Axum massacre
NAIROBI, Kenya (AP) — Eritrean soldiers fighting in Ethiopia's Tigray region killed hundreds of civilians in the city of Axum in November, Amnesty International said in a report on Friday.
The rights group said it had interviewed 41 survivors and witnesses, who described soldiers going house to house and shooting men and boys as young as 13.
One witness said he had helped to bury 45 bodies in a single day. Another said he counted 24 people killed in his street alone.
The Ethiopian Human Rights Commission, a government-created body, has said at least 240 people were killed in a separate attack in the village of Dengelat.
Ethiopia's government has said it is investigating, and has previously said that more than 2 million people have been displaced by the Tigray conflict.
"""

#: (name, text, noise lines, entities, gold figures as (event, value, qualifier, attributed_to)).
WRITTEN = [
    ("shooting", SHOOTING,
     {"4 dead, 2 injured in shooting at Riverside bar": "headline",
      "Police tape surrounds the Riverside Tavern on Sunday morning. (Photo: Mark Ellis/Dayton Daily News)": "caption",
      "By Karen Webb, Staff Writer": "byline",
      "Related: 3 killed, 5 hurt in Columbus nightclub shooting": "teaser",
      "Anyone with information is asked to call Crime Stoppers at 937-555-0199.": "call_to_action"},
     [("Dana Ortiz", "PERSON"), ("Ortiz", "PERSON"), ("Riverside Tavern", "ORG"), ("Mike DeWine", "PERSON"),
      ("Miami Valley Hospital", "ORG"), ("Crime Stoppers", "ORG"), ("Karen Webb", "PERSON")],
     [("killed", 4, "exact", None), ("injured", 2, "exact", None), ("killed", 4, "exact", "police"),
      ("injured", 2, "exact", "police"), ("killed", 3, "exact", "Ortiz"), ("killed", 1, "exact", "police"),
      ("injured", 1, "exact", "police")]),
    ("quake", QUAKE,
     {"Quake toll climbs to 41 as rescuers search rubble in eastern Turkey": "headline",
      "Rescue workers search for survivors in a collapsed building in Elazig on Saturday. (Reuters/Umit Bektas)":
          "caption",
      "Read more: Deadly floods kill 12 in northern Iran": "teaser"},
     [("AFAD", "ORG"), ("Reuters", "ORG"), ("Suleyman Soylu", "PERSON"), ("Red Crescent", "ORG"),
      ("Fahrettin Koca", "PERSON")],
     [("killed", 41, "exact", None), ("killed", 41, "at_least", "AFAD"), ("injured", 1600, "more_than", "AFAD"),
      ("other", 22, "at_most", None), ("evacuated", 1500, "about", "the Red Crescent"),
      ("injured", 76, "exact", "Fahrettin Koca"),
      ("killed", 1, "exact", None), ("injured", 30, "exact", None)]),
    ("flood", FLOOD,
     {"Flash floods in northern Pakistan kill at least 23, dozens missing": "headline",
      "Residents wade through a flooded street in Mingora, Swat, on Wednesday. (AP Photo/Naveed Ali)": "caption",
      "Donate to our flood appeal: $25 provides a family with clean water for a month.": "call_to_action"},
     [("AP", "ORG"), ("Bilal Faizi", "PERSON"), ("the United Nations", "ORG"), ("Meteorological Department", "ORG")],
     [("killed", 23, "at_least", None), ("killed", 23, "at_least", "officials"), ("injured", 40, "exact", "officials"),
      ("killed", 19, "exact", "Bilal Faizi"), ("disappeared", 50, "at_most", "Bilal Faizi"),
      ("evacuated", 3000, "more_than", "the military's media wing"),
      ("evacuated", 200, "more_than", "a provincial official"), ("killed", 7, "exact", "the United Nations"),
      ("fled", 600, "about", "the United Nations"), ("killed", 1700, "more_than", None),
      ("fled", 8_000_000, "about", None)]),
    ("protest", PROTEST,
     {"Hundreds detained as police break up opposition rallies across Belarus": "headline",
      "Riot police detain a protester in central Minsk on Sunday. (AFP/Getty Images)": "caption",
      "Lukashenko says protesters are 'sheep' controlled from abroad": "teaser",
      "Subscribe to our newsletter for daily updates from the region.": "call_to_action"},
     [("Viasna", "ORG"), ("The Interior Ministry", "ORG"), ("Hrodna.life", "ORG"), ("Roman Bondarenko", "PERSON"),
      ("Svetlana Tikhanovskaya", "PERSON"), ("Twitter", "ORG"), ("Reuters", "ORG")],
     [("detained", 1000, "more_than", "the Viasna human rights centre"),
      ("detained", 633, "exact", "The Interior Ministry"), ("injured", 12, "at_least", "Hrodna.life"),
      ("injured", 39, "exact", "The ministry"), ("detained", 30000, "more_than", "rights groups"),
      ("killed", 1, "exact", "his family"), ("tortured", 100, "more_than", "Svetlana Tikhanovskaya")]),
    ("rights_report", RIGHTS_REPORT, {},
     [("Novaya Gazeta", "ORG"), ("Human Rights Watch", "ORG"), ("Investigative Committee", "ORG")],
     [("killed", 27, "exact", None), ("killed", 56, "at_most", "Novaya Gazeta"),
      ("detained", 40, "about", "A 26-year-old survivor"), ("detained", 30, "at_least", "Human Rights Watch"),
      ("fled", 15, "about", "Human Rights Watch")]),
    ("sudan", SUDAN,
     {"More than 90,000 flee fighting in Sudan's Darfur, UN says": "headline",
      "A displaced woman carries water at a camp near El Geneina. (Reuters)": "caption"},
     [("UNHCR", "ORG"), ("Olga Sarrado", "PERSON"), ("Sarrado", "PERSON"), ("The World Health Organization", "ORG"),
      ("Medecins Sans Frontieres", "ORG"), ("the International Organization for Migration", "ORG"),
      ("Rapid Support Forces", "ORG"), ("UN", "ORG")],
     [("fled", 90000, "more_than", "UN"), ("fled", 90000, "more_than", "UNHCR"),
      ("killed", 1100, "at_least", "Aid groups"), ("injured", 62, "exact", "Sarrado"),
      ("killed", 14, "exact", "The World Health Organization"),
      ("fled", 2_200_000, "exact", "the International Organization for Migration")]),
    ("rio", RIO, {"Police raid in Rio favela leaves at least 18 dead": "headline"},
     [("Human Rights Watch", "ORG"), ("Rio de Janeiro Public Defender's Office", "ORG")],
     [("killed", 18, "at_least", None), ("killed", 18, "at_least", "authorities"),
      ("killed", 16, "exact", "Rio state's military police"), ("detained", 4, "exact", "Rio state's military police"),
      ("injured", 5, "at_least", "The Rio de Janeiro Public Defender's Office"),
      ("killed", 1330, "exact", "Human Rights Watch"), ("killed", 28, "exact", None)]),
    ("mine", MINE, {"Rescuers search for 47 missing after Inner Mongolia mine collapse": "headline"},
     [("Xinhua News Agency", "ORG"), ("CCTV", "ORG"), ("Xinjing Coal Mining Co.", "ORG"),
      ("the National Mine Safety Administration", "ORG"), ("AP", "ORG")],
     [("disappeared", 47, "exact", None), ("disappeared", 47, "exact", "state media"),
      ("killed", 6, "exact", "Xinhua News Agency"), ("injured", 6, "exact", "Xinhua News Agency"),
      ("killed", 245, "exact", "the National Mine Safety Administration")]),
    ("iran", IRAN,
     {"Iran protests: rights group says 201 killed as crackdown intensifies": "headline",
      "Protesters in Tehran on Saturday. (Photo obtained by AFP outside Iran)": "caption"},
     [("Iran Human Rights", "ORG"), ("HRANA", "ORG"), ("The Human Rights Activists News Agency", "ORG"),
      ("Amnesty International", "ORG"), ("Mizan", "ORG"), ("AFP", "ORG")],
     [("killed", 201, "exact", "rights group"), ("killed", 201, "at_least", "Iran Human Rights"),
      ("killed", 60, "about", "Iranian state television"),
      ("detained", 12500, "at_least", "The Human Rights Activists News Agency"),
      ("killed", 23, "exact", "Amnesty International")]),
    ("ian", IAN,
     {"Hurricane Ian: death toll rises to at least 47 in Florida": "headline", "Updated 6:15 p.m. ET": "dateline"},
     [("Hurricane Ian", "EVENT"), ("Carmine Marceno", "PERSON"), ("Coast Guard", "ORG")],
     [("killed", 47, "at_least", None), ("killed", 47, "at_least", "officials"),
      ("evacuated", 700, "more_than", "a spokesperson"), ("injured", 3, "exact", "police")]),
    ("burkina", BURKINA, {"Gunmen kill 12 worshippers in attack on mosque in Burkina Faso": "headline"},
     [("Reuters", "ORG"), ("the United Nations", "ORG")],
     [("killed", 12, "exact", None), ("killed", 12, "exact", "security sources and residents"), ("killed", 14, "exact", None),
      ("injured", 7, "at_least", "security sources and residents"),
      ("fled", 2_000_000, "more_than", "the United Nations")]),
    ("tibet", TIBET,
     {"Rights group says over 300 detained in Tibet crackdown": "headline",
      "A Tibetan monk walks past a police checkpoint in Lhasa. (File photo)": "caption"},
     [("the International Campaign for Tibet", "ORG"), ("Wang Wenbin", "PERSON")],
     [("detained", 300, "more_than", "Rights group"),
      ("detained", 300, "more_than", "the International Campaign for Tibet"), ("killed", 2, "exact", "The group")]),
    ("boat", BOAT, {"At least 59 dead after migrant boat breaks apart off Italy's coast": "headline"},
     [("AP", "ORG"), ("the Red Cross", "ORG"), ("Interior Ministry", "ORG"),
      ("the International Organization for Migration", "ORG")],
     [("killed", 59, "at_least", None), ("killed", 59, "at_least", "Italian officials"),
      ("killed", 220, "at_least", "the International Organization for Migration"),
      ("disappeared", 220, "at_least", "the International Organization for Migration")]),
    ("kyiv", KYIV,
     {"Bodies of 410 civilians found in Kyiv region after Russian withdrawal, prosecutor says": "headline"},
     [("Iryna Venediktova", "PERSON"), ("Anatoliy Fedoruk", "PERSON"), ("Lyudmila Denisova", "PERSON"),
      ("UNHCR", "ORG"), ("Reuters", "ORG")],
     [("killed", 410, "exact", "prosecutor"), ("killed", 410, "exact", "Iryna Venediktova"),
      ("killed", 280, "exact", "Anatoliy Fedoruk"), ("killed", 6, "at_least", None),
      ("detained", 1000, "more_than", "Lyudmila Denisova"), ("killed", 1417, "exact", "The U.N. human rights office"),
      ("injured", 2038, "exact", "The U.N. human rights office"), ("fled", 4_200_000, "about", "UNHCR")]),
    ("prison", PRISON, {"Ecuador prison riot leaves 68 inmates dead": "headline"},
     [("AP", "ORG"), ("Litoral Penitentiary", "ORG"), ("Pablo Arosemena", "PERSON"), ("Guillermo Lasso", "PERSON")],
     [("killed", 68, "exact", None), ("killed", 68, "at_least", "the national prisons agency"),
      ("injured", 25, "exact", "the national prisons agency"), ("killed", 119, "exact", None)]),
    ("mall", MALL, {"What we know about the Nairobi mall attack": "headline"},
     [("the Kenya Red Cross", "ORG"), ("Joseph Ole Lenku", "PERSON"), ("Westgate", "ORG")],
     [("killed", 67, "at_least", "the Kenyan government"), ("injured", 175, "exact", "The Kenya Red Cross"),
      ("disappeared", 71, "exact", "The Kenya Red Cross"), ("killed", 5, "exact", None),
      ("detained", 11, "exact", None)]),
    ("kebbi", KEBBI, {"Nigeria: 80 schoolchildren kidnapped in Kebbi state": "headline"},
     [("Nafiu Abubakar", "PERSON"), ("Boko Haram", "ORG"), ("UNICEF", "ORG")],
     [("disappeared", 80, "exact", None), ("disappeared", 80, "about", "police"), ("disappeared", 5, "exact", "police"),
      ("killed", 1, "exact", "Nafiu Abubakar"), ("evacuated", 8, "exact", None),
      ("disappeared", 1400, "more_than", "UNICEF"), ("disappeared", 276, "exact", "UNICEF")]),
    ("gaza", GAZA, {"Israeli strikes kill at least 30 in Gaza, health ministry says": "headline"},
     [("Reuters", "ORG"), ("the United Nations", "ORG"), ("Nasser Hospital", "ORG")],
     [("killed", 30, "at_least", "health ministry"), ("killed", 30, "at_least", "the Gaza health ministry"),
      ("killed", 29782, "exact", "The ministry"), ("injured", 70043, "exact", "The ministry"),
      ("detained", 20, "exact", "The Israeli military"), ("fled", 1_700_000, "about", "the United Nations")]),
    ("hungary", HUNGARY, {"Hungary: police pushed back 4,000 asylum seekers in March, UNHCR says": "headline"},
     [("UNHCR", "ORG"), ("Doctors Without Borders", "ORG"), ("The Hungarian Helsinki Committee", "ORG")],
     [("injured", 43, "exact", "Doctors Without Borders"), ("detained", 112, "exact", "A police spokesman"),
      ("detained", 8, "exact", "The Hungarian Helsinki Committee")]),
    ("stadium", STADIUM, {"Stampede at Indonesian football stadium kills 125": "headline"},
     [("AP", "ORG"), ("Nico Afinta", "PERSON"), ("Joko Widodo", "PERSON")],
     [("killed", 125, "exact", None), ("killed", 125, "exact", "officials"), ("injured", 323, "exact", "Nico Afinta"),
      ("killed", 2, "exact", "Nico Afinta"), ("killed", 174, "exact", "the provincial government")]),
    ("kashmir", KASHMIR, {"Indian forces detain hundreds in Kashmir after attack": "headline"},
     [("Reuters", "ORG")],
     [("detained", 500, "about", "police officials"), ("killed", 26, "exact", "police officials"),
      ("detained", 80, "about", "one of the officials"), ("injured", 17, "at_most", None)]),
    ("douma", DOUMA, {"Suspected gas attack kills dozens in Syria's Douma, rescuers say": "headline"},
     [("Reuters", "ORG"), ("The Syrian American Medical Society", "ORG"), ("Raed al-Saleh", "PERSON"),
      ("White Helmets", "ORG"), ("The Syrian Observatory for Human Rights", "ORG"), ("SANA", "ORG")],
     [("killed", 42, "at_least", "a medical relief organisation and civil defence workers"),
      ("other", 500, "more_than", "a medical relief organisation and civil defence workers"),
      ("killed", 70, "exact", "The Syrian Observatory for Human Rights")]),
    ("sagaing", SAGAING, {"Myanmar junta air strike kills at least 100 in Sagaing village, witnesses say": "headline"},
     [("AP", "ORG"), ("The Assistance Association for Political Prisoners", "ORG"), ("The United Nations", "ORG")],
     [("killed", 100, "at_least", "witnesses"), ("killed", 100, "about", "witnesses and independent media"),
      ("killed", 80, "exact", "A rescue worker"), ("killed", 20, "about", "A rescue worker"),
      ("killed", 3240, "exact", "The Assistance Association for Political Prisoners"),
      ("detained", 17500, "exact", "The Assistance Association for Political Prisoners"),
      ("fled", 1_400_000, "more_than", "The United Nations")]),
    ("ice", ICE, {"ICE arrests 680 in Mississippi food plant raids": "headline"},
     [("Matthew Albence", "PERSON"), ("Immigration and Customs Enforcement", "ORG")],
     [("detained", 680, "exact", None), ("detained", 680, "about", None), ("detained", 97, "exact", None)]),
    ("axum", AXUM, {"Ethiopia: Amnesty says hundreds of civilians killed in Axum massacre": "headline"},
     [("Amnesty International", "ORG"), ("Amnesty", "ORG"), ("The Ethiopian Human Rights Commission", "ORG"),
      ("AP", "ORG")],
     [("killed", 45, "exact", "One witness"), ("killed", 24, "exact", "Another"),
      ("killed", 240, "at_least", "The Ethiopian Human Rights Commission"),
      ("fled", 2_000_000, "more_than", "Ethiopia's government")]),
]


def _sample_cases(with_entities: bool = True) -> list[tuple[str, list[Figure], list[dict]]]:
    """Run the extractor on the five sample reports with hand-marked noise and dates."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    cases = []
    for name, labels in gold.items():
        if name.startswith("_"):
            continue
        text = (SAMPLE / name).read_text(encoding="utf-8")
        lines = text.split("\n")
        noise = [(lines[int(n) - 1].strip(), kind) for n, kind in labels["noise"].items()]
        doc = _doc(text, noise, doc_id=name.split("_")[1].split(".")[0] * 4)
        entities = _mentions(doc, "entity", [tuple(e) for e in labels["entities"]] if with_entities else [], "label")
        dates = _mentions(doc, "date", [tuple(d) for d in labels["dates"]], "value")
        figures = extract_figures(doc, entities, dates)
        for figure, line in ((f, text.count("\n", 0, f.mention.start) + 1) for f in figures):
            figure.mention.attrs["_line"] = line
        cases.append((name, figures, labels["figures"]))
    return cases


def _written_cases(with_entities: bool = True) -> list[tuple[str, list[Figure], list[dict]]]:
    cases = []
    for name, text, noise, entities, gold in WRITTEN:
        figures = _run(text, entities if with_entities else [], noise=noise.items())
        cases.append((name, figures, [dict(zip(("event", "value", "qualifier", "attributed_to"), g)) for g in gold]))
    return cases


def _same_source(found: str | None, expected: str | None) -> bool:
    """Loose source match: case, a leading "the" and a longer or shorter name are forgiven."""
    norm = [s.lower().removeprefix("the ").strip() if s else "" for s in (found, expected)]
    return norm[0] == norm[1] or bool(norm[0] and norm[1] and (norm[0] in norm[1] or norm[1] in norm[0]))


def _score(cases: Sequence[tuple[str, Sequence[Figure], Sequence[dict]]]) -> dict[str, float]:
    """Precision/recall on (value, event) matches; qualifier, source and date accuracy over matches."""
    predicted = expected = matched = same_qualifier = same_source = dated = same_when = 0
    misses: list[str] = []
    for name, figures, gold in cases:
        unmatched = list(figures)
        predicted += len(figures)
        expected += len(gold)
        for item in gold:
            candidates = [f for f in unmatched if (f.value, f.event) == (item["value"], item["event"])]
            if "line" in item:
                candidates.sort(key=lambda f: f.mention.attrs.get("_line") != item["line"])
            candidates.sort(key=lambda f: f.qualifier != item["qualifier"])
            if not candidates:
                misses.append(f"{name}: missed {item}")
                continue
            found = candidates[0]
            unmatched.remove(found)
            matched += 1
            same_qualifier += found.qualifier == item["qualifier"]
            same_source += _same_source(found.attributed_to, item["attributed_to"])
            if found.qualifier != item["qualifier"] or not _same_source(found.attributed_to, item["attributed_to"]):
                misses.append(f"{name}: {found.qualifier}/{found.attributed_to!r} for {item}")
            if "when" in item:
                dated += 1
                same_when += found.when == item["when"]
        misses += [f"{name}: extra {f.event} {f.value} {f.mention.text!r}" for f in unmatched]
    for miss in misses:
        print(miss)
    return {
        "precision": matched / predicted if predicted else 0.0,
        "recall": matched / expected if expected else 0.0,
        "qualifier": same_qualifier / matched if matched else 0.0,
        "attribution": same_source / matched if matched else 0.0,
        "when": same_when / dated if dated else 1.0,
        "n_gold": expected,
        "n_found": predicted,
    }


def test_figures_quality_gate() -> None:
    samples, written = _sample_cases(), _written_cases()
    for label, cases in (("sample", samples), ("written", written), ("union", samples + written)):
        scores = _score(cases)
        print(f"figures {label}: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                               for k, v in scores.items()))
    assert scores["n_gold"] >= 40
    assert scores["precision"] >= 0.9
    assert scores["recall"] >= 0.9
    assert scores["qualifier"] >= 0.9
    assert scores["attribution"] >= 0.8
    assert _score(samples)["when"] >= 0.9


def test_figures_quality_gate_without_ner() -> None:
    scores = _score(_sample_cases(with_entities=False) + _written_cases(with_entities=False))
    print(f"figures union without NER: precision={scores['precision']:.3f} recall={scores['recall']:.3f} "
          f"attribution={scores['attribution']:.3f}")
    assert scores["precision"] >= 0.9 and scores["recall"] >= 0.9
    assert scores["attribution"] >= 0.7


def test_figures_gate_scoring_can_fail() -> None:
    gold = [{"event": "killed", "value": 3, "qualifier": "at_least", "attributed_to": None}]
    wrong = _run("Three people were injured.")
    assert _score([("x", wrong, gold)])["recall"] == 0.0
    assert _score([("x", [], gold)])["precision"] == 0.0
