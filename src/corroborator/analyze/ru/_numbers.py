"""Russian counts: digits, number words in every case, vague tens and hundreds, qualifiers.

Pure functions over the tokens of :mod:`corroborator.analyze.ru.figures` (lower-cased,
ё written е). Number words are read by their pymorphy3 lemma, so every case counts:
"трое", "троих", "трёх", "пятьдесят шесть", "пятидесяти шести", "двухсот".

Decisions (as in English, :mod:`corroborator.analyze.numbers`):

- "десятки" (tens) and "сотни"/"тысячи" (hundreds/thousands) without a number are the
  lowest reading of the plural: 20, 200, 2000, qualified ``at_least`` and marked vague;
  "десяток" is 10, ``about``.
- "более", "свыше", "больше" and a trailing "с лишним" are ``more_than``; "не менее",
  "по меньшей мере", "как минимум", "по крайней мере" ``at_least``; "до", "не более",
  "менее", "вплоть до", "максимум" ``at_most``; "около", "порядка", "примерно",
  "приблизительно", "почти", "почти что" ``about``.
- A range ("50-60", "от 50 до 60") is its low end with ``at_least`` and the high end kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corroborator.analyze.numbers import Count
from corroborator.analyze.ru._morph import parses

_UNITS = dict(zip(
    "один два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать тринадцать "
    "четырнадцать пятнадцать шестнадцать семнадцать восемнадцать девятнадцать".split(), range(1, 20)))
_TENS = dict(zip("двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто".split(),
                 range(20, 100, 10)))
_HUNDREDS = dict(zip("сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот".split(),
                     range(100, 1000, 100)))
_COLLECTIVE = dict(zip("двое трое четверо пятеро шестеро семеро восьмеро девятеро десятеро".split(), range(2, 11)))
_SCALES = {"тысяча": 1000, "миллион": 1_000_000}
#: Plural nouns that state an order of magnitude and no number: their lowest reading.
VAGUE = {"десяток": 20, "сотня": 200, "тысяча": 2000}
_LEMMA_VALUES = _UNITS | _TENS | _HUNDREDS | _COLLECTIVE | {"оба": 2}
_DIGITS = re.compile(r"\d{1,3}(?:[\u00a0\u202f ]\d{3})+|\d+")
_RANGE = re.compile(r"(\d+)[-–—](\d+)")
_ABBREVIATED_THOUSAND = frozenset({"тыс", "тыс."})
_DECIMAL = re.compile(r"\d+[.,]\d+")

_BEFORE: dict[tuple[str, ...], str] = {}
for _phrases, _qual in (
    ("не менее|не меньше|по меньшей мере|как минимум|минимум|по крайней мере|по самым скромным подсчетам", "at_least"),
    ("более|свыше|больше|более чем|больше чем|с лишним|еще более", "more_than"),
    ("до|не более|не больше|менее|меньше|вплоть до|максимум|не свыше|менее чем|меньше чем", "at_most"),
    ("около|порядка|примерно|приблизительно|почти|почти что|где-то|ориентировочно|едва ли не|без малого|"
     "предположительно|по разным оценкам|по оценкам", "about"),
):
    for _p in _phrases.split("|"):
        _BEFORE[tuple(_p.split())] = _qual
_LONGEST = max(len(k) for k in _BEFORE)


def number_lemma(token: str) -> str | None:
    """The lemma of a number word ("пятидесяти" -> "пятьдесят"), or None if it is none."""
    for p in parses(token):
        lemma = p.normal_form.replace("ё", "е")
        if lemma in _LEMMA_VALUES or lemma in _SCALES or lemma in VAGUE:
            if p.tag.POS in ("NUMR", "NOUN", "ADJF") or "Anum" in p.tag:
                return lemma
    return None


def is_number_start(token: str) -> bool:
    """Whether a token can start a count (digits or a number word in any case)."""
    return token[:1].isdigit() or number_lemma(token) is not None


def _digit_value(token: str) -> int | None:
    """The value of a digit token ("1 200" with a thin space too), or None."""
    if _DIGITS.fullmatch(token):
        return int(re.sub(r"\D", "", token))
    return None


def parse_count(lows: Sequence[str], i: int) -> Count | None:
    """Parse the count starting at token ``i`` of a sentence's lower-cased tokens, or None."""
    tok = lows[i]
    nxt = lows[i + 1] if i + 1 < len(lows) else ""
    if tok[0].isdigit():
        found = _RANGE.fullmatch(tok)
        if found:
            low, high = int(found[1]), int(found[2])
            return Count(low, i, i + 1, "at_least", high) if low < high else None
        scale = _scale(nxt)
        decimal = _DECIMAL.fullmatch(tok)
        if decimal and scale:
            return Count(round(float(tok.replace(",", ".")) * scale), i, i + 2)  # "1,5 тыс. человек"
        value = _digit_value(tok)
        if value is None:
            return None
        if scale:
            return _ranged(lows, i, Count(value * scale, i, i + 2))
        return _ranged(lows, i, Count(value, i, i + 1))
    return _words(lows, i)


