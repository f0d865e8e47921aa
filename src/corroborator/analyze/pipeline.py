"""The per-document stages, registered by name, and the interface every engine calls.

:func:`analyze` analyses one document and :func:`analyze_batch` several (spaCy runs
over the whole batch with ``nlp.pipe``). Both take a
:class:`~corroborator.settings.Settings`: the stages run are those it names
(``settings.stages.document``), looked up in :data:`STAGES` and ordered by what they
require and provide. Nothing is kept between calls except the spaCy pipeline, loaded
once per process and model name (:func:`~corroborator.analyze.entities.load_pipeline`).

Registered stages (requires -> provides; ``text`` is the document as read):

- ``clean.rules.v1``: text -> noise, metadata
- ``language.lingua.v1``: text -> language (listed after cleaning, so it runs after it)
- ``entities.spacy.v1``: noise -> entities
- ``dates.rules.v1``: noise, metadata -> dates (the publish date is the reference)
- ``quotes.rules.v1``: noise, entities -> quotes, protected
- ``figures.rules.v1``: noise, entities, dates -> figures
- ``events.rules.v1``: dates -> events

The language stage sets ``Document.language``; each extracting stage is one step whose
rules are chosen per language inside it: English (:mod:`corroborator.analyze`) and
Russian (:mod:`corroborator.analyze.ru`: natasha entities, Russian dates, figures,
events, quotes, speakers and protection cues; the language stage marks Russian page
furniture as noise and reads a Russian header's publish date when the cleaner found
none). English rules never run on a Russian text. A document whose
language is not in ``settings.language.supported`` is flagged
(``Document.no_extraction``, "no extraction for language xx") and those stages leave it
alone, so it is stored with its text and searchable, never run through English rules.
Without the language stage in the plan every document is treated as English.

The error policy is skip-and-record: a stage that fails on a document leaves a
:class:`~corroborator.errors.Problem` on that document's extraction and the other
stages still run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from corroborator.analyze.clean import clean
from corroborator.analyze.dates import extract_dates, extract_events
from corroborator.analyze.entities import document_entities, load_pipeline
from corroborator.analyze.figures import extract_figures
from corroborator.analyze.language import detect_language, load_detector, no_extraction_message
from corroborator.analyze.quotes import extract_quotes
from corroborator.analyze.ru.clean import russian_noise
from corroborator.analyze.ru.dates import extract_dates_ru, extract_events_ru, header_published
from corroborator.analyze.ru.entities import entity_mentions_ru
from corroborator.analyze.ru.figures import extract_figures_ru
from corroborator.analyze.ru.quotes import extract_quotes_ru
from corroborator.errors import Problem
from corroborator.model import Document, Extraction, merge_noise
from corroborator.registry import DOCUMENT, Registry, Stage, prepare_stages, run_stages
from corroborator.settings import DEFAULTS, CleanSettings, Settings

logger = logging.getLogger(__name__)

#: What every document has before any stage runs.
GIVEN = ("text",)
#: The language code whose documents get the Russian rules.
RUSSIAN = "ru"


def clean_document(doc: Document, settings: CleanSettings = DEFAULTS.clean) -> Document:
    """Mark the document's noise and fill metadata the text states but the file lacked.

    Noise marked when the file was read (a PDF's running headers and page numbers) stays;
    where the cleaner marks an overlapping span, the reader's wins.
    """
    cleaned = clean(doc.text, media_type=doc.media_type, settings=settings)
    return replace(
        doc,
        noise=merge_noise(doc.noise, cleaned.noise),
        title=doc.title or cleaned.title,
        author=doc.author or cleaned.author,
        published=doc.published or cleaned.published,
        outlet=doc.outlet or cleaned.outlet,
    )


def _clean(ex: Extraction, settings: Settings) -> None:
    ex.document = clean_document(ex.document, settings.clean)


def _language(ex: Extraction, settings: Settings) -> None:
    language = detect_language(ex.document.text, settings.language)
    flag = None if language in settings.language.supported else no_extraction_message(language)
    ex.document = replace(ex.document, language=language, no_extraction=flag)
    if language != RUSSIAN or flag is not None:
        return
    ex.document = replace(ex.document, noise=merge_noise(ex.document.noise, russian_noise(ex.document.text)))
    if ex.document.published is None:
        header = header_published(ex.document.text)
        if header is not None:
            published, dateline = header
            # The line is a dateline, whatever the English cleaner took it for.
            ex.document = replace(ex.document, published=published, noise=merge_noise([dateline], ex.document.noise))


def _load_detector(settings: Settings) -> None:
    load_detector()


def _extractable(ex: Extraction) -> bool:
    """False for a document flagged as in a language the extractors do not handle."""
    return ex.document.no_extraction is None


def _russian(ex: Extraction) -> bool:
    """Whether the Russian rules apply to the document."""
    return ex.document.language == RUSSIAN


def _nlp(settings: Settings) -> Any:
    """The spaCy pipeline the settings name (loaded once per process)."""
    return load_pipeline(settings.entities.model or None)


def _load_nlp(settings: Settings) -> None:
    _nlp(settings)


def _entities(ex: Extraction, settings: Settings) -> None:
    if not _extractable(ex):
        return
    if _russian(ex):
        ex.mentions.extend(entity_mentions_ru(ex.document))
        return
    # A long text is parsed in parts; the mentions' offsets point into the whole text.
    ex.mentions.extend(document_entities(_nlp(settings), [ex.document])[0])


def _entities_batch(extractions: Sequence[Extraction], settings: Settings) -> None:
    extractable = [ex for ex in extractions if _extractable(ex)]
    russian = [(ex, entity_mentions_ru(ex.document)) for ex in extractable if _russian(ex)]
    extractions = [ex for ex in extractable if not _russian(ex)]
    found = document_entities(_nlp(settings), [ex.document for ex in extractions]) if extractions else []
    for ex, mentions in [*zip(extractions, found), *russian]:  # nothing is changed before every document is parsed
        ex.mentions.extend(mentions)


def _kind(ex: Extraction, kind: str) -> list[Any]:
    return [m for m in ex.mentions if m.kind == kind]


def _dates(ex: Extraction, settings: Settings) -> None:
    if not _extractable(ex):
        return
    dates = extract_dates_ru if _russian(ex) else extract_dates
    ex.mentions.extend(dates(ex.document, settings=settings.dates))


def _quotes(ex: Extraction, settings: Settings) -> None:
    if not _extractable(ex):
        return
    quotes = extract_quotes_ru if _russian(ex) else extract_quotes  # never English quote rules on Russian text
    result = quotes(ex.document, _kind(ex, "entity"), settings.quotes)
    ex.quotes.extend(result.quotes)
    ex.mentions.extend(result.mentions)
    ex.protected.extend(result.protected)


def _figures(ex: Extraction, settings: Settings) -> None:
    if not _extractable(ex):
        return
    figures = extract_figures_ru if _russian(ex) else extract_figures
    ex.figures.extend(figures(ex.document, _kind(ex, "entity"), _kind(ex, "date"), settings.figures))


def _events(ex: Extraction, settings: Settings) -> None:
    if not _extractable(ex):
        return
    events_of = extract_events_ru if _russian(ex) else extract_events
    events, mentions = events_of(ex.document, _kind(ex, "date"), settings.dates)
    ex.events.extend(events)
    ex.mentions.extend(mentions)


#: The per-document stages by name; ``settings.stages.document`` says which run.
STAGES = Registry([
    Stage("clean.rules.v1", ("text",), ("noise", "metadata"), _clean),
    Stage("language.lingua.v1", ("text",), ("language",), _language, prepare=_load_detector),
    Stage("entities.spacy.v1", ("noise",), ("entities",), _entities, batch=_entities_batch, prepare=_load_nlp),
    Stage("dates.rules.v1", ("noise", "metadata"), ("dates",), _dates),
    Stage("quotes.rules.v1", ("noise", "entities"), ("quotes", "protected"), _quotes),
    Stage("figures.rules.v1", ("noise", "entities", "dates"), ("figures",), _figures),
    Stage("events.rules.v1", ("dates",), ("events",), _events),
])


#: What the document stages of a build must always provide, and why (a library caller
#: may run fewer stages on a document; a build that makes a case file may not).
ALWAYS = {"protected": "without the stage that finds protected witnesses (quotes.rules.v1), "
                       "redaction would have no one to protect"}


def plan_stages(settings: Settings = DEFAULTS) -> tuple[Stage, ...]:
    """The document stages ``settings`` names, in the order they run.

    Raises:
        RegistryError: A name is unknown or a requirement is not provided.
    """
    return STAGES.plan(settings.stages.document, kind=DOCUMENT, given=GIVEN)


def analyze(doc: Document, settings: Settings = DEFAULTS) -> Extraction:
    """Run the document stages over one document.

    Args:
        doc: A document as read by :mod:`corroborator.ingest`.
        settings: Which stages run, and their thresholds.

    Returns:
        Its extraction; stage failures are in ``problems``.
    """
    return analyze_batch([doc], settings)[0]


def analyze_batch(docs: Sequence[Document], settings: Settings = DEFAULTS, *,
                  batch_size: int = 64) -> list[Extraction]:
    """Run the document stages over a batch of documents; the same results as :func:`analyze` on each.

    Args:
        docs: Documents as read by :mod:`corroborator.ingest`.
        settings: Which stages run, and their thresholds. Pickles, so worker processes
            can be sent it with each batch.
        batch_size: Documents that go through the stages together (one ``nlp.pipe`` batch).

    Returns:
        One extraction per document, in order; stage failures are in ``problems``.

    Raises:
        RegistryError: The settings name stages that cannot run.
        ModelNotInstalledError: The spaCy pipeline is not installed.
    """
    plan = plan_stages(settings)
    prepare_stages(plan, settings)
    extractions: list[Extraction] = []
    for first in range(0, len(docs), max(batch_size, 1)):
        chunk = [Extraction(doc) for doc in docs[first:first + max(batch_size, 1)]]
        run_stages(plan, chunk, settings, _record)
        extractions.extend(chunk)
    return extractions


def _record(stage: Stage, ex: Extraction, exc: Exception) -> None:
    """Skip-and-record: the failure becomes a problem of the document."""
    logger.warning("%s failed on %s: %s", stage.name, ex.document.path, exc)
    ex.problems.append(Problem.from_exception(stage.name, ex.document.id, exc))


def init_worker(settings: Settings = DEFAULTS) -> None:
    """Worker-process initialiser: load what the stages need before the first batch arrives."""
    prepare_stages(plan_stages(settings), settings)
