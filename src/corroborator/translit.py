"""Cyrillic names in Latin letters, and comparison keys that find one name under its spellings.

News writes a Russian name in many ways: "Кадыров" is Kadyrov (BGN/PCGN, English news),
Kadyrow (German, Polish) or Kadirov; "Новая газета" is Novaya Gazeta, Novaia gazeta
(Library of Congress), Novaja Gazeta (scholarly) or Nowaja Gaseta (German).
:func:`romanise` writes Cyrillic text in one of these systems and :func:`romanisations`
in all of them.

:func:`name_keys` gives a few comparison keys for a name in either script. A Cyrillic
name is spelt the English way, its ambiguous letters (ё, ь) both ways; a Latin name is
read as English and, when its letters show another system, also as German (w, sch, j,
z: "Nowaja Gaseta"), Polish (w, cz, sz, rz, j, ż, a soft "ie") or scholarly (c, č, š:
"Achmat", "Elcin"). A German spelling with no German letter ("Grosny") is read as English
only: reading every s as з would take "Abbasov" for "Абазов". Every reading is then folded
alike: j and y as i, w as v, kh and h, ts and tz, doubled letters as one, "-iy", "-yy"
and "-ij" as "-i". A few places and bodies have an English name that is a translation
(:data:`EXONYMS`: "Москва" is Moscow); :func:`stem_key` drops Russian case endings to find
an organisation in any case ("Новой газеты").

:func:`same_name` says whether two names are one: their keys meet, and guards keep false
merges rare. A name of one word needs five letters (no "Иван" = "Ivan" across a case);
two Cyrillic names differ at most in ё/е; two Latin names are joined only when a word
that differs ends like a romanised Slavic name ("Kadyrow", "-ski", "-aja"), so "Khan"
and "Han", "Fischer" and "Fisher" or "Lee" and "Le" stay apart. A female surname
("Ivanova") never folds into the male one ("Иванов"): endings are kept.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable
from functools import lru_cache
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=Hashable)

#: The systems :func:`romanise` knows.
SYSTEMS = ("news", "bgn", "loc", "scholarly", "iso9", "german", "polish")
#: A one-word name needs this many letters to be matched across spellings.
MIN_SINGLE_WORD = 5
#: Places and bodies whose English name is a translation, not a transliteration, of the
#: Russian one (the Russian in the nominative, as a lemma gives it; all lower case).
EXONYMS: dict[str, tuple[str, ...]] = {
    "россия": ("russia", "russian federation"), "российская федерация": ("russia", "russian federation"),
    "москва": ("moscow",), "санкт-петербург": ("saint petersburg", "st petersburg"),
    "чеченская республика": ("chechen republic", "chechnya"), "чечня": ("chechen republic",),
    "северный кавказ": ("north caucasus", "northern caucasus"), "кавказ": ("caucasus",), "кремль": ("kremlin",),
    "украина": ("ukraine",), "киев": ("kyiv",), "беларусь": ("belarus",), "белоруссия": ("belarus",),
    "грузия": ("georgia",), "азербайджан": ("azerbaijan",), "германия": ("germany",), "франция": ("france",),
    "великобритания": ("britain", "great britain", "united kingdom", "uk"), "англия": ("england",),
    "сша": ("united states", "us", "usa", "united states of america"), "америка": ("america",),
    "турция": ("turkey", "türkiye"), "польша": ("poland",), "литва": ("lithuania",), "латвия": ("latvia",),
    "финляндия": ("finland",), "швеция": ("sweden",), "норвегия": ("norway",), "нидерланды": ("netherlands",),
    "бельгия": ("belgium",), "австрия": ("austria",), "швейцария": ("switzerland",), "италия": ("italy",),
    "испания": ("spain",), "канада": ("canada",), "китай": ("china",), "япония": ("japan",), "ирак": ("iraq",),
    "европа": ("europe",), "европейский союз": ("european union", "eu"), "евросоюз": ("european union", "eu"),
    "ес": ("eu", "european union"), "оон": ("united nations", "un"), "совет европы": ("council of europe",),
    "европейский суд по правам человека": ("european court of human rights", "echr"),
    "еспч": ("european court of human rights", "echr"), "мвд": ("interior ministry", "ministry of internal affairs"),
    "следственный комитет": ("investigative committee",), "государственная дума": ("state duma", "duma"),
    "хьюман райтс вотч": ("human rights watch",), "амнести интернешнл": ("amnesty international",),
}

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_VOWELS = frozenset("аеёиоуыэюяіїє")
_SIBILANTS = frozenset("жчшщ")
_IOTATED = frozenset("еёюяи")
# Letters every system writes the same; each system then overrides a few.
_COMMON = dict(zip("абвгдзиклмнопрстуфыэ", "abvgdziklmnoprstufye"))
_COMMON.update({"і": "i", "ґ": "g", "ъ": "", "ь": ""})
_TABLES: dict[str, dict[str, str]] = {
    "news": {"е": "e", "ё": "yo", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
             "ю": "yu", "я": "ya", "ї": "yi", "є": "ye"},
    "loc": {"е": "e", "ё": "e", "ж": "zh", "й": "i", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
            "ю": "iu", "я": "ia", "ї": "i", "є": "ie"},
    "scholarly": {"е": "e", "ё": "ë", "ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
                  "ю": "ju", "я": "ja", "ї": "ji", "є": "je", "э": "ė"},
    "iso9": {"е": "e", "ё": "ë", "ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ",
             "ю": "û", "я": "â", "ї": "ï", "є": "ê", "э": "è", "ъ": "ʺ", "ь": "ʹ"},
    "german": {"в": "w", "е": "e", "ё": "jo", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch",
               "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "ї": "ji", "є": "je"},
    "polish": {"в": "w", "е": "e", "ё": "jo", "ж": "ż", "й": "j", "л": "ł", "х": "ch", "ц": "c", "ч": "cz",
               "ш": "sz", "щ": "szcz", "ю": "ju", "я": "ja", "ї": "ji", "є": "je"},
}
_TABLES["bgn"] = _TABLES["news"]

# The English news spelling every key starts from; ё, ь and ъ have more than one.
_KEY_SPELLING = str.maketrans({**_COMMON, **_TABLES["news"]})
_AMBIGUOUS = re.compile("[ёьъ]")

# -- reading Latin spellings -----------------------------------------------------------
_PREMAP = str.maketrans({"ž": "zh", "š": "sh", "č": "ch", "ŝ": "shch", "ë": "yo", "ė": "e", "è": "e", "ê": "ye",
                         "û": "yu", "â": "ya", "ï": "yi", "ł": "l", "ż": "zh", "ź": "z", "ś": "s", "ń": "n",
                         "ć": "ts", "ß": "ss", "ʹ": "", "ʺ": "", "′": "", "″": "", "'": "", "’": "", "`": ""})
# English spelling of each sound as one token (upper case, never met in the folded input).
_ENGLISH = {"shch": "Q", "zh": "Z", "kh": "H", "ch": "C", "sh": "S", "ts": "T", "tz": "T", "h": "H", "x": "ks",
            "j": "i", "y": "i", "w": "v"}
_ENGLISH_RE = re.compile("|".join(sorted(_ENGLISH, key=len, reverse=True)))
# German: sch is ш or ж, a single s is с or з, ch is х, z is ц.
_GERMAN = {"schtsch": "Q", "tsch": "C", "dsch": "dZ", "sch": "\x01", "ch": "H", "ss": "s", "s": "\x02", "z": "T",
           "w": "v", "j": "i"}
_GERMAN_RE = re.compile("|".join(sorted(_GERMAN, key=len, reverse=True)))
_GERMAN_CHOICES = {"\x01": ("S", "Z"), "\x02": ("s", "z")}
# Polish: cz, sz, rz, ch is х, c is ц; "ie" after a consonant is a soft е ("Miedwiediew").
_POLISH = {"szcz": "Q", "cz": "C", "sz": "S", "rz": "Z", "ż": "Z", "ch": "H", "c": "T", "w": "v", "j": "i"}
_POLISH_RE = re.compile("|".join(sorted(_POLISH, key=len, reverse=True)))
_POLISH_SOFT_E = re.compile(r"(?<=[bdfgklmnprstvzTQCSZH])ie")
# Scholarly and ISO 9: ch / h is х, c is ц.
_SCHOLARLY = {"ch": "H", "h": "H", "c": "T", "j": "i"}
_SCHOLARLY_RE = re.compile("|".join(sorted(_SCHOLARLY, key=len, reverse=True)))
_GERMAN_MARK = re.compile(r"w|sch|j|ß|z")
_POLISH_MARK = re.compile(r"w|cz|sz|rz|[łżśćń]|j|[^aeiouy]ie")
_SCHOLARLY_MARK = re.compile(r"[čšžŝëâûʹʺ]")
_DOUBLE = re.compile(r"(.)\1+")
_VOWEL_IE = re.compile(r"(?<=[aeou])ie|^ie")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʹʺ][^\W\d_]+)*")
_ENGLISH_EXONYMS = frozenset(english for names in EXONYMS.values() for english in names)
# Russian case endings of adjectives and nouns, longest first (a stem keeps 3+ letters).
_ENDINGS = re.compile(r"(?<=\w{3})(?:ого|его|ому|ему|ыми|ими|ами|ями|ий|ый|ой|ей|ая|яя|ую|юю|ое|ее|ые|ие|ых|их|"
                      r"ым|им|ом|ем|ам|ям|ах|ях|ы|и|а|я|у|ю|е|о|ь|й)$")
_SYMBOLS = re.compile(r"[^\w\s'’ʹʺ′″`.,-]|\d+")
# Endings only a romanised Slavic name has (Latin against Latin needs one, in a word of 5+ letters):
# German "sch" or an "-in" alone would join "Fischer" and "Fisher", "Erwin" and "Ervin".
_SLAVIC_SHAPE = re.compile(
    r"(?:[oe][vw]|[oe][vw]n?a|sk[iy][iyj]?|sk[ai][yj]a|[ay][aiy]?[yj]a|aia|[iy][yj]|ii|enko|[yj]?uk|chuk|czuk|"
    r"[oe]?vich|[oe]?witsch|[oe]?wicz|ej|(?:ts|tz|z|c)[iy]n|[yj]in)$")


def has_cyrillic(text: str) -> bool:
    """True when ``text`` holds a Cyrillic letter."""
    return bool(_CYRILLIC.search(text))


def romanise(text: str, system: str = "news") -> str:
    """Cyrillic letters of ``text`` in Latin letters; other characters are kept.

    Args:
        text: Any text, e.g. "Рамзан Кадыров".
        system: One of :data:`SYSTEMS`: "news" (English news: Dmitry, Grozny, Sergei),
            "bgn" (BGN/PCGN without marks: Dmitriy, Groznyy, Sergey), "loc" (Library of
            Congress without marks), "scholarly", "iso9", "german" (Duden) or "polish".

    Returns:
        The romanised text, capitalised like the original ("Ramzan Kadyrov").

    Raises:
        ValueError: For an unknown system, naming the known ones.
    """
    if system not in _TABLES:
        raise ValueError(f"unknown romanisation system {system!r}; known: {', '.join(SYSTEMS)}")
    return _WORD.sub(lambda m: _romanise_word(m.group(), system), text) if has_cyrillic(text) else text


def romanisations(text: str) -> list[str]:
    """``text`` in every system of :data:`SYSTEMS`, each spelling once, English news first."""
    return list(dict.fromkeys(romanise(text, system) for system in SYSTEMS))


def _romanise_word(word: str, system: str) -> str:
    """One word in one system, capitalised like the original."""
    low = word.casefold()
    table = _TABLES[system]
    out = []
    for i, c in enumerate(low):
        prev, nxt = low[i - 1] if i else "", low[i + 1] if i + 1 < len(low) else ""
        out.append(_letter(c, prev, nxt, system, table))
    latin = "".join(out)
    if system == "news":
        latin = re.sub(r"(?:iy|yy)$", "y", latin)  # Dmitry, Grozny
    elif system == "german":
        latin = re.sub(r"(?<=[iy])j$", "", latin)  # Dmitri, Grosny
    if word.isupper() and len(word) > 1:
        return latin.upper()
    return latin[:1].upper() + latin[1:] if word[:1].isupper() else latin


def _letter(c: str, prev: str, nxt: str, system: str, table: dict[str, str]) -> str:
    """One lower-case letter in ``system``, given its neighbours."""
    after_vowel = not prev or prev in _VOWELS or prev in "ьъ"
    if c == "е" and after_vowel and system in ("news", "bgn", "german", "polish"):
        return "je" if system in ("german", "polish") else "ye"
    if c == "е" and system == "polish" and prev not in _SIBILANTS and prev not in "лц":
        return "ie"
    if c == "ё" and prev in _SIBILANTS and system in ("news", "german", "polish"):
        return "e" if system == "news" else "o"
    if c == "й" and system == "news" and not nxt and prev in "еа":
        return "i"  # Sergei, Nikolai
    if c in "ьъ" and nxt in _IOTATED and system in ("news", "german", "polish"):
        return "y" if system == "news" and nxt == "и" else ("j" if system != "news" and nxt in "иоё" else "")
    if c == "с" and system == "german" and prev in _VOWELS and nxt in _VOWELS:
        return "ss"
    if c == "л" and system == "polish" and (nxt in _IOTATED or nxt == "ь"):
        return "l"
    if c == "и" and system == "polish" and prev in "жшц":
        return "y"
    if c in ("я", "ю") and system == "polish" and prev and prev not in _VOWELS and prev not in "ьъ":
        return "i" + table[c][1:]
    return table.get(c, _COMMON.get(c, c))


# -- comparison keys -------------------------------------------------------------------
def _fold(spelling: str) -> str:
    """An English-style spelling (lower case, tokens allowed) folded into a key."""
    return " ".join(map(_fold_word, spelling.split()))


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """One word of :func:`_fold` (names share words, so words are cached)."""
    word = _DOUBLE.sub(r"\1", _ENGLISH_RE.sub(lambda m: _ENGLISH[m.group()], word))
    return _DOUBLE.sub(r"\1", _VOWEL_IE.sub("e", word))


def _plain(text: str) -> str:
    """The marked letters of a lower-case text spelt out, other accents dropped."""
    text = text.translate(_PREMAP)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _cyrillic_spellings(text: str) -> list[str]:
    """English spellings of a Cyrillic name: ё and ь (ъ) both ways, at most 8."""
    low = text.casefold()
    if not _AMBIGUOUS.search(low):
        return [low.translate(_KEY_SPELLING)]
    options: list[tuple[str, ...]] = []
    for i, c in enumerate(low):
        prev, nxt = low[i - 1] if i else "", low[i + 1] if i + 1 < len(low) else ""
        if c == "ё":
            options.append(("yo", "e", "o") if prev in _SIBILANTS else ("yo", "e"))
        elif c in "ьъ":
            options.append(("y", "") if nxt in _IOTATED else ("",))
        else:
            options.append((c.translate(_KEY_SPELLING),))
    return ["".join(p) for p in itertools.islice(itertools.product(*options), 8)]


def _expand(spelling: str, choices: dict[str, tuple[str, ...]]) -> list[str]:
    """Every way to fill the placeholder characters of ``spelling``, at most 8."""
    parts = [choices.get(c, (c,)) for c in spelling]
    return ["".join(p) for p in itertools.islice(itertools.product(*parts), 8)]


@lru_cache(maxsize=65536)
def name_keys(name: str) -> frozenset[str]:
    """Comparison keys of a name in either script; two spellings of one name share a key.

    Args:
        name: A name or its normalised key ("Рамзан Кадыров", "ramzan kadyrow").

    Returns:
        A few keys; empty for a name without letters.
    """
    words = " ".join(_WORD.findall(unicodedata.normalize("NFC", name)))
    if not words:
        return frozenset()
    low = words.casefold()
    exonym = _exonym_key(name)
    if has_cyrillic(words):
        return frozenset({_fold(_plain(s)) for s in _cyrillic_spellings(words)} | exonym)
    keys = {_fold(_plain(low))} | exonym
    if _GERMAN_MARK.search(low):
        german = _GERMAN_RE.sub(lambda m: _GERMAN[m.group()], _plain(low))
        keys.update(_fold(s) for s in _expand(german, _GERMAN_CHOICES))
    if _POLISH_MARK.search(low):
        polish = _POLISH_RE.sub(lambda m: _POLISH[m.group()], low)
        keys.add(_fold(_POLISH_SOFT_E.sub("e", _plain(polish))))
    if "c" in low or _SCHOLARLY_MARK.search(low):
        keys.add(_fold(_plain(_SCHOLARLY_RE.sub(lambda m: _SCHOLARLY[m.group()], low))))
    return frozenset(keys)


def _exonym_key(name: str) -> set[str]:
    """The keys a Russian place and its English name share ("=russia" for "Россия" and "Russia")."""
    low = " ".join(name.casefold().replace("the ", " ").replace(".", " ").split())
    if low in EXONYMS:
        return {"=" + english for english in EXONYMS[low]}
    return {"=" + low} if low in _ENGLISH_EXONYMS else set()


def is_exonym(a: str, b: str) -> bool:
    """True when one name is the Russian and the other the English name of a place ("Москва", "Moscow")."""
    return has_cyrillic(a) != has_cyrillic(b) and bool(_exonym_key(a) & _exonym_key(b))


def stem_key(name: str) -> str:
    """A Russian name without its case endings, to find an outlet in any case ("Новой газеты" -> "нов газет").

    For names of organisations only: it joins "Иванов" and "Иванова". Latin words are kept.
    """
    return " ".join(_ENDINGS.sub("", w) if has_cyrillic(w) and len(w) > 4 else w
                    for w in _WORD.findall(name.casefold().replace("ё", "е")))


def same_name(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are one name in two scripts or romanisations.

    "Кадыров", "Kadyrov", "Kadyrow" and "Kadirov" are one name; "Иванов" and "Ivanova",
    "Каримов" and "Kerimov", "Khan" and "Han" are not.
    """
    return a == b or (bool(name_keys(a) & name_keys(b)) and spellings_agree(a, b))


