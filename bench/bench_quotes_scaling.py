"""Benchmark: how :func:`corroborator.analyze.quotes.extract_quotes` scales with input size.

Each case builds a pathological-but-possible document at 1x, 2x and 4x its base size
(one-line pages, thousands of unbalanced marks, quotes in guillemets, thousands of
caption lines, many scare quotes in one paragraph, pseudonym cues, a run-on sentence,
asterisked names declared by a footnote) and times the quote stage alone. Linear work
shows a 4x/1x ratio near 4; quadratic work near 16.
Noise spans are marked by hand so the cleaner's own cost is not measured.

    .venv/bin/python bench/bench_quotes_scaling.py            # base sizes
    .venv/bin/python bench/bench_quotes_scaling.py --scale 2  # every size doubled
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable

from corroborator.analyze.quotes import extract_quotes
from corroborator.model import Document, NoiseSpan

_ONE_LINE = ("“We were taken at night,” said one woman, speaking on condition of anonymity. "
             "Police detained at least 40 people on 3 March 2021, the group said. ")
_PSEUDONYMS = ("A man using the pseudonym Omar said he was held for a month. “They beat us every night,” "
               "said Omar, who asked not to be named. ")

_STARRED = "“We were taken,” says ‘Omar’* who fled. "
_FOOTNOTE = "\n*The name has been changed to protect the person’s identity.\n"
_RUN_ON = "reports said so and the thing who asked not to be named went on and old rumours told of more "


def _doc(text: str, noise: tuple[NoiseSpan, ...] = ()) -> Document:
    """A document with the given noise spans."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(digest, "bench.txt", digest, "text/plain", text, noise=noise)


def _captions(n: int) -> Document:
    """``n`` caption lines (noise) alternating with short quoted body paragraphs."""
    parts, noise, at = [], [], 0
    for i in range(n):
        caption = f"Photo: protesters in the square, picture {i} (AFP)\n"
        body = f"“We will not stop until they answer,” said one man, number {i}.\n"
        noise.append(NoiseSpan(at, at + len(caption) - 1, "caption"))
        parts += [caption, body]
        at += len(caption) + len(body)
    return _doc("".join(parts), tuple(noise))


CASES: dict[str, tuple[int, Callable[[int], Document]]] = {
    "one-line page (reps)": (1000, lambda n: _doc(_ONE_LINE * n)),
    "unbalanced “ marks": (2500, lambda n: _doc("“" * n)),
    "unbalanced “ with words": (2500, lambda n: _doc("“word " * n)),
    "«…» quotes": (1250, lambda n: _doc("«قال أحمد إن الشرطة» " * n)),
    "caption lines": (2500, _captions),
    "one-word scare quotes": (1500, lambda n: _doc('"a" ' * n)),
    "open singles, then closers": (1500, lambda n: _doc("'a " * n + "b” " * n)),
    "pseudonym cues in one line": (500, lambda n: _doc(_PSEUDONYMS * n)),
    "run-on sentence, verbs and cues": (500, lambda n: _doc(_RUN_ON * n)),
    "asterisked names, one line": (2000, lambda n: _doc(_STARRED * n + _FOOTNOTE)),
}


def _time(doc: Document) -> tuple[float, int]:
    """Seconds taken by one extract_quotes call, and how many quotes it found."""
    start = time.perf_counter()
    result = extract_quotes(doc, [])
    return time.perf_counter() - start, len(result.quotes)


def main() -> None:
    """Time every case at 1x, 2x and 4x and print the 4x/1x ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base size by this")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    print(f"{'case':30s} {'1x size':>8s} {'chars':>9s} {'1x s':>7s} {'2x s':>7s} {'4x s':>7s} {'4x/1x':>6s} quotes@4x")
    for name, (base, build) in CASES.items():
        if args.only not in name:
            continue
        size = max(1, int(base * args.scale))
        docs = [build(size * k) for k in (1, 2, 4)]
        runs = [_time(doc) for doc in docs]
        times = [t for t, _ in runs]
        ratio = times[2] / max(times[0], 1e-9)
        print(f"{name:30s} {size:8d} {len(docs[2].text):9d} {times[0]:7.3f} {times[1]:7.3f} {times[2]:7.3f} "
              f"{ratio:6.1f} {runs[2][1]}", flush=True)


if __name__ == "__main__":
    main()
