"""One case in Russian and English: entities across scripts, and a retelling that is not a second source.

Mentions are built by hand the way a Russian NER gives them: ``attrs["lemma"]`` holds the
name in the nominative ("Рамзана Кадырова" -> "Рамзан Кадыров").
"""

from __future__ import annotations

from corroborator.consolidate import SourceNames, consolidate_case, figure_provenance, resolve_case_entities
from corroborator.model import Document, Mention, ProtectedPerson
from tests.test_consolidate_claims import case_of, fig, make_doc, ner

EN_KADYROV = """\
Chechen leader denies purge
Chechen leader Ramzan Kadyrov denied the reports on Monday. Kadyrov said the claims were lies.
"""
EN_KADYROW = """\
German press on Chechnya
The German daily quoted Kadyrow as saying there were no gay men in the republic. Officials close to Kadirov agreed.
"""
RU_KADYROV = """\
Кадыров отверг сообщения
Глава Чечни Рамзан Кадыров назвал публикацию ложью. Пресс-секретарь Рамзана Кадырова заявил, что это провокация.
"""
RU_SURNAME = """\
Реакция Грозного
В Грозном заявили, что Кадыров не комментирует статью.
"""
RU_NOVAYA = """\
Более 100 мужчин задержаны в Чечне
Как стало известно «Новой газете», более 100 мужчин задержаны в Чечне по подозрению в гомосексуальности.
"""
EN_NOVAYA = """\
Gay men rounded up in Chechnya
Novaya Gazeta reported that more than 100 men were detained in Chechnya, suspected of homosexuality.
"""
EN_NOVAJA = """\
Novaja Gazeta under pressure
Editors of Novaja Gazeta said they had received threats after the story.
"""


def ru(doc: Document, surface: str, label: str, lemma: str | None = None, nth: int = 0) -> Mention:
    """An entity mention as a Russian NER gives it, with the nominative as its lemma."""
    m = ner(doc, surface, label, nth)
    if lemma:
        m.attrs["lemma"] = lemma
    return m


def entity_of(result, mention: Mention):
    entity_id = result.by_mention[mention.id]
    return next(e for e in result.entities if e.id == entity_id)


def test_crosslingual_kadyrov_in_every_spelling_and_case_is_one_entity() -> None:
    en = make_doc(EN_KADYROV, "Wire", "2017-04-03")
    de = make_doc(EN_KADYROW, "Digest", "2017-04-04")
    r1 = make_doc(RU_KADYROV, "Кавказский узел", "2017-04-03")
    r2 = make_doc(RU_SURNAME, "Грозный-информ", "2017-04-04")
    mentions = [ner(en, "Ramzan Kadyrov", "PERSON"), ner(en, "Kadyrov", "PERSON", 1),
                ner(de, "Kadyrow", "PERSON"), ner(de, "Kadirov", "PERSON"),
                ru(r1, "Кадыров", "PERSON", "Кадыров"), ru(r1, "Рамзан Кадыров", "PERSON", "Рамзан Кадыров"),
                ru(r1, "Рамзана Кадырова", "PERSON", "Рамзан Кадыров"),
                ru(r2, "Кадыров", "PERSON", "Кадыров")]
    result = resolve_case_entities(mentions, [en, de, r1, r2])
    kadyrov = entity_of(result, mentions[0])
    assert {entity_of(result, m).id for m in mentions} == {kadyrov.id}
    # The English name is shown; the Russian forms, inflected ones too, are aliases.
    assert kadyrov.name == "Ramzan Kadyrov" and kadyrov.type == "PERSON"
    assert {"Рамзан Кадыров", "Рамзана Кадырова", "Кадыров", "Kadyrow", "Kadirov"} <= set(kadyrov.aliases)
    assert any("transliteration" in w and "Рамзан Кадыров" in w for w in kadyrov.why)
    assert len([e for e in result.entities if e.type == "PERSON"]) == 1


