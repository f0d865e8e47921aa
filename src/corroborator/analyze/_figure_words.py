"""Word lists and token tests for :mod:`corroborator.analyze.figures`."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from corroborator.analyze._regex import alternation
from corroborator.analyze.numbers import NUMBER_WORDS


def wordset(words: str) -> frozenset[str]:
    """A frozenset of the space-separated words."""
    return frozenset(words.split())


def phrases(table: dict[str, str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Index "a|b c" phrase lists by first word, longest phrases first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for event, listed in table.items():
        for phrase in listed.split("|"):
            words = tuple(phrase.split())
            index.setdefault(words[0], []).append((words, event))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


# Predicates whose subject is the count: "64 men were evacuated", "4 dead".
PREDICATES = phrases({
    "killed": "killed|dead|died|die|murdered|executed|slain|perished|drowned|shot dead|fatally shot|fatally wounded|"
    "among the dead|among those killed|among the killed|among the victims|"
    "stabbed to death|beaten to death|burned to death|lost their lives|lost his life|lost her life|"
    "buried|feared dead|presumed dead|confirmed dead|believed dead|found dead|pronounced dead|killed outright|"
    "shot to death|shot and killed|gunned down|mortally wounded|fatally injured|fatally stabbed|succumbed|"
    "declared dead|dead at the scene|deceased|killed instantly|dies",
    "injured": "injured|wounded|hurt|"
    "among the injured|among the wounded|among those injured|among those wounded|"
    "treated for injuries|treated for wounds|treated for burns|"
    "suffered injuries|sustained injuries|suffered wounds|suffered burns|in hospital|"
    "in the hospital|non-life-threatening injuries|suffered non-life-threatening injuries|"
    "suffered minor injuries|suffered serious injuries|suffered life-threatening injuries|"
    "expected to survive|expected to recover|grazed",
    # Shot, taken to hospital, in a stated condition: hit by gunfire, whether the person
    # later died or not (the totals subtract the killed from the hit).
    "hit": "shot|shot multiple times|shot several times|shot once|shot twice|struck by gunfire|struck by a bullet|"
    "taken to hospital|taken to a hospital|taken to the hospital|taken to a local hospital|rushed to hospital|"
    "rushed to a hospital|rushed to the hospital|transported to a hospital|transported to the hospital|"
    "transported to hospital|taken to an area hospital|transported to an area hospital|hospitalized|hospitalised|"
    "in critical condition|in serious condition|in stable condition|in fair condition|in good condition|"
    "in critical but stable condition|in serious but stable condition|in grave condition|"
    "suffered a gunshot wound|suffered gunshot wounds|sustained a gunshot wound|sustained gunshot wounds|"
    "suffering from a gunshot wound|suffering from gunshot wounds|with a gunshot wound|with gunshot wounds|"
    "treated for a gunshot wound|treated for gunshot wounds",
    "detained": "detained|arrested|rounded up|held|jailed|imprisoned|incarcerated|taken into custody|in custody|"
    "behind bars|locked up|apprehended|in detention|in jail|in prison|among those detained|"
    "among those arrested|among the detained|among those held",
    "disappeared": "disappeared|missing|went missing|gone missing|unaccounted for|abducted|kidnapped|vanished|"
    "forcibly disappeared",
    "tortured": "tortured|electrocuted|subjected to torture|suffered torture",
    # Ill-treatment is not torture (the law and the reports keep them apart): its own kind.
    "ill_treated": "ill-treated|mistreated|abused|suffered abusive treatment|suffered abuse|suffered ill-treatment|"
    "subjected to ill-treatment|subjected to abuse|beaten in custody|beaten in detention|beaten in police custody",
    "fled": "fled|flee|forced to flee|forced to leave|displaced|left their homes|sought refuge|fleeing|homeless",
    "evacuated": "evacuated|rescued|relocated|re-homed|rehomed|resettled|moved to safety|airlifted|"
    "brought to safety|taken to safety",
    "other": "affected|trapped",
})
# Predicates that are too ambiguous without an auxiliary ("held talks", "missing link").
AUX_ONLY = wordset("held rescued fleeing buried deceased")
# Object triggers in the base form, which a modal makes hypothetical ("threatened to kill").
BASE_FORMS = wordset("kill injure wound arrest detain evacuate")
MODALS = wordset("to will would could can may might not threatened vowed")
# Base-form predicates that a modal auxiliary makes hypothetical ("100 could die").
BASE_PREDICATES = wordset("die flee")
# Triggers before the count, the count being their object: "killing three", "arrest of 40".
OBJECTS = phrases({
    "killed": "kill|killed|killing|kills|shot dead|bodies of|remains of|claimed the lives of|took the lives of|"
    "claimed the life of|took the life of|fatal shooting of|shooting death of|shooting deaths of|"
    "deaths of|death of|killing of|killings of|murder of|murders of|execution of|executions of",
    "injured": "injure|injured|injuring|injures|wound|wounded|wounding|treated|hospitalised|hospitalized",
    "hit": "shot|shooting of",
    "detained": "detain|detained|detaining|detains|arrest|arrests|arrested|arresting|rounded up|rounding up|jailed|"
    "held|arrest of|arrests of|detention of|detentions of|imprisonment of",
    "disappeared": "abducted|abducting|abducts|kidnapped|kidnapping|kidnaps|snatched|took hostage|disappearance of|"
    "disappearances of|abduction of|abductions of|kidnapping of",
    "tortured": "tortured|torturing|torture of",
    "ill_treated": "ill-treatment of|mistreatment of|abuse of",
    "other": "affected|affecting",
    "fled": "displaced|displacing|displaces|displacement of|exodus of",
    "evacuated": "evacuate|evacuated|evacuating|evacuates|rescued|rescues|rescuing|relocated|relocating|re-homed|"
    "rehomed|resettled|evacuation of|rescue of|relocation of|resettlement of",
})
# Bare nouns coordinated with an "X of" trigger: "the rescue and relocation of 64 people".
OBJECT_NOUNS = {
    "rescue": "evacuated", "relocation": "evacuated", "evacuation": "evacuated", "resettlement": "evacuated",
    "arrest": "detained", "detention": "detained", "torture": "tortured", "killing": "killed",
    "murder": "killed", "abduction": "disappeared", "disappearance": "disappeared",
}
# Count nouns that carry the event themselves: "300 arrests".
EVENT_NOUNS = {
    "deaths": "killed", "fatalities": "killed", "killings": "killed", "bodies": "killed", "arrests": "detained",
    "detentions": "detained", "injuries": "injured", "disappearances": "disappeared", "abductions": "disappeared",
}
PEOPLE = wordset(
    "people persons person men man women woman children child kids kid boys boy girls girl babies baby infants "
    "infant teenagers teenager teens teen adults adult minors minor civilians civilian victims victim survivors "
    "survivor residents resident inhabitants villagers villager citizens nationals migrants migrant refugees "
    "refugee asylum-seekers protesters protester protestors demonstrators demonstrator activists activist "
    "journalists journalist reporters reporter students student workers worker miners passengers passenger "
    "tourists pilgrims worshippers worshipers fans spectators bystanders bystander shoppers patients prisoners "
    "prisoner detainees detainee inmates captives hostages soldiers soldier troops officers officer policemen "
    "policeman firefighters personnel staff employees members member individuals others gays lesbians "
    "homosexuals relatives parents mothers fathers sons daughters brothers sisters guests customers voters "
    "supporters critics dissidents bloggers lawyers doctors nurses medics volunteers crew sailors fishermen "
    "farmers youths youngsters families households pupils teachers monks nuns priests clerics muslims jews "
    "kurds uyghurs rohingya seekers foreigners locals colleagues suspects militants fighters rebels insurgents "
    "combatants gunmen attackers"
)
SINGULAR_PEOPLE = wordset(
    "person man woman child kid boy girl baby infant teenager teen adult civilian victim resident student "
    "journalist reporter protester demonstrator activist officer policeman soldier worker passenger bystander "
    "villager motorist pedestrian cyclist driver guard firefighter"
)
SINGULAR_EVENTS = frozenset({"killed", "injured", "disappeared", "hit"})
# More nouns for one person in local crime news: "the victim", "a Lorain teen", "the 4-year-old".
SINGULAR_PEOPLE |= wordset(
    "male female juvenile toddler gentleman lady husband wife son daughter father mother brother sister "
    "grandmother grandfather grandson granddaughter nephew niece uncle aunt cousin boyfriend girlfriend "
    "clerk cashier employee customer deputy trooper homeowner neighbor neighbour teenager motorcyclist "
    "shopkeeper patron bartender security")
# Events a pronoun or a name can carry for one victim ("he died", "Smith was shot").
PERSON_EVENTS = frozenset({"killed", "injured", "hit"})
# Predicates a singular subject needs an auxiliary for: "a man who shot ..." is the shooter.
PASSIVE_ONLY = wordset("shot killed injured wounded hurt murdered slain executed taken rushed transported "
                       "treated hospitalized hospitalised struck gunned stabbed")
# "taken to Mercy Regional Medical Center", "suffered a gunshot wound to the leg".
CARE_VERBS = wordset("taken transported rushed flown airlifted driven brought transferred")
CARE_PLACES = wordset("hospital hospitals medical center centre clinic trauma infirmary")
WOUND_VERBS = wordset("suffered suffering sustained sustaining received")
WOUNDS = wordset("injuries injury wound wounds")
# A sentence that counts over many incidents: "the city's 45th homicide", "left seven
# people dead in 17 shootings across the city", "so far", "annually". A period alone
# ("this year", "since March") is no such sign: in a crisis, "at least 30 civilians were
# killed this year" is the case's own count, and figures about an earlier time are set
# apart by their dates when claims are made.
AGGREGATE = re.compile(
    r"\bso far\b|\bannually\b|\bstatewide\b|\bshootings\b|\bhomicides\b|\bper capita\b|\brate\b|\bon average\b"
    r"|\b\d+(?:st|nd|rd|th) (?:homicide|killing|shooting|murder)\b",
    re.IGNORECASE)
# Counts of one person are about this incident unless the sentence spans several.
MANY_INCIDENTS = re.compile(r"\b(?:shootings|incidents|homicides)\b|\bso far\b", re.IGNORECASE)
YEAR_OLD = re.compile(r"(?:\d+|[a-z]+(?:-[a-z]+)?)-(?:year|month|week)-old$")
DEMONYM_ENDINGS = ("ians", "ans", "ens", "ese", "is", "ers")
_PEOPLE_ENDINGS = ("men", "children", "people", "girls", "boys", "women")
_NOT_PEOPLE = wordset("specimen specimens abdomen regimen regimens stamen omen omens amen")
AUX = wordset("was were is are be been being has have had will would could can may might must should shall "
              "remain remains remained got get 's ’s")
HEDGES = wordset("reported believed thought said feared known understood estimated alleged presumed confirmed "
                 "likely to have be since so far ever")
ADVERBS = wordset("reportedly allegedly also all now still already later earlier subsequently eventually "
                  "apparently officially initially previously recently just both each then since")
NEGATIONS = wordset("not never no n't nobody none")
CLAUSE_WORDS = wordset("and but or while because after before as when though although if whereas so yet nor "
                       "including where whose until unless")
REPORT_VERBS = wordset(
    "said says say told tells reported reports report reporting claimed claims claim estimated estimates "
    "stated states announced announces confirmed confirms revealed reveals counted recorded wrote writes "
    "noted notes alleged alleges added adds explained explains documented insisted warned warns warn showed "
    "shows indicated indicates")
PUBLISH_VERBS = wordset("released published issued")
# Reporting words that are as often nouns ("a 31-page report, detailing ...").
NOUN_OR_VERB = wordset("report reports claim claims estimate estimates states notes documents")
NOUN_AFTER = wordset("of by on from about into , ) ;")
REPORT_NOUNS = wordset("report study statement list document survey figures data findings tally")
NOT_VERB_AFTER = wordset("the a an numerous many several media news press these those such some recent earlier "
                         "previous initial unconfirmed official its their his her our")
FUNCTION = wordset(
    "the a an this that these those its their his her our my your some any each every all both no of in on at "
    "by for from with without to into onto over under about across throughout near inside outside between "
    "among against during via per than like who whom which what it they he she we i you them him us there here "
    "not") | CLAUSE_WORDS
PARTICIPLE_ADJECTIVES = wordset("injured wounded displaced detained missing dead arrested abducted kidnapped "
                                "unarmed armed elderly disabled suspected alleged so-called undocumented exiled")
TOLL_LINKERS = wordset("rose risen rises rising climbed climbs jumped increased reached reaches hit hits stood "
                       "stands is was were are has had have now at to of officially put")
TALLY_WORDS = wordset("number tally total count toll")
PRONOUNS = wordset("he she they it we i you this that who")
DETERMINERS = wordset("the a an")
NP_DETERMINERS = wordset("the a an his her their its our")
_TRANSITIVE_OBJECT = NP_DETERMINERS | wordset("my your out")
PREPOSITIONS = wordset("in at on by from near inside of during across with outside")
DESCRIPTORS = wordset(
    "newspaper paper daily weekly agency outlet broadcaster channel network group organisation organization "
    "charity minister ministry spokesperson spokesman spokeswoman official officials chief director activist "
    "journalist reporter monitor watchdog website magazine site service authority")
SUBSETS = wordset("including among")
STOP_PUNCT = frozenset(",;:()—–.!?[]")
COORD_SKIP = wordset("then later subsequently even also been were was being allegedly reportedly")


def _hint_stems(*indexes: dict) -> frozenset[str]:
    """The first five letters of the longest word of every trigger."""
    stems = {"toll"}
    for index in indexes:
        for entries in index.values():
            for words, _event in entries:
                stems.add(max(words, key=len)[:5])
    return frozenset(stems)


#: Word starts one of which every sentence holding a figure has.
HINT_STEMS = _hint_stems(PREDICATES, OBJECTS, {w: [((w,), e)] for w, e in (EVENT_NOUNS | OBJECT_NOUNS).items()})
# Stems are word prefixes: anchoring at word starts, and a prefix tree of them, keep the scan fast.
HINT = re.compile(r"\b" + alternation(HINT_STEMS), re.IGNORECASE)
# Abbreviations ("U.N."), grouped digits ("1,200"), words with inner hyphens, apostrophes,
# dots and colons ("re-homed", "Russia’s", "1:51", "LGBT+"), then single punctuation;
# quote marks are no tokens (quotes are found separately with QUOTE).
TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)"
    r"|[^\W_]+(?:[-'’.:/][^\W_]+)*[+]?|[^\w\s\"“”‘’'«»]"
)
QUOTE = re.compile(r"“[^”\n]*(?:”|$)|\"[^\"\n]*\"", re.MULTILINE)


@dataclass(slots=True)
class Sentence:
    """Tokens of one sentence: parallel lists of raw text, lower case and offsets."""

    start: int
    end: int
    raws: list[str]
    lows: list[str]
    starts: list[int]
    ends: list[int]


def tokenize(text: str, start: int, end: int) -> Sentence:
    """Tokenize ``text[start:end]`` keeping offsets; quote marks are dropped."""
    matches = list(TOKEN.finditer(text, start, end))
    raws = [m.group() for m in matches]
    lows = [r.lower() for r in raws]
    return Sentence(start, end, raws, lows, [m.start() for m in matches], [m.end() for m in matches])


def in_spans(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` lies inside one of the sorted ``spans``."""
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


