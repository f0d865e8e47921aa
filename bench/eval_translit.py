"""Evaluate name transliteration: how often a romanised Russian name is found, and wrongly found.

Russian surnames (masculine) and given names come from the pymorphy3 dictionary (the
words it tags ``Surn`` and ``Name``). Each is romanised in every system of
:data:`corroborator.translit.SYSTEMS` and looked up among all the Cyrillic names:

- *not found*: the romanisation is not :func:`~corroborator.translit.same_name` as its
  own Cyrillic name, among names of five letters or more (shorter ones are never matched
  alone, by design: "Иван" and "Ivan" could be anyone);
- *also another*: it matches some other Cyrillic name too ("Alimov": Алимов and Алымов).

With ``--english`` text files or GVA JSONL, the capitalised phrases of English news are
compared with each other: every pair the keys join is a Latin-against-Latin join, which
in English news is almost always a false merge.

    .venv/bin/python bench/eval_translit.py
    .venv/bin/python bench/eval_translit.py --english ../shared/data/gva-dev/incidents.jsonl \\
        ../shared/data/polnear/dev/text

Reading the dictionary takes a few minutes; the texts are read at run time and nothing of
them is stored.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from corroborator.consolidate._names import normalise_name
from corroborator.translit import MIN_SINGLE_WORD, SYSTEMS, NameIndex, romanise, same_name

_PHRASE = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}\b")


def russian_names() -> dict[str, list[str]]:
    """Masculine surnames and given names of the pymorphy3 Russian dictionary, capitalised."""
    try:
        import pymorphy3
    except ImportError:
        sys.exit("eval_translit needs pymorphy3 (pip install pymorphy3) for its list of Russian names")
    found: dict[str, set[str]] = {"surnames": set(), "given names": set()}
    morph = pymorphy3.MorphAnalyzer(lang="ru")
    for word, tag, _normal, _para, index in morph.dictionary.iter_known_words():
        if index == 0 and "-" not in word:
            if "Surn" in tag and "masc" in tag:
                found["surnames"].add(word.capitalize())
            elif "Name" in tag:
                found["given names"].add(word.capitalize())
    return {kind: sorted(words) for kind, words in found.items()}


def evaluate(names: list[str]) -> tuple[Counter[str], Counter[str], dict[str, list[str]]]:
    """Per system: romanisations not found as their name, and found as another name too."""
    index: NameIndex[str] = NameIndex()
    for name in names:
        index.add(name, name)
    missed: Counter[str] = Counter()
    other: Counter[str] = Counter()
    examples: dict[str, list[str]] = {"missed": [], "other": []}
    for name in names:
        for system in SYSTEMS:
            spelt = romanise(name, system)
            if len(name) >= MIN_SINGLE_WORD and not same_name(spelt, name):
                missed[system] += 1
                if len(examples["missed"]) < 8:
                    examples["missed"].append(f"{name} ({system}: {spelt})")
            others = sorted(o for o in index.find(spelt) if o != name)
            if others:
                other[system] += 1
                if len(examples["other"]) < 8 and system == "news":
                    examples["other"].append(f"{spelt}: {name} and {others[0]}")
    return missed, other, examples


def english_phrases(paths: list[Path]) -> Counter[str]:
    """Capitalised phrases (1–3 words) of English texts: GVA JSONL files or folders of .txt."""
    phrases: Counter[str] = Counter()
    for path in paths:
        if path.is_dir():
            texts = (p.read_text(encoding="utf-8", errors="replace") for p in sorted(path.glob("*.txt")))
        else:
            texts = (a["text"] for line in path.open(encoding="utf-8") for a in json.loads(line)["articles"])
        for text in texts:
            phrases.update(normalise_name(m.group()) for m in _PHRASE.finditer(text))
    return phrases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--english", type=Path, nargs="*", default=[], help="English news: GVA JSONL or .txt folders")
    args = parser.parse_args()
    start = time.time()
    for kind, names in russian_names().items():
        missed, other, examples = evaluate(names)
        long = sum(len(n) >= MIN_SINGLE_WORD for n in names)
        print(f"\n{kind}: {len(names)} names ({long} of {MIN_SINGLE_WORD}+ letters), {len(SYSTEMS)} romanisations each")
        print(f"   {'system':10} {'not found':>10} {'also another':>13}")
        for system in SYSTEMS:
            print(f"   {system:10} {missed[system] / long:>10.1%} {other[system] / len(names):>13.1%}")
        print("   not found, e.g.:", "; ".join(examples["missed"]))
        print("   also another, e.g.:", "; ".join(examples["other"]))
    if args.english:
        phrases = english_phrases(args.english)
        index: NameIndex[str] = NameIndex()
        for phrase in phrases:
            index.add(phrase, phrase)
        joined = sorted({tuple(sorted((p, o))) for p in phrases for o in index.find(p) if o != p})
        print(f"\nEnglish news: {len(phrases)} capitalised phrases, {len(joined)} pairs joined:",
              "; ".join(f"{a} = {b}" for a, b in joined[:20]))
    print(f"\n{time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