def test_crosslingual_russian_only_entity_is_named_in_the_nominative() -> None:
    r1 = make_doc(RU_KADYROV, "Кавказский узел", "2017-04-03")
    mentions = [ru(r1, "Рамзана Кадырова", "PERSON", "Рамзан Кадыров"), ru(r1, "Кадыров", "PERSON", "Кадыров")]
    result = resolve_case_entities(mentions, [r1])
    kadyrov = entity_of(result, mentions[0])
    assert kadyrov.name == "Рамзан Кадыров" and "Рамзана Кадырова" in kadyrov.aliases
    assert entity_of(result, mentions[1]).id == kadyrov.id
    # Without a lemma an inflected form is taken as written: "Кадырова" may be a woman.
    bare = ru(r1, "Кадырова", "PERSON")
    en = make_doc(EN_KADYROV, "Wire", "2017-04-03")
    apart = resolve_case_entities([bare, ner(en, "Ramzan Kadyrov", "PERSON")], [r1, en])
    assert len(apart.entities) == 2


def test_crosslingual_novaya_gazeta_both_ways_and_the_outlet_makes_it_an_organisation() -> None:
    en = make_doc(EN_NOVAYA, "Eastern Daily", "2017-04-02")
    ru_doc = make_doc(RU_NOVAYA, "Новая газета", "2017-04-01")
    other = make_doc(EN_NOVAJA, "Press Review", "2017-04-05")
    # NER took the paper for a person in English; the Russian report's outlet says it is a paper.
    mentions = [ner(other, "Novaja Gazeta", "ORG"), ru(ru_doc, "Новой газете", "ORG", "Новая газета"),
                ner(en, "Novaya Gazeta", "PERSON")]
    result = resolve_case_entities(mentions, [en, ru_doc, other])
    paper = entity_of(result, mentions[0])
    assert {entity_of(result, m).id for m in mentions} == {paper.id}
    # Of two Latin spellings, the English news one names the paper.
    assert paper.type == "ORG" and paper.name == "Novaya Gazeta" and "Novaja Gazeta" in paper.aliases
    assert {"Новая газета", "Новой газете"} <= set(paper.aliases)
    assert any("outlet" in w for w in paper.why) and any("transliteration" in w for w in paper.why)


def test_crosslingual_places_join_by_transliteration_and_by_their_english_name() -> None:
    ru_doc = make_doc("Задержания\nВ Чечне и в Москве задержаны мужчины, сообщили в России.\n", "Кавказский узел",
                      "2017-04-03")
    en = make_doc("Arrests\nMen were detained in Chechnya and in Moscow, Russia said.\n", "Wire", "2017-04-03")
    mentions = [ru(ru_doc, "Чечне", "GPE", "Чечня"), ru(ru_doc, "Москве", "GPE", "Москва"),
                ru(ru_doc, "России", "GPE", "Россия"), ner(en, "Chechnya", "GPE"), ner(en, "Moscow", "GPE"),
                ner(en, "Russia", "GPE")]
    result = resolve_case_entities(mentions, [ru_doc, en])
    assert [entity_of(result, m).id for m in mentions[:3]] == [entity_of(result, m).id for m in mentions[3:]]
    assert [entity_of(result, m).name for m in mentions[:3]] == ["Chechnya", "Moscow", "Russia"]
    moscow = entity_of(result, mentions[1])
    assert any("transliteration" in w for w in entity_of(result, mentions[0]).why)
    assert any("Russian name" in w and "translation" in w for w in moscow.why) and "Москве" in moscow.aliases


def test_crosslingual_russian_organisation_named_like_one_is_not_a_person() -> None:
    ru_doc = make_doc("Ответ ведомства\nВ Министерстве внутренних дел Чечни ответили, что задержаний не было.\n",
                      "Кавказский узел", "2017-04-03")
    m = ru(ru_doc, "Министерстве внутренних дел Чечни", "PERSON", "Министерство внутренних дел Чечни")
    (ministry,) = resolve_case_entities([m], [ru_doc]).entities
    assert ministry.type == "ORG" and ministry.name == "Министерство внутренних дел Чечни"
    assert any("organisation" in w for w in ministry.why)


