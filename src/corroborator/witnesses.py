"""Who the protected witnesses of a case are, and where their names and testimony occur.

Used by :mod:`corroborator.outputs.redact`. A label is a *name* when it reads as a proper name
("Azmad", "Mr Ali Ahmed"); a *description* ("the man", "one person who was
arrested") identifies no one and is never searched for in the text. A protected
quote's words (and each of its sentences) can be searched for like a name
(:meth:`Witnesses.testimony_spans`), so that when testimony is withheld, its repeats
in a pull quote, a title or an event summary are found too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from corroborator.model import Case

PSEUDONYM = "[Witness {}]"
PSEUDONYM_RE = re.compile(r"\[Witness \d+\]")
#: Any pseudonym shape, numbered or not ("[Witness ?]"): a reader's selection holding one is refused.
PSEUDONYM_ANY = re.compile(r"[^\]\n]{0,24}".join(map(re.escape, PSEUDONYM.split("{}"))))
#: Mention kind of a span a reviewer marked as identifying a protected person.
IDENTIFYING = "identifying"
#: What replaces the words of a protected quote when testimony is withheld.
WITHHELD = "[testimony withheld]"
#: Shorter stretches of a protected quote are too likely to be ordinary phrases.
MIN_TESTIMONY = 20
_LETTERS = re.compile(r"[^\W\d_]+")
#: A name that is one capital initial and its full stop ("M.").
_INITIAL = re.compile(r"[^\W\d_]\.")
# Characters a reader does not see: soft hyphen, zero-width (non-)joiners and spaces, bidi marks, BOM.
_INVISIBLE = "\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]+")
# A word as the matcher scans it: letters, with invisible characters allowed between them.
_WORD = re.compile(rf"[^\W\d_]+(?:[{_INVISIBLE}]+[^\W\d_]+)*[{_INVISIBLE}]*")
# A word broken across a line ("Bis-\nlan", "Bis\nlan", "Bis- lan" once white space is collapsed).
_HYPHENS = "\\-\u2010\u2011\u00ad"
_BREAK = rf"(?:[{_HYPHENS}][ \t]*(?:\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*)"
_BREAK_RE = re.compile(_BREAK)
_BROKEN_TAIL = re.compile(rf"(?:[{_HYPHENS}][ \t]*(?:\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*)(?=[^\W\d_])")
# Typographic variants of one quotation mark: a repeat may use either.
_APOSTROPHES = "'’‘ʼ`"
_DOUBLE_QUOTES = '"“”„«»'
_MARKS = str.maketrans(dict.fromkeys(_APOSTROPHES, "'") | dict.fromkeys(_DOUBLE_QUOTES, '"'))
_MARK_CLASS = dict.fromkeys(_APOSTROPHES, f"[{_APOSTROPHES}]") | dict.fromkeys(_DOUBLE_QUOTES, f"[{_DOUBLE_QUOTES}]")
# Digests and the ids built from them: "Abed" inside a sha256 names no one.
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{16,}(?![0-9A-Za-z])")
# A label like "Ahmed, a gay man" or "Azmad (not his real name)" holds a name in one part.
_PARTS = re.compile(r"[,;()\[\]/]|\s[-–—]\s")
_STRIP = " \t\r\n'\"‘’“”*.,;:!?"
_PARTICLES = frozenset("al el bin ibn abu de del der den van von la le du da di dos".split())
_TITLES = frozenset("mr mrs ms miss dr sir prof".split())
# Words that describe a person without naming them: "The Man", "Anonymous Survivor 1".
_GENERIC = frozenset(
    """the a an one another other some this that his her their anonymous unnamed unidentified
    young old man men woman women person people boy girl guy survivor survivors witness witnesses
    victim victims source sources refugee prisoner detainee he she they him them""".split()
) | _TITLES
# Where a quote splits into stretches a pull quote or headline would repeat on their own.
_PIECE_SPLIT = re.compile(r"(?<=[.!?…])\s+|\s[-–—]\s|;\s")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
# How far around a speaker mention a protected name it is part of may reach.
_SPEAKER_WINDOW = 40


# Cyrillic and Greek letters a reader takes for Latin ones: "Аzmad" with a Cyrillic А is Azmad.
_CONFUSABLES = dict(zip(
    "АВЕІЈКМНОРСТУХЅԁаеіјорсухѕһԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρυχ",
    "ABEIJKMHOPCTYXSdaeijopcyxshqwABEZHIKMNOPTYXoikvpux"))


class _Fold(dict):  # type: ignore[type-arg]
    """Code point -> its NFKC form where that is one character, or the Latin letter it
    looks like (a same-length fold)."""

    def __missing__(self, code: int) -> int:
        folded = unicodedata.normalize("NFKC", chr(code))
        folded = _CONFUSABLES.get(folded, folded)
        self[code] = found = ord(folded) if len(folded) == 1 else code
        return found


_FOLD = _Fold()


def fold(text: str) -> str:
    """``text`` with full-width, compatibility and look-alike characters folded, same length."""
    return text if text.isascii() else text.translate(_FOLD)


def visible(text: str) -> str:
    """What a reader sees of ``text``: invisible characters dropped, NFKC-normalised."""
    return text if text.isascii() else unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", text))


def norm(name: str) -> str:
    """Comparison key of a name or phrase: folded, invisibles dropped, white space collapsed, case folded."""
    return " ".join(_INVISIBLE_RE.sub("", fold(name)).translate(_MARKS).split()).casefold()


def _is_proper(phrase: str) -> bool:
    """Whether ``phrase`` reads as a proper name rather than a description."""
    words = _LETTERS.findall(phrase)
    if not words or sum(len(w) for w in words) < 2:
        return False
    if any(w[0].islower() and w.casefold() not in _PARTICLES for w in words):
        return False
    return any(w.casefold() not in _GENERIC for w in words)


def proper_names(label: str | None) -> list[str]:
    """The proper names inside a label or alias, with title-less, surname and given-name forms.

    Args:
        label: How a text refers to someone ("Azmad", "Mr Ali Ahmed", "the man").

    Returns:
        Names to redact, e.g. ``["Mr Ali Ahmed", "Ali Ahmed", "Ahmed", "Ali"]``; empty
        for a description such as "one person who was arrested".
    """
    if not label or PSEUDONYM_RE.fullmatch(label.strip()):
        return []
    if _INITIAL.fullmatch(label.strip()):
        return [label.strip()]  # a witness known only as "M."
    found: list[str] = []
    for part in _PARTS.split(label):
        part = " ".join(part.split()).strip(_STRIP)
        if not _is_proper(part):
            continue
        found.append(part)
        words = part.split()
        while len(words) > 1 and words[0].strip(".").casefold() in _TITLES:
            words = words[1:]
            found.append(" ".join(words))
        # News style names people by surname on second reference, and a witness's
        # friends by the given name ("Ali Ahmed ... Ali said"): both identify.
        singles = [words[-1], *words[:-1]] if len(words) > 1 else []
        for i, word in enumerate(w.strip(_STRIP) for w in singles):
            shortest = 3 if i == 0 else 2
            if len(word) >= shortest and _is_proper(word) and word.casefold() not in _PARTICLES:
                found.append(word)
    return list(dict.fromkeys(found))


def testimony_pieces(quote: str) -> list[str]:
    """A protected quote and each of its sentences, as phrases to search for.

    Args:
        quote: The quoted words.

    Returns:
        The phrases of at least :data:`MIN_TESTIMONY` characters, outer punctuation
        dropped: ``"They beat us. We could not sleep,"`` gives the whole quote and
        ``"They beat us"``-like sentences long enough to be telling.
    """
    flat = " ".join(quote.split())
    pieces = (_EDGES.sub("", p) for p in (flat, *_PIECE_SPLIT.split(flat)))
    return list(dict.fromkeys(p for p in pieces if len(p) >= MIN_TESTIMONY))


def _pattern_of(phrase: str, *, tolerant: bool) -> str:
    """Regex of one name or phrase: any white space between words, any apostrophe; names
    also allow invisible characters between letters ("Az\\u00admad")."""
    if _INITIAL.fullmatch(phrase):
        # Only "M." itself, capital and not inside "P.M.": a lone letter is too common otherwise.
        return rf"(?<!\.)(?-i:{re.escape(phrase[0])})\."
    # Between two letters of a name: invisible characters, or one line break (with or without a hyphen).
    inside = f"[{_INVISIBLE}]*(?:{_BREAK}[{_INVISIBLE}]*)?" if tolerant else ""
    between = rf"[\s{_INVISIBLE}]+" if tolerant else r"\s+"
    words = ((_MARK_CLASS.get(c) or re.escape(c) for c in w) for w in phrase.split())
    return between.join(inside.join(chars) for chars in words)


def _name_pattern(names: Iterable[str], phrases: Iterable[str] = ()) -> re.Pattern[str]:
    """One regex for some names and phrases: whole words, any case."""
    alternatives = {_pattern_of(n, tolerant=True) for n in names} | {_pattern_of(p, tolerant=False) for p in phrases}
    ordered = sorted(alternatives, key=len, reverse=True)
    # Letter boundaries, not \w: "Azmad2" still names Azmad, "Ahmedov" is someone else.
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(ordered)})(?![{_INVISIBLE}]*[^\W\d_])", re.IGNORECASE)


def _first_word(text: str) -> str:
    """Key of the word a name or phrase starts with ("" if it starts with no letter)."""
    first = _LETTERS.match(text)
    return first.group().casefold() if first else ""


class NameMatcher:
    """Finds protected names and phrases in one pass over a text's words, not one regex per name."""

    def __init__(self, names: Iterable[str], phrases: Iterable[str] = ()):
        groups: dict[str, tuple[list[str], list[str]]] = {}
        for i, items in enumerate((names, phrases)):
            for item in map(fold, items):  # the text is folded before it is scanned: so are the names
                groups.setdefault(_first_word(item), ([], []))[i].append(item)
        self.by_word = {word: _name_pattern(*group) for word, group in groups.items() if word}
        # Names not starting with a letter are rare; they get a plain scan of the text.
        self.other = _name_pattern(*groups[""]) if "" in groups else None

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Sorted, non-overlapping ``(start, end, matched text)`` of every protected name."""
        found = [(m.start(), m.end(), m.group()) for m in self.other.finditer(text)] if self.other else []
        end = 0
        for word in _WORD.finditer(text):
            if word.start() < end:
                continue
            for key in self._keys(text, word):
                pattern = self.by_word.get(key)
                match = pattern.match(text, word.start()) if pattern else None
                if match:
                    found.append((match.start(), match.end(), match.group()))
                    end = match.end()
                    break
        if not self.other:
            return found
        kept: list[tuple[int, int, str]] = []
        for span in sorted(found, key=lambda s: (s[0], -s[1])):
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept


    @staticmethod
    def _keys(text: str, word: re.Match[str]) -> list[str]:
        """Keys a name may start with at ``word``: the word, and the word joined with what
        follows a line break inside it ("Bis-\\nlan" is "bislan"), longest first."""
        keys = [_key_of(word.group())]
        pos = word.end()
        for _ in range(3):  # a name is rarely broken more than a few times
            broken = _BROKEN_TAIL.match(text, pos)
            nxt = _WORD.match(text, broken.end()) if broken else None
            if nxt is None:
                break
            keys.append(keys[-1] + _key_of(nxt.group()))
            pos = nxt.end()
        return keys[::-1]


def _key_of(word: str) -> str:
    """Matcher key of one scanned word: its letters, case folded."""
    return (word if word.isalpha() else _INVISIBLE_RE.sub("", word)).casefold()


# Latin to Cyrillic, digraphs first, as Russian-language reports spell names from the Caucasus.
_TO_CYRILLIC = [("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"),
                ("ya", "я"), ("yo", "ё"), ("ye", "е"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"),
                ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
                ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"),
                ("c", "к"), ("w", "в"), ("x", "кс"), ("j", "дж"), ("q", "к")]
# Other spellings of some letters: "y" is also ы, "e" also э (Эльдар), "kh" also x (Ахмед).
_CYRILLIC_ALTERNATIVES = {"й": "ы", "е": "э"}
_TO_LATIN = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
             "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
             "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
             "э": "e", "ю": "yu", "я": "ya"}
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z .'-]*")
_CYRILLIC_NAME = re.compile(r"[\u0400-\u04ff][\u0400-\u04ff .'-]*")


def _cased(word: str, like: str) -> str:
    """``word`` with the capitalisation of ``like`` (capitalised or not)."""
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def transliterations(name: str) -> list[str]:
    """The same name written in the other script: Latin to Cyrillic (a few spellings), Cyrillic to Latin.

    Args:
        name: A protected name ("Zaur", "Заур").

    Returns:
        Its other spellings, e.g. ``["Заур"]`` for Zaur and ``["Zaur"]`` for Заур; empty
        for a name in neither script alone or an initial.
    """
    if _INITIAL.fullmatch(name):
        return []
    if _LATIN_NAME.fullmatch(name):
        words = []
        for word in name.split(" "):
            low, out, i = word.lower(), [], 0
            while i < len(low):
                for latin, cyrillic in _TO_CYRILLIC:
                    if low.startswith(latin, i):
                        out.append(cyrillic)
                        i += len(latin)
                        break
                else:
                    out.append(low[i])
                    i += 1
            words.append(_cased("".join(out), word))
        plain = " ".join(words)
        variants = [plain]
        for letter, other in _CYRILLIC_ALTERNATIVES.items():
            if letter in plain[1:]:
                variants.append(plain[:1] + plain[1:].replace(letter, other))
        return list(dict.fromkeys(variants))
    if _CYRILLIC_NAME.fullmatch(name):
        words = ["".join(_TO_LATIN.get(c, c) for c in w.lower()) for w in name.split(" ")]
        return [" ".join(_cased(w, orig) for w, orig in zip(words, name.split(" ")))]
    return []


class _UnionFind:
    """Disjoint sets of hashable keys."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, key: Any) -> Any:
        """Root of ``key``'s set."""
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: Any, b: Any) -> None:
        """Merge the sets of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass(frozen=True)
class Witnesses:
    """Who is protected in a case and the pseudonym of each.

    Attributes:
        count: Number of distinct witnesses.
        names: Normalised protected name -> pseudonym.
        entities: Protected entity id -> pseudonym.
        quotes: Protected quote mention id -> pseudonym.
        persons: Pseudonym of each ``case.protected`` entry, in order.
        testimony: Normalised protected quote (or sentence of one) -> pseudonym.
        matcher: Finds protected names (the identities redaction always hides).
        testimony_matcher: Finds protected testimony (hidden only when it is withheld).
        marks: Id of each span a reviewer marked as identifying -> pseudonym. The marked
            words are searched for like a name (``names`` holds them too).
    """

    count: int
    names: dict[str, str]
    entities: dict[str, str]
    quotes: dict[str, str]
    persons: tuple[str, ...]
    testimony: dict[str, str] = field(default_factory=dict)
    matcher: NameMatcher | None = None
    testimony_matcher: NameMatcher | None = None
    marks: dict[str, str] = field(default_factory=dict)

    def name_spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, pseudonym)`` of every protected name in ``text``."""
        if self.matcher is None or not text:
            return []
        unknown = PSEUDONYM.format("?")
        return [(s, e, self.names.get(norm(t)) or self.names.get(norm(_unbroken(t))) or unknown)
                for s, e, t in _outside_digests(text, self.matcher.spans(fold(text)))]

    def testimony_spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, WITHHELD)`` of every protected quote, or telling sentence of one, in ``text``."""
        if self.testimony_matcher is None or not text:
            return []
        return [(s, e, WITHHELD) for s, e, _ in _outside_digests(text, self.testimony_matcher.spans(fold(text)))]

    def _spans(self, text: str, withhold: bool) -> list[tuple[int, int, str]]:
        """Names, and testimony too when ``withhold``: sorted, non-overlapping (testimony wins)."""
        spans = self.name_spans(text)
        if not withhold:
            return spans
        merged: list[tuple[int, int, str]] = []
        for span in sorted([*self.testimony_spans(text), *spans], key=lambda s: (s[0], -s[1])):
            if merged and span[0] < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], span[1]), last[2])
            else:
                merged.append(span)
        return merged

    def scrub(self, value: str, *, withhold: bool = False) -> str:
        """``value`` with every protected name replaced by its pseudonym.

        With ``withhold``, every protected testimony phrase is replaced by :data:`WITHHELD` too.
        """
        spans = self._spans(value, withhold) if value else []
        if not spans:
            return value
        pieces, cursor = [], 0
        for start, end, pseudonym in spans:
            pieces += [value[cursor:start], pseudonym]
            cursor = end
        return "".join(pieces) + value[cursor:]

    def leaks(self, value: str, *, testimony: bool = False) -> bool:
        """Whether ``value``, as a reader sees it, still holds a protected name (or, with
        ``testimony``, protected testimony)."""
        # Checked on the visible form, not the scrubber's: the check must not share its blind spots.
        seen = PSEUDONYM_RE.sub(" ", visible(value)).replace(WITHHELD, " ")
        return bool(self.name_spans(seen) or (testimony and self.testimony_spans(seen)))


class _Texts:
    """Document texts by id, each read when asked for (a large case keeps its texts compressed)."""

    def __init__(self, documents: Iterable[Any]) -> None:
        self.docs = {d.id: d for d in documents}

    def get(self, doc_id: str, default: str = "") -> str:
        """The text of ``doc_id``, or ``default``."""
        doc = self.docs.get(doc_id)
        return doc.text if doc is not None else default


def _named_in_text(case: Case, texts: _Texts, quote: Any, matcher: NameMatcher | None) -> str | None:
    """Key of the protected name the speaker mention of ``quote`` lies in or on, if any."""
    m = case.mentions.get(quote.speaker_mention_id or "")
    text = texts.get(m.doc_id, "") if m is not None else ""
    if matcher is None or m is None or not text:
        return None
    lo = max(0, m.start - _SPEAKER_WINDOW)
    for s, e, found in matcher.spans(fold(text[lo:m.end + _SPEAKER_WINDOW])):
        if s + lo < m.end and m.start < e + lo:
            return norm(_unbroken(found))
    return None


def _outside_digests(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The matches that are not inside a hex digest ("Abed" inside a sha256 names no one)."""
    digests = [m.span() for m in _HEX_RUN.finditer(text)] if found else []
    if digests:
        found = [f for f in found if not any(s < f[1] and f[0] < e for s, e in digests)]
    return found


