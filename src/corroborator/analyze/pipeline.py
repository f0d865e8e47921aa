"""The per-document stages: clean, recognise entities, then the rule-based extractors.

Each stage is registered under a versioned name and declares what it needs. The error
policy is skip-and-record: a stage that fails on a document leaves a problem on that
document's :class:`~corroborator.model.Extraction` and the other stages still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from corroborator.analyze.clean import clean
from corroborator.analyze.dates import extract_dates, extract_events
from corroborator.analyze.figures import extract_figures
from corroborator.analyze.quotes import extract_quotes
from corroborator.model import Document, Extraction
from corroborator.analyze.entities import entity_mentions, load_pipeline

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stage:
    """A registered extraction stage: ``func(extraction)`` fills in what it provides."""

    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]
    func: Callable[[Extraction], None]


def _dates(ex: Extraction) -> None:
    ex.mentions.extend(extract_dates(ex.document))


def _kind(ex: Extraction, kind: str) -> list[Any]:
    return [m for m in ex.mentions if m.kind == kind]


def _quotes(ex: Extraction) -> None:
    result = extract_quotes(ex.document, _kind(ex, "entity"))
    ex.quotes.extend(result.quotes)
    ex.mentions.extend(result.mentions)
    ex.protected.extend(result.protected)


def _figures(ex: Extraction) -> None:
    ex.figures.extend(extract_figures(ex.document, _kind(ex, "entity"), _kind(ex, "date")))


def _events(ex: Extraction) -> None:
    events, mentions = extract_events(ex.document, _kind(ex, "date"))
    ex.events.extend(events)
    ex.mentions.extend(mentions)


#: The stages after NER, in the order they run.
STAGES: tuple[Stage, ...] = (
    Stage("dates.rules.v1", ("text", "noise"), ("dates",), _dates),
    Stage("quotes.rules.v1", ("entities",), ("quotes", "protected"), _quotes),
    Stage("figures.rules.v1", ("entities", "dates"), ("figures",), _figures),
    Stage("events.rules.v1", ("dates",), ("events",), _events),
)


def clean_document(doc: Document) -> Document:
    """Mark the document's noise and fill metadata the text states but the file lacked."""
    cleaned = clean(doc.text, media_type=doc.media_type)
    return replace(
        doc,
        noise=cleaned.noise,
        title=doc.title or cleaned.title,
        author=doc.author or cleaned.author,
        published=doc.published or cleaned.published,
        outlet=doc.outlet or cleaned.outlet,
    )


def analyze(docs: Sequence[Document], nlp: Any = None, *, batch_size: int = 64) -> list[Extraction]:
    """Run every per-document stage over a batch of documents.

    Args:
        docs: Documents as read by :mod:`corroborator.ingest`.
        nlp: A loaded spaCy pipeline; by default :func:`~corroborator.analyze.entities.load_pipeline`.
        batch_size: Documents per ``nlp.pipe`` batch.

    Returns:
        One extraction per document, in order; stage failures are in ``problems``.
    """
    nlp = nlp if nlp is not None else load_pipeline()
    extractions = []
    for doc in docs:
        try:
            extractions.append(Extraction(clean_document(doc)))
        except Exception as exc:  # noqa: BLE001 - policy: one stage's failure must not lose the document
            logger.warning("clean failed on %s: %s", doc.path, exc)
            extractions.append(Extraction(doc, problems=[f"clean.rules.v1: {type(exc).__name__}: {exc}"]))
    texts = [ex.document.text for ex in extractions]
    try:
        parsed = list(nlp.pipe(texts, batch_size=batch_size))
    except Exception as exc:  # noqa: BLE001 - fall back to one document at a time to isolate the bad one
        logger.warning("NER batch failed (%s); retrying one document at a time", exc)
        parsed = []
        for ex in extractions:
            try:
                parsed.append(nlp(ex.document.text))
            except Exception as inner:  # noqa: BLE001
                ex.problems.append(f"entities.spacy.v1: {type(inner).__name__}: {inner}")
                parsed.append(None)
    for ex, spacy_doc in zip(extractions, parsed):
        if spacy_doc is not None:
            ex.mentions.extend(entity_mentions(ex.document, spacy_doc))
        run_stages(ex)
    return extractions


def run_stages(ex: Extraction, stages: Sequence[Stage] | None = None) -> None:
    """Run the rule stages (by default :data:`STAGES`) on one extraction, recording failures."""
    for stage in STAGES if stages is None else stages:
        try:
            stage.func(ex)
        except Exception as exc:  # noqa: BLE001 - skip-and-record is the pipeline's error policy
            logger.warning("%s failed on %s: %s", stage.name, ex.document.path, exc)
            ex.problems.append(f"{stage.name}: {type(exc).__name__}: {exc}")


# -- worker processes ---------------------------------------------------------------
_WORKER_NLP: Any = None


def init_worker(model: str | None) -> None:
    """Load the pipeline once per worker process."""
    global _WORKER_NLP
    _WORKER_NLP = load_pipeline(model)


def analyze_in_worker(docs: Sequence[Document]) -> list[Extraction]:
    """Entry point of a worker process: analyse one batch with the worker's pipeline."""
    return analyze(docs, _WORKER_NLP)
