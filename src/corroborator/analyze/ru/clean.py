"""Page furniture of Russian news that the English cleaner does not know, marked as noise.

Line rules only, like :mod:`corroborator.analyze.clean` (nothing is deleted; every
offset still points into the raw text); they add to the cleaner's spans, never replace
them:

- ``caption``: photo and video credits ("Фото: РИА Новости", "Фото — Reuters",
  "Кадр из видео", "Иллюстрация: ...");
- ``teaser``: "Читайте также: ...", "Смотрите также", "По теме:", "Читать далее";
- ``call_to_action``: "Подписывайтесь на наш канал", "Поддержите «Новую газету»",
  "Сообщить об ошибке" and other reader notices;
- ``footer``: "Все права защищены", "Материал подготовлен ...", comments and sharing links.
"""

from __future__ import annotations

import logging
import re

from corroborator.model import NoiseSpan

logger = logging.getLogger(__name__)

_MAX_WORDS = 40
_RULES = (
    ("caption", re.compile(r"^(?:фото(?:графия)?|видео|кадр(?:\s+из\s+видео)?|иллюстрация|скриншот|источник\s+фото)"
                           r"\s*(?::|—|–|-|\()", re.I)),
    ("teaser", re.compile(r"^(?:читайте\s+также|смотрите\s+также|читать\s+(?:также|далее)|по\s+теме|ещё\s+по\s+теме"
                          r"|еще\s+по\s+теме|материалы\s+по\s+теме|другие\s+новости)\b", re.I)),
    ("call_to_action", re.compile(r"^(?:подписывайтесь|подпишитесь|поддержите|поддержать|присоединяйтесь"
                                  r"|сообщить\s+об\s+ошибке|нашли\s+ошибку|следите\s+за\s+новостями)", re.I)),
    ("footer", re.compile(r"все\s+права\s+защищены|^материал\s+подготовлен|^\d+\s+комментари|^поделиться\b"
                          r"|^комментарии\s*\(?\d*\)?\s*$", re.I)),
)


def russian_noise(text: str) -> list[NoiseSpan]:
    """The noise lines of a Russian report the English cleaner would not mark, in text order."""
    spans = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        content = line.strip()
        if content and len(content.split()) <= _MAX_WORDS:
            kind = next((kind for kind, rule in _RULES if rule.search(content)), None)
            if kind is not None:
                lead = len(line) - len(line.lstrip())
                spans.append(NoiseSpan(start + lead, start + lead + len(content), kind))
        start = end + 1
    logger.debug("%d Russian noise lines", len(spans))
    return spans