def _unbroken(text: str) -> str:
    """``text`` with line breaks (and hyphens before them) between two letters taken out."""
    return re.sub(rf"(?<=[^\W\d_]){_BREAK}(?=[^\W\d_])", "", text)


def assign_pseudonyms(case: Case) -> Witnesses:
    """Group the protected people of a case into witnesses and number them.

    Protected persons, protected entities and protected quotes that share a name are
    one witness; a quote joins its speaker's witness; a description ("the man") joins
    only within one document. A quote is treated as protected if it is marked so, or
    its speaker is a protected entity, or its speaker label is a protected name.

    Args:
        case: The case, unredacted.

    Returns:
        The pseudonym assignment, ordered by first appearance (document id, offset).
    """
    texts = _Texts(case.documents)
    uf = _UnionFind()
    first: dict[Any, tuple[str, int]] = {}
    all_names: set[str] = set()

    def add(node: Any, doc_id: str, offset: int, labels: Iterable[str | None]) -> None:
        """Register a member, link it to its names (or its in-document description)."""
        uf.find(node)
        first[node] = min(first.get(node, (doc_id, offset)), (doc_id, offset))
        for label in labels:
            names = proper_names(label)
            # The same name in the other script: a Russian report writes Zaur as Заур.
            names += [t for n in names for t in transliterations(n) if t not in names]
            all_names.update(names)
            for name in names:
                uf.union(node, ("name", norm(name)))
            if label and PSEUDONYM_RE.fullmatch(label.strip()):
                uf.union(node, ("name", label.strip()))
            elif label and not names:
                uf.union(node, ("label", doc_id, norm(label)))

    for i, person in enumerate(case.protected):
        labels = (person.label, *person.names)
        text = texts.get(person.doc_id, "")
        offsets = [text.find(n) for label in labels for n in proper_names(label)]
        offsets = [o for o in offsets if o >= 0]
        if person.evidence is not None:
            offsets.append(person.evidence.start)
        add(("person", i), person.doc_id, min(offsets, default=len(text)), labels)

    protected_entities = {e.id: e for e in case.entities if e.protected}
    speaker_mentions: dict[str, str] = {}
    for entity in protected_entities.values():
        spans = [case.mentions[m] for m in entity.mention_ids if m in case.mentions]
        where = min(((m.doc_id, m.start) for m in spans), default=("\uffff", 0))
        add(("entity", entity.id), where[0], where[1], (entity.name, *entity.aliases))
        speaker_mentions.update((m, entity.id) for m in entity.mention_ids)

    name_keys = {norm(n) for n in all_names}
    names_found = NameMatcher(all_names) if all_names else None
    # "one person who was arrested" is protected where a protected person is so described.
    described = {(p.doc_id, norm(p.label)) for p in case.protected if p.label and not proper_names(p.label)}
    protected_quotes = []
    for quote in case.quotes:
        by_entity = quote.speaker if quote.speaker in protected_entities else None
        by_entity = by_entity or speaker_mentions.get(quote.speaker_mention_id or "")
        label = quote.speaker_label or ""
        by_label = (quote.mention.doc_id, norm(label)) in described
        by_name = any(norm(n) in name_keys for n in proper_names(label))
        # A speaker cut short ("said Bis-" of "Bis-\nlan") is a protected name where the text says so.
        by_text = None if by_entity or by_name else _named_in_text(case, texts, quote, names_found)
        if not (quote.protected or by_entity or by_label or by_name or by_text):
            continue
        node = ("quote", quote.mention.id)
        protected_quotes.append(quote)
        add(node, quote.mention.doc_id, quote.mention.start, (quote.speaker_label,))
        if by_entity:
            uf.union(node, ("entity", by_entity))
        elif by_text:
            uf.union(node, ("name", by_text))

    # Spans a reviewer marked as identifying join the witness they were tied to; a mark whose
    # witness is gone (unprotected, split away) stays a witness of its own: it is still hidden.
    persons = {person_key(p): i for i, p in enumerate(case.protected)}
    marks = [m for m in case.mentions.values() if m.kind == IDENTIFYING and m.text.strip()]
    for m in marks:
        anchor, kind = m.attrs.get("witness"), m.attrs.get("witness_kind")
        node = {"entity": ("entity", anchor), "quote": ("quote", anchor), "person": ("person", persons.get(anchor)),
                "mark": ("mark", anchor)}.get(str(kind))
        if node is not None and node in first and node != ("mark", m.id):
            uf.union(node, ("mark", m.id))
        else:
            add(("mark", m.id), m.doc_id, m.start, ())
    groups: dict[Any, list[Any]] = {}
    for node in first:
        groups.setdefault(uf.find(node), []).append(node)
    ordered = sorted(groups.values(), key=lambda members: min(first[m] for m in members))
    pseudonym_of: dict[Any, str] = {}
    for number, members in enumerate(ordered, start=1):
        for member in members:
            pseudonym_of[member] = PSEUDONYM.format(number)
    # A name node is no member itself: it reaches its pseudonym through its group's root.
    root_pseudonym = {uf.find(m): p for m, p in pseudonym_of.items()}
    names = {norm(n): root_pseudonym[uf.find(("name", norm(n)))] for n in all_names}
    marked = {m.id: root_pseudonym[uf.find(("mark", m.id))] for m in marks}
    for m in marks:
        names.setdefault(norm(m.text), marked[m.id])
    all_names.update(m.text for m in marks)
    testimony: dict[str, str] = {}
    phrases: list[str] = []
    for quote in protected_quotes:
        for piece in testimony_pieces(quote.mention.text):
            phrases.append(piece)
            testimony.setdefault(norm(piece), pseudonym_of[("quote", quote.mention.id)])
    return Witnesses(
        count=len(ordered),
        names=names,
        entities={k[1]: p for k, p in pseudonym_of.items() if k[0] == "entity"},
        quotes={k[1]: p for k, p in pseudonym_of.items() if k[0] == "quote"},
        persons=tuple(pseudonym_of[("person", i)] for i in range(len(case.protected))),
        testimony=testimony,
        matcher=NameMatcher(all_names) if all_names else None,
        testimony_matcher=NameMatcher((), phrases) if phrases else None,
        marks=marked,
    )


def person_key(person: Any) -> str:
    """A stable reference to a protected person found by the build (it has no id of its own)."""
    return person.evidence.id if person.evidence is not None else f"{person.doc_id}|{person.label}"
