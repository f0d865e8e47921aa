"""Speaker phrases: the noun phrase that names who speaks, read with plain rules.

Works on the normalised document text (same length as ``Document.text``, so offsets
are exact). :func:`parse_phrase` reads a phrase forwards ("said *one person who was
arrested*", "said *Home Secretary Sir Robert Hale* according to ..."),
:func:`parse_subject_before` finds the subject before a verb ("*The opposition leader,
David Okafor,* dismissed ..."), :func:`sentence_subject` the subject a sentence opens
with. A :class:`Phrase` says whether it is a pronoun, a name (labelled without titles:
"Robert Hale") or a description, and of what category: ``private`` (man, survivor,
detainee, "one teacher who was detained" ... — unnamed private people, protected when
they speak), ``role`` (spokesperson, official, minister ...), ``group`` or ``other``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_W = str.split
PRONOUNS = {"he": ("m", False), "she": ("f", False), "they": (None, True), "it": (None, False),
            "i": (None, False), "we": (None, True)}
DETERMINERS = frozenset(_W("a an the this that these those another one some two three four five six several many "
                           "his her their its our my each every any most all both no other few half at least more "
                           "than"))
QUANTIFIERS = frozenset(_W("one some two three four five six several many each most none all both another any few "
                           "half"))
PRIVATE_NOUNS = frozenset(_W(
    "man men woman women person people persons survivor survivors victim victims detainee detainees prisoner "
    "prisoners witness witnesses refugee refugees resident residents villager villagers mother father son daughter "
    "brother sister wife husband boy boys girl girls child children teenager teenagers student students relative "
    "relatives friend friends neighbour neighbours neighbor neighbors employee employees worker workers patient "
    "patients family families guy guys individual individuals local locals citizen citizens farmer farmers youth "
    "parent parents partner assistant inmate inmates migrant migrants pupil pupils protester protesters "
    "demonstrator demonstrators tenant tenants passenger passengers mourner mourners"))
ROLE_NOUNS = frozenset(_W(
    "spokesperson spokesman spokeswoman official officials officer officers minister ministers secretary president "
    "leader leaders director chief head commander governor mayor judge prosecutor prosecutors lawyer lawyers "
    "attorney counsel activist activists journalist journalists reporter correspondent researcher researchers "
    "analyst expert experts representative ambassador diplomat senator lawmaker legislator mp chairman chairwoman "
    "coordinator rescuer rescuers doctor doctors nurse medic paramedic firefighter soldier soldiers policeman "
    "source sources investigator investigators inspector editor founder campaigner campaigners advocate adviser "
    "executive strategist strategists pollster economist economists professor consultant commentator host anchor "
    "candidate nominee hopeful chair whip columnist "
    "advisor aide deputy envoy member members manager owner captors captor kidnapper kidnappers guard guards"))
GROUP_NOUNS = frozenset(_W(
    "group groups network organisation organization ministry government authorities police agency agencies "
    "committee court office commission foundation company firm union council army military party newspaper paper "
    "outlet charity ngo service department report statement document kremlin administration team alliance "
    "coalition association institute centre center movement project campaign ad ads tweet release letter memo "
    "email e-mail transcript video poll survey study article editorial column message ruling filing "
    "publication magazine website site board editorial"))
NOUNS = PRIVATE_NOUNS | ROLE_NOUNS | GROUP_NOUNS
#: Phrase categories that can be a speaker ("the abuses" cannot).
SPEAKING = ("name", "private", "role", "group", "pronoun")
MALE = frozenset(_W("man men boy father son brother husband mr sir lord king prince spokesman chairman policeman "
                    "uncle"))
FEMALE = frozenset(_W("woman women girl mother daughter sister wife mrs ms miss dame lady queen princess spokeswoman "
                      "chairwoman aunt"))
#: Participles that make an unnamed "one teacher who was detained" a private person (a victim).
VICTIM_WORDS = frozenset(_W("arrested detained kidnapped abducted tortured held released beaten freed jailed "
                            "imprisoned injured wounded displaced evacuated rescued raped assaulted attacked "
                            "threatened persecuted"))
PLURAL_NOUNS = frozenset(_W("men women people persons children police authorities"))
TITLE_WORDS = frozenset(_W(
    "mr mrs ms miss mx dr prof sir dame lord lady judge justice president prime minister secretary chancellor governor "
    "mayor senator sen rep representative general gen colonel col captain capt lieutenant lt sergeant sgt officer gov "
    "maj cmdr adm supt insp det rev hon pres "
    "inspector detective chief director commissioner ambassador deputy foreign home interior defence defense health "
    "state affairs commonwealth leader chairman chairwoman spokesman spokeswoman spokesperson prosecutor attorney "
    "king queen prince princess pope rabbi imam bishop archbishop cardinal speaker vice acting former head"))
POSTNOMINALS = frozenset(_W("kc qc mp mep jr sr phd md obe mbe cbe esq"))
AUXILIARIES = frozenset(_W("has have had is was were are be been being will would can could did does do may might must "
                           "shall should also reportedly later then previously further again once recently repeatedly "
                           "publicly initially first however not never always often still just already too allegedly "
                           "himself herself themselves itself"))
_STOP = frozenset(_W("in on to during after before when while as because via through over about by into near outside "
                     "inside under since until according adding yesterday today tonight earlier last this next who "
                     "which whose that than told says said"))
#: Words whose trailing full stop ends no sentence ("Gov. Serhiy Lysak", "Dr. Jones").
ABBREVIATIONS = frozenset(_W("mr mrs ms dr prof st gen col lt sgt jr sr no gov sen rep capt maj cmdr adm supt insp det "
                             "rev hon pres"))
QUOTE_CHARS = "\"'“”‘’«»„‹›"


def _inflect(base: str) -> set[str]:
    """The finite and -ing forms of a regular English verb."""
    doubled = {"admit": "admitt", "sob": "sobb", "regret": "regrett", "plead": "plead"}
    stem = doubled.get(base, base)
    if base.endswith("e"):
        return {base, base + "s", base + "d", base[:-1] + "ing"}
    if base.endswith("y") and base[-2] not in "aeiou":
        return {base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    plural = base + ("es" if base.endswith(("s", "sh", "ch", "x")) else "s")
    return {base, plural, stem + "ed", stem + "ing"}


_REGULAR = _W("add explain note recall continue ask claim insist state declare warn reply respond admit argue describe "
              "recount remember comment mention conclude whisper shout scream sob laugh joke exclaim announce confirm "
              "acknowledge allege assert complain concede emphasise emphasize stress observe testify tweet post urge "
              "vow promise predict suggest remark lament murmur boast plead deny cry report recall quip counter "
              "contend charge maintain agree caution reiterate muse retort interject proclaim decry concur mutter gush "
              "scoff snap advise pledge hint speculate theorize theorise wonder brag reassure yell chant demand "
              "inform reason opine recollect surmise sigh chuckle grumble fume rave blast slam huff joke bark beam "
              "boom thunder roar bellow snarl hiss cheer sneer crack echo lecture answer decry hail pledge assure "
              "relate "
              "recount concede")
#: Verbs that attribute a direct quote ("he says", "said X", "she told reporters").
CUE_VERBS = frozenset(set().union(*map(_inflect, _REGULAR)) | set(_W("say says said saying tell tells told telling "
                                                                       "write writes wrote writing read reads")))
#: Verbs that attribute a partial quote inside a sentence ("dismissed the speech as ...").
PARTIAL_VERBS = CUE_VERBS | set().union(*map(_inflect, _W(
    "call dismiss brand label term accuse describe denounce condemn praise criticize criticise characterize "
    "characterise deride mock ridicule tout"))) | {
    "labelled"}
#: Verbs of thought and belief: "Ryan worried that the net was becoming “a hammock”".
THOUGHT_VERBS = frozenset(set().union(*map(_inflect, _W("worry believe fear hope feel argue think")))
                          | {"thought", "felt", "thinks", "believes"})
#: Verbs that introduce the person whose quotes follow ("Another man spoke of ...").
INTRO_VERBS = CUE_VERBS | frozenset(_W("spoke speaks spoken described recounted testified"))
VERBISH = AUXILIARIES | PARTIAL_VERBS | INTRO_VERBS

_TITLES_AND_ROLES = TITLE_WORDS | ROLE_NOUNS
_PRONOUN_HEADS = ("them", "us", "those")  # "one of them"
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[A-Za-z]+")
_EDGE_OPEN = "([\"'“‘«„"
_EDGE_CLOSE = ")]\"'”’»*,.;:!?"
ASTERISK_NAME = re.compile(r"[\"'“‘]?([^\W\d_][\w’'-]*?)[\"'”’]?\*")
_RELATIVE_CLAUSE = re.compile(
    r",\s*(?:and\s+)?(?:who|which|whose)\b(?:[^,]|(?<=\d),(?=\d))*,|\([^)]*\)|,\s*\d{1,3},"
    # A parenthetical set off by commas: "Mr. Trump, asked about it, had said", "Smith, in a statement, said".
    r"|,\s*[RDI]-[A-Z][A-Za-z]{0,3}\.,"  # a lawmaker's party and state: "Mitch McConnell, R-Ky., said"
    r"|,\s*(?:[a-z]+(?:ed|ing)|in|at|on|during|after|before|when|while|with|like|however|meanwhile|too|also|though|"
    r"for\s+(?:his|her|their|its)\s+part)\b[^,;:“”\"]{0,80},")
_BOUNDARY = re.compile(r"[,;:—–(]|\s-\s|\b(?:and|but|while|as|because|that|after|when|if|so|since|although|though|"
                       r"whereas|according to)\b", re.I)
_INTRO_SKIP = frozenset(_W("in on at after before during since although though while when however but and meanwhile "
                           "speaking sentencing defending for of with despite following as earlier later last this "
                           "yesterday today of instead still yet now then also indeed moreover furthermore "
                           "additionally nevertheless nonetheless separately similarly likewise asked pressed overall "
                           "again previously recently afterward afterwards sometimes often ultimately finally first "
                           "second third next plus notably specifically importantly interestingly otherwise regardless "
                           "besides thus hence therefore accordingly consequently eventually initially originally "
                           "currently tonight monday tuesday wednesday thursday friday saturday sunday so or nor "
                           "including "
                           "even only meantime"))
#: Words that open a sentence without naming anyone ("Instead, ...", "Asked about it, ...").
INTRO_WORDS = _INTRO_SKIP


def clip_start(view: str, start: int, end: int, reach: int) -> int:
    """``start``, or the first word start within ``reach`` characters of ``end`` if that is later."""
    if end - start <= reach:
        return start
    space = view.find(" ", end - reach, end)
    return space + 1 if space >= 0 else end - reach


@dataclass
class Phrase:
    """A speaker noun phrase: its span, what it is, and how to label it."""

    start: int
    end: int
    kind: str  # "pronoun" | "name" | "description"
    label: str
    category: str  # "name" | "private" | "role" | "group" | "other" | "pronoun"
    heads: set[str] = field(default_factory=set)
    plural: bool = False
    gender: str | None = None
    pseudonym: tuple[int, int] | None = None
    name_start: int | None = None  # where the name starts, after any titles ("Sir Alan ...")

    @property
    def definite(self) -> bool:
        """True for "the man", "this survivor": descriptions that point back."""
        return self.kind == "description" and self.label.split()[0].lower() in ("the", "this", "that")


def _core(raw: str) -> tuple[str, bool]:
    """A token without edge punctuation, and whether a clause boundary follows it."""
    word = raw.lstrip(_EDGE_OPEN)
    stripped = word.rstrip(_EDGE_CLOSE)
    if len(stripped) == 1 and stripped.isupper() and word[1:2] == ".":
        stripped = word[:2]  # an initial ("M.", "Ramzan A. Kadyrov") keeps its full stop and ends nothing
    tail = word[len(stripped):].replace("*", "").rstrip("\"'”’»)]")
    boundary = bool(tail) and tail[0] in ",;:!?." and not (tail == "." and stripped.lower() in ABBREVIATIONS)
    return stripped, boundary


def _is_cap(word: str) -> bool:
    """Capitalised (or an acronym/number-led name like 'FCO'), not a sentence determiner."""
    if not word or not word[0].isupper():
        return False
    low = word.lower()
    return low not in DETERMINERS and low not in PRONOUNS


def parse_phrase(view: str, start: int, end: int) -> Phrase | None:
    """Read the speaker noun phrase that starts at ``start`` (and ends by ``end``).

    Stops at punctuation, prepositions and verbs; keeps "one of the men", a relative
    clause without object ("who was arrested"), title chains ("Minister of State for
    Foreign and Commonwealth Affairs Jane Smith") and one prepositional phrase after a
    role or group noun ("a spokesperson for the governor").
    """
    # Tokens are read as the parse needs them: most phrases end within a few words, and a
    # phrase never runs past 25 tokens, so the rest of the paragraph is never tokenised.
    source = _TOKEN.finditer(view, start, end)
    tokens: list[tuple[int, int, str, bool, str, int]] = []

    def more(n: int) -> None:
        while len(tokens) < min(n, 25):
            match = next(source, None)
            if match is None:
                return
            tokens.append(_token(match.start(), match.group()))

    more(3)
    pseudonym = None
    if tokens and (m := ASTERISK_NAME.fullmatch(tokens[0][4].rstrip(",;:"))) and m.group(1)[0].isupper():
        raw_start = tokens[0][5]
        pseudonym = (raw_start + m.start(1), raw_start + m.end(1))
        del tokens[0]
    kept: list[tuple[int, int, str]] = []
    head: str | None = None
    pp_at: int | None = None
    title_run = False
    for i, (s, e, word, boundary, raw, _) in enumerate(tokens):
        if len(tokens) < i + 3:
            more(i + 3)  # the loop sees tokens appended while it runs
        if not word or (raw[0] in QUOTE_CHARS and not _is_cap(word)) or len(kept) >= 14:
            break
        low, cap = word.lower(), _is_cap(word)
        prev = kept[-1][2].lower() if kept else ""
        nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        if not kept and low in PRONOUNS:
            gender, plural = PRONOUNS[low]
            return Phrase(s, e, "pronoun", word, "pronoun", {low}, plural, gender, pseudonym)
        if low in ("who", "that", "whose") and head and pp_at is None:
            j = i + 1
            more(j + 2)
            while j < len(tokens) and tokens[j][2].lower() in AUXILIARIES:
                j += 1
                more(j + 2)
            if j < len(tokens) and not tokens[j - 1][3]:
                # Keep "who was arrested", "who escaped"; drop "who lost her home", "who worked at X".
                verb = tokens[j]
                passive = j > i + 1
                if verb[2][:1].islower() and (passive or verb[3] or j + 1 == len(tokens)):
                    kept.extend((t[0], t[1], t[2]) for t in tokens[i: j + 1])
            break
        if low in ("of", "for", "from", "at", "and", "with"):
            if low == "of" and prev in QUANTIFIERS and not head:
                pass  # "one of the men"
            elif title_run and _is_cap(nxt) and low in ("of", "for", "and"):
                pass  # "Minister of State for Foreign and Commonwealth Affairs"
            elif head in NOUNS and low != "and" and pp_at is None:
                pp_at = len(kept)  # "a spokesperson for the governor": one phrase, head stays
            else:
                break  # "says Smith of her son": the name ends before "of"
        elif low in _STOP or (head and not cap and (low in VERBISH or low.endswith(("ed", "ing")))):
            break  # a preposition or a verb ends the phrase
        elif cap:
            title_run = (low in TITLE_WORDS and not (kept and _is_cap(kept[-1][2]) and not title_run)) or (
                title_run and prev in ("of", "for", "and", *TITLE_WORDS))
            if not word.endswith(("’s", "'s")) and pp_at is None:
                head = low  # a possessive ("Russia’s foreign minister") is not the head
        elif pp_at is not None:
            pass  # the object of the prepositional phrase
        elif head and (head in NOUNS or head in _PRONOUN_HEADS) and low not in NOUNS:
            break  # "Another gay man escaped": a word after the head noun
        elif head and kept and _is_cap(kept[-1][2]) and low not in NOUNS:
            break  # "Smith noted": a word after a name, unless a role follows ("FCO minister")
        elif low in VERBISH and low not in NOUNS:
            break
        elif low in NOUNS or low in _PRONOUN_HEADS:
            head = low
        elif len(kept) >= 5:
            break  # five modifiers and still no head: not a speaker phrase
        kept.append((s, e, word))
        if boundary:
            break
    while kept and kept[-1][2].lower() in ("of", "for", "from", "at", "and", "with", "the", "a", "an"):
        kept.pop()
    if not kept:
        if pseudonym:
            name = view[pseudonym[0]: pseudonym[1]]
            return Phrase(pseudonym[0], pseudonym[1], "name", name, "name", set(), pseudonym=pseudonym)
        return None
    return _classify(view, kept, pseudonym, pp_at)


def _token(start: int, raw: str) -> tuple[int, int, str, bool, str, int]:
    """A token: core span and word, whether a boundary follows, raw text and raw start."""
    word, boundary = _core(raw)
    offset = raw.find(word) if word else 0
    return start + offset, start + offset + len(word), word, boundary, raw, start


def _classify(view: str, kept: list[tuple[int, int, str]], pseudonym: tuple[int, int] | None,
              pp_at: int | None = None) -> Phrase | None:
    """Decide what a parsed phrase is and how to label it."""
    words = [w for _, _, w in kept]
    lows = [w.lower() for w in words]
    titles = {w for w in lows if w in _TITLES_AND_ROLES}
    gender = "m" if set(lows) & MALE else "f" if set(lows) & FEMALE else None
    while len(words) > 1 and lows[-1] in POSTNOMINALS:
        words, lows = words[:-1], lows[:-1]
    start, end = kept[0][0], kept[len(words) - 1][1]
    named = words[:pp_at] if pp_at else words
    # A title word that ends a name after a given name is a surname: "Akhil Sen", "Patty Judge".
    surname = len(named) > 1 and _is_cap(named[-1]) and named[-1].lower() in TITLE_WORDS and _is_cap(named[-2]) \
        and named[-2].lower() not in _TITLES_AND_ROLES and not named[-2].endswith(".")
    if _is_cap(named[-1]) and (named[-1].lower() not in TITLE_WORDS or surname) and pp_at is None:
        run: list[str] = []
        for word, low in zip(reversed(words), reversed(lows)):
            if not _is_cap(word) or (low in TITLE_WORDS and not (surname and not run)) or (
                    run and word.endswith(("’s", "'s"))):
                break  # "Gallup’s Jeffrey M. Jones" is Jones: the possessive is his employer
            run.insert(0, word)
        while len(run) > 1 and (run[0].lower().rstrip(".") in _TITLES_AND_ROLES or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]\.?",
                                                                                               run[0])):
            run = run[1:]  # "Pollster Dana Shaw", "U.S. Attorney Maya D. Song": titles, not the name
        label = " ".join(run)
        heads = titles | {low for low in lows if low in GROUP_NOUNS}
        name_start = kept[len(words) - len(run)][0]
        return Phrase(start, end, "name", label, "name", heads, False, gender, pseudonym, name_start)
    head = next((low for low in reversed(lows) if low in NOUNS or low in _PRONOUN_HEADS), None)
    if head is None:
        head = lows[-1]
    category = ("private" if head in PRIVATE_NOUNS else "role" if head in ROLE_NOUNS
                else "group" if head in GROUP_NOUNS else "other")
    if category == "other" and head not in _PRONOUN_HEADS and VICTIM_WORDS & set(lows):
        category = "private"
    plural = head in PLURAL_NOUNS or head in _PRONOUN_HEADS or (
        head.endswith("s") and not head.endswith("ss") and head in NOUNS)
    if lows[0] in ("one", "a", "an", "another", "each", "every"):
        plural = False
    label = re.sub(r"\s+", " ", view[start:end])
    if pseudonym:
        name = view[pseudonym[0]: pseudonym[1]]
        return Phrase(start, end, "name", name, "name", {head} | titles, plural, gender, pseudonym)
    return Phrase(start, end, "description", label, category, {head} | titles, plural, gender)


def parse_subject_before(view: str, start: int, end: int, *, reach: int) -> Phrase | None:
    """The subject phrase that ends right before ``end`` (a verb), searched from ``start``.

    Relative clauses (", who asked not to be named,"), ages and brackets are skipped;
    auxiliaries and adverbs before the verb ("has also") are dropped; the phrase starts
    after the last clause boundary, so "The opposition leader, David Okafor," gives the
    name and "In a meeting with the king, Smith" gives "Smith". An appositive after a
    name ("Sarah Jones, a virologist at Oxford,") gives the name. Only the last ``reach``
    characters (``quotes.subject_reach``: how far back from its verb a subject phrase,
    with any relative clause, is looked for) are read, so a run-on sentence costs no more.
    """
    start = clip_start(view, start, end, reach)
    masked = _RELATIVE_CLAUSE.sub(lambda m: " " * len(m.group()), view[start:end])
    words = masked.rstrip(" ,").split(" ")
    while words and words[-1].lower() in AUXILIARIES:
        words.pop()
    masked = " ".join(words).rstrip(" ,")
    text_end = len(masked.rstrip())
    cuts = [0] + [m.end() for m in _BOUNDARY.finditer(masked) if m.end() < text_end]
    cut = cuts[-1] + len(masked[cuts[-1]:]) - len(masked[cuts[-1]:].lstrip())
    if cut >= len(masked):
        return None
    phrase = parse_phrase(view, start + cut, start + len(masked))
    # "Steve Rosenthal, a former director of the union and organizer, wrote": a name, then an
    # appositive set off by commas that runs to the verb (no verb of its own, even across an "and").
    # Without the closing comma it is the subject itself: "Clinton, a top aide said, …".
    closed = view[start:end].rstrip().endswith(",")
    for k in range(len(cuts) - 1, max(0, len(cuts) - 4), -1) if closed else ():
        rest = masked[cuts[k]:text_end].split()
        verbs = [w for i, w in enumerate(rest) if w.lower() in VERBISH
                 and not (i and rest[i - 1].lower() in DETERMINERS | {"of", "in", "on"})]  # "the states" is a noun
        if masked[cuts[k] - 1] != "," or not rest or len(rest) > 20 or verbs \
                or not (rest[0].lower() in ("a", "an", "the") or rest[0][0].islower()):
            continue
        before = cuts[k - 1] + len(masked[cuts[k - 1]:]) - len(masked[cuts[k - 1]:].lstrip())
        name = parse_phrase(view, start + before, start + cuts[k] - 1)
        # The name must fill the stretch before the comma: "Asked to be called Azmad, the man" names no "Asked".
        if name is not None and name.kind == "name" and not view[name.end: start + cuts[k] - 1].strip():
            return name
    if phrase is None or phrase.end < start + text_end - 1:
        # "Senate minority leader Harry Reid said": titles in lower case, then the name right before the verb.
        trailing = trailing_name(view, start + cut, start + text_end)
        if trailing is not None:
            return trailing
    return phrase


_NAME_RUN = re.compile(r"(?:\b[A-Z][\w’'.-]*(?:\s+(?:[A-Z]\.|de|la|van|von|der|al|bin|da|di|del|le))*\s+){0,3}"
                       r"\b[A-Z][\w’'-]*[A-Za-z]$")


def trailing_name(view: str, start: int, end: int, *, strict: bool = True) -> Phrase | None:
    """The capitalised name that ends right at ``end``, after lower-case title words.

    ``strict`` (a subject right before its verb) refuses a name with a verb before it in
    the stretch; a colon introduction ("… surprise pollster Daron Shea:") allows one.
    """
    match = _NAME_RUN.search(view, start, end)
    if match is None or match.start() == start:
        return None
    words = match.group().split()
    lows = [w.lower().rstrip(".") for w in words]
    while words and (lows[0] in TITLE_WORDS or lows[0] in ROLE_NOUNS or lows[0] in DETERMINERS
                     or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]\.?", words[0])):
        words, lows = words[1:], lows[1:]
    before = view[start: match.start()].split()
    if not words or any(low in PRONOUNS or low in DETERMINERS and low not in ("the", "a", "an") for low in lows) \
            or not before or (strict and any(w.lower() in VERBISH or w.lower() in _STOP for w in before)):
        return None
    name_start = end - len(" ".join(words)) if view[end - len(" ".join(words)): end] == " ".join(words) else None
    if name_start is None:
        return None
    heads = {w.lower() for w in before if w.lower() in _TITLES_AND_ROLES}
    gender = "m" if heads & MALE else "f" if heads & FEMALE else None
    return Phrase(match.start(), end, "name", " ".join(words), "name", heads, False, gender, None, name_start)


def sentence_subject(view: str, start: int, end: int) -> Phrase | None:
    """The subject phrase a sentence opens with, after an introductory phrase ("In May, ...")."""
    first = view[start:end].split(" ", 1)[0].lower()
    if first.strip(",") in _INTRO_SKIP or (first.endswith("ly,") and len(first) > 4):
        comma = view.find(",", start, min(end, start + 90))
        if comma < 0:
            return None
        start = comma + 1
    while start < end and view[start] == " ":
        start += 1
    phrase = parse_phrase(view, start, end)
    if phrase is not None and phrase.kind == "name" and " " not in phrase.label and phrase.start == start:
        # "Just a few months ago, Sembler said", "Along with her husband, she": a lone capitalised
        # word that a determiner, preposition or pronoun follows opens an adverbial, not a subject.
        following = view[phrase.end: min(end, phrase.end + 30)].split()
        nxt = following[0].lower() if following else ""
        if nxt in DETERMINERS or nxt in _STOP or nxt in PRONOUNS or nxt in ("with", "of", "for", "at", "from"):
            comma = view.find(",", phrase.end, min(end, start + 90))
            return sentence_subject(view, comma + 1, end) if comma >= 0 else None
    return phrase


_NOT_ABOUT = frozenset(_W("that whether if which whose who whom because and but while although though"))
_AUDIENCE = frozenset(_W("told tell tells telling to with"))
_GAP_BREAKS = frozenset(".!?;:" + QUOTE_CHARS.replace("'", "").replace("’", ""))


def about_subject(view: str, start: int, end: int) -> bool:
    """True when the words between a person (ending at ``start``) and a cue (at ``end``) keep the cue theirs.

    "Zelimkhan *said, speaking on condition of* anonymity", "He *spoke to the BBC on
    condition of* anonymity" and "He asked not to be named" are; "Smith *said the men
    spoke on condition of* anonymity" and "He *said that* ..." are not: another person,
    a pronoun, a name that is not an audience, or a subordinate clause in between takes
    the cue.
    """
    if not 0 <= end - start <= 120 or any(ch in _GAP_BREAKS for ch in view[start:end]):
        return False
    audience = 0  # words left in which a noun or name is who was told ("told AFP")
    for token in view[start:end].split():
        word = token.strip(",()’'")
        low = word.lower()
        if low in _NOT_ABOUT or low in PRONOUNS:
            return False
        if word and (low in NOUNS or _is_cap(word)) and not audience:
            return False
        audience = 3 if low in _AUDIENCE else max(0, audience - 1)
    return True


def trim_name(name: str) -> str:
    """Keep the capitalised words of a captured name ("Sarah" of "Sarah told")."""
    words = []
    for word in name.split(" "):
        if not word[:1].isupper() or word.lower() in DETERMINERS:
            break
        words.append(word)
    return " ".join(words).rstrip("’'")


def noun_before(view: str, start: int, end: int, *, reach: int) -> Phrase | None:
    """The person phrase right before a "who" at ``end``: "said *Zelimkhan*, who ...", "told *Smith*, who".

    Reads at most ``reach`` characters back, as :func:`parse_subject_before` does.
    """
    start = clip_start(view, start, end, reach)
    for verb in _WORD.finditer(view, start, end):
        if verb.group().lower() in CUE_VERBS:
            start = verb.end()  # the noun is after the speech verb
    noun = parse_subject_before(view, start, end, reach=reach)
    if noun is None or noun.category not in SPEAKING or noun.category == "pronoun":
        return None
    return noun
