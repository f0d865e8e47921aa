"""Sentence spans of whole document texts, found once and shared by the stages that read them.

The dates, events and figures stages each split a document into sentences
(:func:`corroborator.text.sentences`); a batch goes through the stages one at a time,
so the spans of the most recent texts are kept, up to :data:`KEPT_CHARS` characters of
text in all, instead of being found again by every stage. The texts are the documents'
own strings (nothing is copied), and the result is the same list
:func:`~corroborator.text.sentences` gives.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from corroborator.text import sentences

#: Characters of text whose sentence spans are kept (a few batches of ordinary reports).
KEPT_CHARS = 4_000_000
_kept: OrderedDict[str, tuple[tuple[int, int], ...]] = OrderedDict()
_kept_chars = 0
_lock = threading.Lock()


def text_sentences(text: str) -> list[tuple[int, int]]:
    """``sentences(text)`` over the whole text, computed once for recent texts.

    Returns:
        A new list each call (callers may change it).
    """
    global _kept_chars
    with _lock:
        found = _kept.get(text)
        if found is not None:
            _kept.move_to_end(text)
            return list(found)
    found = tuple(sentences(text))
    with _lock:
        if text not in _kept:
            _kept[text] = found
            _kept_chars += len(text)
            while _kept_chars > KEPT_CHARS and len(_kept) > 1:
                old, _ = _kept.popitem(last=False)
                _kept_chars -= len(old)
    return list(found)