def spellings_agree(a: str, b: str, *, min_single: int = MIN_SINGLE_WORD) -> bool:
    """The guards of :func:`same_name` for two names whose keys meet.

    ``min_single`` is the letters a one-word name needs; a lookup that must err on the
    safe side (is this a protected witness?) passes 1.
    """
    if is_exonym(a, b):
        return True
    wa, wb = _WORD.findall(a.casefold()), _WORD.findall(b.casefold())
    if len(wa) != len(wb) or not wa or _SYMBOLS.findall(a) != _SYMBOLS.findall(b):
        return False  # "LGBT+" is not "LGBT"
    if wa == wb:
        return True
    if len(wa) == 1 and min(len(wa[0]), len(wb[0])) < min_single:
        return False
    ca, cb = has_cyrillic(a), has_cyrillic(b)
    if ca and cb:
        return [w.replace("ё", "е") for w in wa] == [w.replace("ё", "е") for w in wb]
    if ca or cb:
        return True
    return any(x != y and any(len(w) >= 5 and _SLAVIC_SHAPE.search(w) for w in (x, y)) for x, y in zip(wa, wb))


def why_same(a: str, b: str) -> str:
    """The reason two spellings are one name, for an entity's ``why`` ("... (transliteration)")."""
    if is_exonym(a, b):
        russian, english = (a, b) if has_cyrillic(a) else (b, a)
        return f"“{russian}” is the Russian name of “{english}” (translation)"
    if has_cyrillic(a) and has_cyrillic(b):
        return f"“{a}” and “{b}” are one name spelt with ё and е (transliteration)"
    if has_cyrillic(a) != has_cyrillic(b):
        return f"“{a}” and “{b}” are one name in Cyrillic and Latin letters (transliteration)"
    return f"“{a}” and “{b}” are one name in two romanisations (transliteration)"


class NameIndex(Generic[T]):
    """Names by comparison key: which stored names a name is another spelling of."""

    def __init__(self) -> None:
        self._by_key: dict[str, dict[str, set[T]]] = defaultdict(lambda: defaultdict(set))

    def add(self, name: str, value: T) -> None:
        """Store ``value`` under ``name``."""
        for key in name_keys(name):
            self._by_key[key][name].add(value)

    def find(self, name: str, *, min_single: int = MIN_SINGLE_WORD) -> set[T]:
        """Values stored under the other spellings of ``name`` (and under ``name`` itself)."""
        found: set[T] = set()
        for key in name_keys(name):
            for stored, values in self._by_key.get(key, {}).items():
                if stored == name or spellings_agree(name, stored, min_single=min_single):
                    found |= values
        return found

    def __bool__(self) -> bool:
        return bool(self._by_key)
