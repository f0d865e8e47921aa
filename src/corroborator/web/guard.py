"""The last check on what a reader who may not see protected witnesses is sent.

Review records and audit records are not part of the redacted case: they were written
by people, some of whom could see everything. Pages and answers built from them are
checked once more just before they leave: no protected name (the check of
:func:`corroborator.outputs.redact.assert_redacted`, with the witnesses assigned once per view)
and no protected testimony (the words of a protected quote, or of a figure inside one,
that the redacted case does not show anywhere). A failing check answers 500 with a
message that holds none of the content.

The app runs :func:`check_output` on every body it sends to such a reader
(``final_check`` in :mod:`corroborator.web.app`), whole: nothing the request carries is
left out of the check. Pages repeat the reader's own input only as digits.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

from fastapi import Request

from corroborator.errors import RedactionError
from corroborator.web.state import View

logger = logging.getLogger(__name__)

# Shorter stretches of testimony are too likely to be ordinary words said elsewhere.
MIN_TESTIMONY = 16
WITHHELD = "[withheld: protected testimony]"
# Free text written by reviewers is withheld if it repeats this many words of protected testimony in a row.
QUOTED_WORDS = 4
_WORDS = re.compile(r"[^\W_]+")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_NOT_WORD = re.compile(r"[\W_]+")
REFUSED = ("this page cannot be shown: it failed the final check that protects witnesses. "
           "The server log says where; nothing of it was sent.")


def _plain(text: str) -> str:
    """``text`` as a reader reads it: HTML entities and JSON escapes undone."""
    text = html.unescape(text)
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _key(text: str) -> str:
    """Letters and digits only, case folded: escaping, markup and spacing cannot hide a match."""
    return _NOT_WORD.sub("", text.casefold())


def testimony(view: View) -> frozenset[str]:
    """Keys of protected testimony that this view shows nowhere (built once per view)."""
    def build() -> frozenset[str]:
        """Protected quotes, and figures overlapping them, minus what the redacted documents still show."""
        w = view.witnesses()
        raw = view.raw
        spans: dict[str, list[tuple[int, int]]] = {}
        pieces = []
        for q in raw.quotes:
            if q.protected or q.mention.id in w.quotes:
                spans.setdefault(q.mention.doc_id, []).append((q.mention.start, q.mention.end))
                pieces.append(q.mention.text)
        for f in raw.figures:
            m = f.mention
            if any(s < m.end and m.start < e for s, e in spans.get(m.doc_id, ())):
                pieces.append(m.text)
        keys = {k for k in map(_key, pieces) if len(k) >= MIN_TESTIMONY}
        if not keys:
            return frozenset()
        shown = "\n".join(_key(d.text) for d in view.case.documents)
        return frozenset(k for k in keys if k not in shown)

    if not view.redacted:
        return frozenset()
    found: frozenset[str] = view.cached("testimony", build)
    return found


def holds_testimony(view: View, text: str) -> bool:
    """Whether ``text`` quotes protected testimony this reader may not see."""
    keys = testimony(view)
    if not keys or not text:
        return False
    flat = _key(_plain(text))
    return any(k in flat for k in keys)


def _protected_quotes(view: View) -> list[str]:
    """The words of every protected quote of the corrected case."""
    w = view.witnesses()
    return [q.mention.text for q in view.raw.quotes if q.protected or q.mention.id in w.quotes]


def quotes_testimony(view: View, text: str) -> bool:
    """Whether free ``text`` (a note, a value a reviewer typed) repeats protected testimony.

    Stricter than :func:`holds_testimony`: :data:`QUOTED_WORDS` words of a protected
    quote in a row are enough. Only for short texts written by people, where withholding
    an innocent phrase costs little; a whole page would trip on common phrases.
    """
    def build() -> frozenset[tuple[str, ...]]:
        """Every run of QUOTED_WORDS words of the protected quotes."""
        grams = set()
        for words in (_WORDS.findall(q.casefold()) for q in _protected_quotes(view)):
            grams.update(tuple(words[i:i + QUOTED_WORDS]) for i in range(len(words) - QUOTED_WORDS + 1))
        return frozenset(grams)

    if not view.redacted or not text:
        return False
    grams: frozenset[tuple[str, ...]] = view.cached("testimony-words", build)
    words = _WORDS.findall(_plain(text).casefold())
    return any(tuple(words[i:i + QUOTED_WORDS]) in grams for i in range(len(words) - QUOTED_WORDS + 1)) \
        or holds_testimony(view, text)


def _leaks(view: View, plain: str) -> bool:
    """Whether unescaped ``plain`` holds a protected name or protected testimony.

    Names are checked as :func:`corroborator.outputs.redact.assert_redacted` checks them, with
    the witnesses assigned once per view instead of once per call.
    """
    keys = testimony(view)
    if keys:
        flat = _key(plain)
        if any(k in flat for k in keys):
            return True
    return view.witnesses().leaks(plain)


def check_output(view: View, body: str, *, where: str = "page") -> None:
    """Refuse to send ``body`` to a non-revealing reader if it leaks a witness.

    The whole body is checked: nothing the request carries (query, path, form, headers,
    cookies) is left out or can change what is looked for. Pages must not repeat what the
    reader typed in plain words; they send it in a form no name can be read in (see
    :func:`corroborator.web.deps.echo_codes`), whatever it holds, so a typed name is
    neither refused nor confirmed.

    Raises:
        RedactionError: ``body`` holds a protected name or protected testimony (the
            message names neither).
    """
    if not view.redacted:
        return
    if _leaks(view, _plain(body)):
        # The log names the route, never the content: logs are not redacted.
        logger.error("a %s failed the final redaction check and was not sent", where)
        raise RedactionError(REFUSED)


def check_json(view: View, data: Any, request: Request, where: str) -> Any:
    """``data`` unchanged after :func:`check_output` of its JSON (``request`` is not consulted)."""
    if view.redacted:
        check_output(view, json.dumps(data, ensure_ascii=False, default=str), where=where)
    return data
