"""A credibility rating on every claim, the Admiralty (NATO) way.

*Source reliability* is a letter per original source, set by editors (default F):

- A completely reliable, B usually reliable, C fairly reliable, D not usually
  reliable, E unreliable, F reliability cannot be judged.

*Information credibility* is a number per claim, computed here from its independent
corroboration, its conflicts and the reliability of its sources:

- 1 confirmed: two or more independent sources agree and at most one of them is rated
  unreliable (E), or a reviewer verified the claim;
- 2 probably true: one source, rated A or B;
- 3 possibly true: one source rated C; or sources that agree but are mostly unreliable;
  or sources that disagree where one of them is rated A or B;
- 4 doubtful: one source rated D; sources that disagree, none rated A or B; or a count
  its own source later replaced (superseded);
- 5 improbable: one source, rated E;
- 6 cannot be judged: one source whose reliability no one has rated (F).

The rating of a claim is written as the best letter among its sources and the number,
"B2", with the rule that gave it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from corroborator.model import Case

RELIABILITY = {"A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
               "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged"}
CREDIBILITY = {1: "confirmed by other sources", 2: "probably true", 3: "possibly true", 4: "doubtful",
               5: "improbable", 6: "truth cannot be judged"}
#: A source no editor has rated.
UNRATED = "F"
#: The rules, in the words the export and the report show.
RULE = ("Admiralty code: source reliability A-F per original source (editors set it; F until rated); information "
        "credibility 1-6 per claim: 1 two or more independent sources agree (at most one rated E) or a reviewer "
        "verified it; 2 one source rated A/B; 3 one source rated C, agreeing sources mostly rated E, or disagreeing "
        "sources with one rated A/B; 4 one source rated D, disagreeing sources none rated A/B, or superseded by its "
        "own source; 5 one source rated E; 6 one source not rated (F).")
_SINGLE = {"A": 2, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6}


def rate(status: str, sources: Iterable[str], reliability: Mapping[str, str], *, verified: bool = False
         ) -> dict[str, Any]:
    """The rating of one claim.

    Args:
        status: The claim's machine status (corroborated, single_source, conflicting, superseded).
        sources: The keys of its independent sources.
        reliability: Source key to its letter (unrated sources are F).
        verified: A reviewer verified the claim.

    Returns:
        ``{"code", "reliability", "credibility", "label", "why"}``.
    """
    letters = sorted(reliability.get(k, UNRATED) for k in dict.fromkeys(sources)) or [UNRATED]
    best = letters[0]
    if verified:
        number, why = 1, "verified by a reviewer"
    elif status == "superseded":
        number, why = 4, "its own source later reported another count"
    elif status == "conflicting":
        reliable = best in ("A", "B")
        number = 3 if reliable else 4
        why = "its sources disagree" + (f"; one is rated {best}" if reliable else "; none is rated A or B")
    elif len(letters) >= 2:
        unreliable = letters.count("E")
        number = 1 if unreliable <= 1 else 3
        why = f"{len(letters)} independent sources agree" + ("" if number == 1 else f", {unreliable} rated E")
    else:
        number = _SINGLE[best]
        why = f"one source, rated {best} ({RELIABILITY[best]})"
    return {"code": f"{best}{number}", "reliability": best, "credibility": number, "label": CREDIBILITY[number],
            "why": why}


def rate_claims(claims: Iterable[Any], details: dict[str, dict[str, Any]], reliability: Mapping[str, str],
                verified: Iterable[str] = ()) -> None:
    """Write each claim's rating into its detail (``details[claim.id]["credibility"]``)."""
    checked = set(verified)
    for claim in claims:
        detail = details.get(claim.id)
        if detail is None:
            continue
        keys = [s["key"] for s in detail.get("sources", [])]
        detail["credibility"] = rate(claim.status, keys, reliability, verified=claim.id in checked)


def credibility_of(case: Case, claim: Any) -> dict[str, Any]:
    """A claim's rating: as consolidation or review gave it, else rated now from its status and sources
    (a case file built before ratings existed, or a claim made by hand)."""
    detail = case.claim_details.get(claim.id) or {}
    if detail.get("credibility"):
        return dict(detail["credibility"])
    ratings = {key: str(r.get("rating", UNRATED)) for key, r in case.reliability.items()}
    return rate(claim.status, [s["key"] for s in detail.get("sources", [])], ratings)


def case_sources(case: Case) -> dict[str, dict[str, Any]]:
    """The original sources the claims rest on, by key: name, kind, claims, and the rating an editor gave."""
    found: dict[str, dict[str, Any]] = {}
    for claim in case.claims:
        for s in (case.claim_details.get(claim.id) or {}).get("sources", []):
            entry = found.setdefault(s["key"], {"key": s["key"], "name": s["name"], "kind": s.get("kind"),
                                                "claims": []})
            entry["claims"].append(claim.id)
    for key, entry in found.items():
        rated = case.reliability.get(key) or {}
        entry["reliability"] = rated.get("rating", UNRATED)
        entry["reliability_label"] = RELIABILITY[entry["reliability"]]
        entry["rated_by"], entry["rated_at"] = rated.get("by"), rated.get("at")
    return dict(sorted(found.items(), key=lambda kv: (-len(kv[1]["claims"]), kv[1]["name"])))