def test_crosslingual_different_people_and_types_stay_apart() -> None:
    ru_doc = make_doc("Задержания\nСергей Иванов и Рустам Каримов дали показания в Грозном.\n", "Кавказский узел",
                      "2017-04-03")
    en = make_doc("Arrests\nAnna Ivanova and Rustam Kerimov spoke to reporters in Grozny.\n", "Wire", "2017-04-03")
    mentions = [ru(ru_doc, "Сергей Иванов", "PERSON", "Сергей Иванов"),
                ru(ru_doc, "Рустам Каримов", "PERSON", "Рустам Каримов"), ru(ru_doc, "Грозном", "ORG", "Грозный"),
                ner(en, "Anna Ivanova", "PERSON"), ner(en, "Rustam Kerimov", "PERSON"), ner(en, "Grozny", "GPE")]
    result = resolve_case_entities(mentions, [ru_doc, en])
    assert len({entity_of(result, m).id for m in mentions}) == 6
    assert not any("transliteration" in w for e in result.entities for w in e.why)
    # The same names, one of them spelt in German: only the one person joins.
    de = make_doc("Report\nRustam Karimow was named by Sergej Iwanow.\n", "Digest", "2017-04-04")
    more = [*mentions, ner(de, "Rustam Karimow", "PERSON"), ner(de, "Sergej Iwanow", "PERSON")]
    joined = resolve_case_entities(more, [ru_doc, en, de])
    assert entity_of(joined, more[6]).id == entity_of(joined, more[1]).id != entity_of(joined, more[4]).id
    assert entity_of(joined, more[7]).id == entity_of(joined, more[0]).id != entity_of(joined, more[3]).id


def test_crosslingual_spelling_that_fits_two_names_joins_neither() -> None:
    ru_doc = make_doc("Задержания\nРустам Алимов и Рустам Алымов задержаны.\n", "Кавказский узел", "2017-04-03")
    en = make_doc("Arrests\nRustam Alimov was detained, his lawyer said.\n", "Wire", "2017-04-04")
    mentions = [ru(ru_doc, "Рустам Алимов", "PERSON", "Рустам Алимов"),
                ru(ru_doc, "Рустам Алымов", "PERSON", "Рустам Алымов"), ner(en, "Rustam Alimov", "PERSON")]
    result = resolve_case_entities(mentions, [ru_doc, en])
    assert len({entity_of(result, m).id for m in mentions}) == 3
    # With only one of them in the case, the English spelling is his.
    alone = resolve_case_entities([mentions[0], mentions[2]], [ru_doc, en])
    assert entity_of(alone, mentions[0]).id == entity_of(alone, mentions[2]).id


def test_crosslingual_surname_alone_is_not_joined_when_two_people_bear_it() -> None:
    en = make_doc("Father and son\nAkhmat Kadyrov and Ramzan Kadyrov were both leaders.\n", "Wire", "2017-04-03")
    r2 = make_doc(RU_SURNAME, "Грозный-информ", "2017-04-04")
    mentions = [ner(en, "Akhmat Kadyrov", "PERSON"), ner(en, "Ramzan Kadyrov", "PERSON"),
                ru(r2, "Кадыров", "PERSON", "Кадыров")]
    result = resolve_case_entities(mentions, [en, r2])
    assert len({entity_of(result, m).id for m in mentions}) == 3


def test_crosslingual_protected_name_in_the_other_script_is_protected() -> None:
    ru_doc = make_doc("Свидетель\nЗаур рассказал о пытках. Заур просил не называть фамилию.\n", "Новая газета",
                      "2017-04-03")
    en = make_doc("Witness\nZaur described the torture in detail.\n", "Wire", "2017-04-04")
    mentions = [ru(ru_doc, "Заур", "PERSON", "Заур"), ner(en, "Zaur", "PERSON")]
    result = resolve_case_entities(mentions, [ru_doc, en], [ProtectedPerson(en.id, "Zaur", ("Zaur",))])
    assert entity_of(result, mentions[1]).protected
    # Protected in the English report only: the Russian report's Заур is not joined to him.
    assert entity_of(result, mentions[0]).id != entity_of(result, mentions[1]).id
    everywhere = resolve_case_entities(mentions, [ru_doc, en], ["Zaur"])
    assert all(entity_of(everywhere, m).protected for m in mentions)
    assert entity_of(everywhere, mentions[0]).id != entity_of(everywhere, mentions[1]).id