def _scale(token: str) -> int | None:
    """1000 for "тыс."/"тысячи", a million for "млн"/"миллиона", else None."""
    if token in _ABBREVIATED_THOUSAND:
        return 1000
    if token in ("млн", "млн."):
        return 1_000_000
    lemma = number_lemma(token) if token[:1].isalpha() else None
    return _SCALES.get(lemma or "")


def _words(lows: Sequence[str], i: int) -> Count | None:
    """A count written in words from token ``i``."""
    total, current, j, last = 0, 0, i, 10**9
    collective = False
    while j < len(lows):
        lemma = number_lemma(lows[j])
        if lemma is None:
            break
        if lemma in VAGUE and j == i and _plural(lows, j, lemma):
            return Count(VAGUE[lemma], i, i + 1, "at_least", vague=True)
        if lemma == "десяток":
            return Count(10, i, i + 1, "about", vague=True) if j == i else None
        if lemma == "сотня":
            return Count(100, i, i + 1) if j == i else None
        if lemma in _SCALES:
            if j == i and lemma == "тысяча":
                total, last = 1000, 1000
            elif current:
                total, current, last = total + current * _SCALES[lemma], 0, _SCALES[lemma]
            else:
                break
            j += 1
            continue
        value = _LEMMA_VALUES[lemma]
        if value >= last or (current and value >= 10 and current % 100 == 0 and value >= 100):
            break  # "три четыре" is two numbers
        current += value
        last = value
        collective = collective or lemma in _COLLECTIVE
        j += 1
        if lemma in _COLLECTIVE or lemma == "оба":
            break
    if j == i:
        return None
    return _ranged(lows, i, Count(total + current, i, j, collective=collective))


#: Words after which "сотни", "тысячи" are genitive singular: "около сотни" is about 100.
_GENITIVE_BEFORE = frozenset("около более свыше до менее порядка почти больше меньше из".split())


def _plural(lows: Sequence[str], j: int, lemma: str) -> bool:
    """Whether a vague number noun is plural ("сотни людей"), not "около сотни" (one hundred)."""
    forms = [p for p in parses(lows[j]) if p.normal_form.replace("ё", "е") == lemma]
    if not any(p.tag.number == "plur" for p in forms):
        return False
    singular = any(p.tag.number == "sing" for p in forms)
    return not (singular and j > 0 and lows[j - 1] in _GENITIVE_BEFORE)


def _ranged(lows: Sequence[str], i: int, count: Count) -> Count:
    """Widen to a range: "50-60" as tokens, "от 50 до 60"."""
    end = count.end
    if end + 1 >= len(lows):
        return count
    joiner = lows[end]
    if joiner in ("-", "–", "—") or (joiner == "до" and i > 0 and lows[i - 1] == "от"):
        high = parse_count(lows, end + 1) if lows[end + 1][:1].isdigit() or number_lemma(lows[end + 1]) else None
        if high is not None and high.value > count.value and not high.vague:
            return Count(count.value, i, high.end, "at_least", high.value, collective=count.collective)
    return count


def qualifier_before(lows: Sequence[str], i: int) -> tuple[str | None, int]:
    """The qualifier ending right before token ``i`` and the index it starts at."""
    start = i - 1 if i > 0 and lows[i - 1] == "от" else i  # "от 50 до 60": the range says it
    if start != i:
        return None, i
    for size in range(min(_LONGEST, i), 0, -1):
        qualifier = _BEFORE.get(tuple(lows[i - size : i]))
        if qualifier:
            return qualifier, i - size
    return None, i


def qualifier_after(lows: Sequence[str], j: int) -> tuple[str | None, int]:
    """A trailing qualifier ("с лишним", "с небольшим") at token ``j`` and the index after it."""
    if lows[j : j + 2] in (["с", "лишним"], ["с", "небольшим"]):
        return "more_than", j + 2
    return None, j


def word_value(token: str) -> int | None:
    """The value of one number token (digits or a word in any case), or None."""
    if token[:1].isdigit():
        return _digit_value(token)
    lemma = number_lemma(token)
    return _LEMMA_VALUES.get(lemma or "")