PhraseIndex = dict[str, list[tuple[tuple[str, ...], str]]]


def match(index: PhraseIndex, lows: list[str], i: int) -> tuple[str, int, int] | None:
    """Longest phrase of ``index`` starting at token ``i``: (event, start, end)."""
    for words, event in index.get(lows[i], ()) if i < len(lows) else ():
        if tuple(lows[i : i + len(words)]) == words:
            return event, i, i + len(words)
    return None


def predicate(lows: list[str], i: int, after_aux: bool) -> tuple[str, int, int] | None:
    """An event predicate at token ``i``."""
    hit = match(PREDICATES, lows, i)
    if hit and hit[2] - hit[1] == 1:
        if lows[i] in AUX_ONLY and not after_aux:
            return None
        if lows[i] == "missing" and lows[i + 1 : i + 2] and lows[i + 1] in _TRANSITIVE_OBJECT:
            return None  # "are missing their families"
    return hit


def object_ending(lows: list[str], end: int, nouns: bool = False) -> tuple[str, int, int] | None:
    """An object-position trigger ending right before token ``end``."""
    for size in (4, 3, 2, 1):
        if end - size < 0:
            continue
        first = lows[end - size]
        for words, event in OBJECTS.get(first, ()):
            if len(words) == size and tuple(lows[end - size : end]) == words:
                return event, end - size, end
        if nouns and size == 1 and first in OBJECT_NOUNS:
            return OBJECT_NOUNS[first], end - 1, end
    return None


def is_people(low: str, raw: str) -> bool:
    """Whether a token names people ("men", "Chechens", "schoolchildren", "tribesmen")."""
    if low in PEOPLE or (low.endswith(_PEOPLE_ENDINGS) and low not in _NOT_PEOPLE):
        return True
    return raw[:1].isupper() and len(low) > 5 and low.endswith(DEMONYM_ENDINGS)


def is_verbish(low: str) -> bool:
    """Whether a token is probably a finite verb or participle (no tagger here)."""
    return low in REPORT_VERBS or (low.endswith("ed") and len(low) > 4 and low not in PARTICIPLE_ADJECTIVES)


def is_modifier(low: str, raw: str) -> bool:
    """Whether a token can sit between a count and its people noun ("gay Chechen")."""
    if low in ("+", "-") or low in PARTICIPLE_ADJECTIVES:
        return True
    if not raw[:1].isalpha() or low in FUNCTION or low in AUX or low in ADVERBS or low in NUMBER_WORDS:
        return False
    return not is_verbish(low) and not low.endswith(("'s", "’s")) and match(PREDICATES, [low], 0) is None