def _novaya_case(english_text: str, source: str | None, *, ner_in_english: bool):
    ru_doc = make_doc(RU_NOVAYA, "Новая газета", "2017-04-01", headline=False)
    en = make_doc(english_text, "Eastern Daily", "2017-04-02", headline=False)
    figures = [fig(ru_doc, "более 100 мужчин задержаны", "detained", 100, "at_least", subject="men"),
               fig(en, "more than 100 men were detained", "detained", 100, "at_least", subject="men", source=source)]
    mentions = [ru(ru_doc, "Новой газете", "ORG", "Новая газета")]
    if ner_in_english and source:
        mentions.append(ner(en, source, "ORG"))
    return ru_doc, en, figures, case_of([ru_doc, en], figures, mentions)


def test_crosslingual_english_retelling_of_a_russian_report_is_one_source() -> None:
    for with_ner in (True, False):
        ru_doc, en, figures, case = _novaya_case(EN_NOVAYA, "Novaya Gazeta", ner_in_english=with_ner)
        result = consolidate_case(case)
        (claim,) = [c for c in result.claims if c.event == "detained"]
        assert claim.independent_sources == 1 and len(claim.figure_ids) == 2, (with_ner, claim)
        told = result.figure_sources[figures[1].mention.id]
        own = result.figure_sources[figures[0].mention.id]
        assert told.how == "cited" and told.source.key == own.source.key and own.how == "first-hand"
        # The English article relays the Russian report, which the case holds; it is no copy of it.
        assert told.cited_doc == ru_doc.id and told.original_doc == told.doc_id and own.cited_doc is None


def test_crosslingual_uncited_english_report_is_a_second_source() -> None:
    text = EN_NOVAYA.replace("Novaya Gazeta reported that more", "Rights groups say more")
    _, _, figures, case = _novaya_case(text, None, ner_in_english=False)
    (claim,) = [c for c in consolidate_case(case).claims if c.event == "detained"]
    assert claim.independent_sources == 2


def test_crosslingual_cited_name_matches_the_outlet_without_entities() -> None:
    ru_doc = make_doc(RU_NOVAYA, "Новая газета", "2017-04-01", headline=False)
    en = make_doc(EN_NOVAYA, "Eastern Daily", "2017-04-02", headline=False)
    names = SourceNames([], {}, [])
    figures = [fig(en, "more than 100 men were detained", "detained", 100, "at_least", source="Novaya Gazeta"),
               fig(ru_doc, "более 100 мужчин задержаны", "detained", 100, "at_least")]
    prov = figure_provenance(figures, [ru_doc, en], names)
    told, own = prov[figures[0].mention.id], prov[figures[1].mention.id]
    assert told.source == own.source and told.source.kind == "outlet" and told.source.name == "Новая газета"
    assert told.cited_doc == ru_doc.id
    # An unrelated name is still a description of its own.
    assert names.resolve(en.id, "the rights group Memorial").key == "name:rights group memorial"
    # A report published after the citing one is not what it relays.
    early = make_doc(EN_NOVAYA, "Eastern Daily", "2017-03-01", headline=False)
    early_fig = fig(early, "more than 100 men were detained", "detained", 100, "at_least", source="Novaya Gazeta")
    assert figure_provenance([early_fig], [ru_doc, early], SourceNames([], {}, []))[
        early_fig.mention.id].cited_doc is None


def test_crosslingual_russian_report_citing_an_inflected_outlet_is_not_a_second_source() -> None:
    novaya = make_doc(RU_NOVAYA, "Новая газета", "2017-04-01", headline=False)
    relay = make_doc("По данным «Новой газеты», более 100 мужчин задержаны в Чечне.\n", "Медиазона", "2017-04-02",
                     headline=False)
    figures = [fig(novaya, "более 100 мужчин задержаны", "detained", 100, "at_least", subject="men"),
               fig(relay, "более 100 мужчин задержаны", "detained", 100, "at_least", subject="men",
                   source="Новой газеты")]
    result = consolidate_case(case_of([novaya, relay], figures))
    (claim,) = [c for c in result.claims if c.event == "detained"]
    assert claim.independent_sources == 1
    told = result.figure_sources[figures[1].mention.id]
    assert told.how == "cited" and told.source.name == "Новая газета" and told.cited_doc == novaya.id
