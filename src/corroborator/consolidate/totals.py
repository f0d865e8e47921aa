"""Totals: the case's answer to "how many?" per event kind, with the rule that chose it.

The rule is ACLED's: the most conservative credible figure, disputes noted. Claims of
one kind are overlapping counts of one crisis, never summed. Taken in time order,
each claim narrows the range the others allow ("more than 100" then "at least 200":
at least 200; "at least 3" and "as many as 56": 3 to 56). A later claim that excludes
the earlier range means the count moved (a toll that rose); claims that disagree
without a time order are a dispute, and the lower count is kept. ``best`` is the
lowest reported value inside the final range. Claims about a clearly earlier time
than the main claim (background such as "last year's attack killed nine") and
superseded claims their update contradicts are listed, not counted; so are claims
about a time well before the case's first report (another, earlier incident).

Injured: figures that only say who was hit by gunfire ("shot", "taken to a hospital")
count the killed and the injured together, so the injured total is the hit minus the
killed unless a stated injured count is larger: a later report that the victim died
moves them from injured to killed, and the note says which rule chose ``best``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from corroborator.consolidate._facts import BACKGROUND_SUFFIX, HIT_SUFFIX, INF, Fact, intersect, parse_period, phrase
from corroborator.consolidate.claims import ClaimSet
from corroborator.model import Claim
from corroborator.settings import DEFAULTS, TotalSettings

logger = logging.getLogger(__name__)

RULE = ("ACLED rule: the most conservative credible figure. Claims are overlapping counts, never summed; "
        "compatible claims narrow the range (of lower bounds the highest holds); a later count that excludes "
        "the earlier one replaces it; a dispute keeps the lower count; a later report by the same source "
        "supersedes its earlier one.")
HIT_RULE = ("Injured: victims reported hit by gunfire (shot, hospitalised) count the killed and the injured "
            "together, so the injured are the hit minus the killed (a later report that a victim died moves "
            "them from injured to killed); a larger stated injured count holds. " + RULE)


def compute_totals(claim_set: ClaimSet, settings: TotalSettings = DEFAULTS.totals) -> dict[str, dict[str, Any]]:
    """One total per event kind found.

    Args:
        claim_set: Claims with their details and facts (from :func:`build_claims`).
        settings: ``max_details``, the claims per event kind whose details and series
            points a total carries (the rest are in ``claim_details``).

    Returns:
        ``{event: {"best", "qualifier", "low", "high", "claims", "note", "rule", "citations",
        "sources", "disputed", "excluded", "series", "claims_detail"}}``.
    """
    by_event: dict[str, list[Claim]] = defaultdict(list)
    hit: list[Claim] = []
    for claim in claim_set.claims:
        family = str(claim_set.details[claim.id].get("family", ""))
        if claim.event == "injured" and HIT_SUFFIX in family:
            hit.append(claim)
        else:
            by_event[claim.event].append(claim)
    shown = settings.max_details
    totals = {event: _total(claims, claim_set, shown) for event, claims in by_event.items()}
    if hit:
        totals["injured"] = _injured(totals.get("injured"), _total(hit, claim_set, shown), totals.get("killed"))
    return totals


def _injured(stated: dict[str, Any] | None, hit: dict[str, Any], killed: dict[str, Any] | None) -> dict[str, Any]:
    """The injured total when some reports only say who was hit ("shot", "taken to a hospital").

    The hit count holds the killed and the injured together: a man "shot" in a first
    report who "died" in a later one is killed, not injured. So the survivors are the hit
    minus the killed; a stated injured count ("two others were wounded") holds when it
    is not smaller.
    """
    dead = killed["best"] if killed else 0
    survivors = max(hit["best"] - dead, 0)
    history = (f"hit by gunfire (shot or hospitalised, killed or not): {phrase(hit['best'], hit['qualifier'])} "
               f"({', '.join(hit['sources']) or 'no named source'}); killed: {dead}")
    if stated is not None and stated["best"] >= survivors:
        return dict(stated, claims=[*stated["claims"], *hit["claims"]],
                    note=f"{stated['note']} Rule: the stated injured count, not less than the hit minus the killed "
                         f"({history}).")
    result = dict(hit, best=survivors, rule=HIT_RULE, claims=[*hit["claims"], *(stated or {}).get("claims", [])])
    if survivors != hit["best"]:
        result["qualifier"] = "exact" if hit["qualifier"] == "exact" or survivors == 0 else hit["qualifier"]
    result["note"] = (f"best {survivors}: the hit minus the killed, since no report states a larger injured count "
                      f"({history}"
                      + (f"; stated injured: {stated['best']}" if stated is not None else "")
                      + f"). The hit count: {hit['note']}")
    return result


def _total(claims: list[Claim], cs: ClaimSet, max_details: int) -> dict[str, Any]:
    """The total of one event kind, with the details of at most ``max_details`` claims."""
    details = cs.details
    # Claims about a time well before the first report are other, earlier incidents.
    background = [c for c in claims if str(details[c.id].get("family", "")).endswith(BACKGROUND_SUFFIX)]
    if len(background) == len(claims):
        return _background_only(claims, cs, max_details)
    excluded: list[dict[str, str]] = [
        {"claim": c.id, "reason": f"about an earlier time ({details[c.id]['when']}) than the reports"}
        for c in background]
    counted = [c for c in claims if c not in background]
    live = [c for c in counted if c.status != "superseded"] or counted
    by_id = {c.id: c for c in claims}
    # Credible claims first (information credibility 1 before 6), then the best attested.
    main = max(live, key=lambda c: (-_rating(details[c.id]), c.independent_sources, len(_docs(c, cs)),
                                    details[c.id]["date"] or "", c.id))
    main_start = _start(details[main.id])
    considered: list[Claim] = []
    for c in counted:
        start, end = _start(details[c.id]), _end(details[c.id])
        newer = details[c.id]["superseded_by"]
        if c is not main and end and main_start and end < main_start[:4] + "-01-01":
            when = details[c.id]["when"]
            excluded.append({"claim": c.id, "reason": f"about an earlier time ({when}) than the main claim"})
        elif c.status == "superseded" and newer in by_id and not _compatible(c, by_id[newer], details):
            excluded.append({"claim": c.id, "reason": f"superseded by {newer}, which contradicts it"})
        else:
            considered.append(c)
    main_date = details[main.id]["date"] or ""
    current: tuple[float, float] | None = None
    current_date, moved, disputes, disputes_undated = "", [], [], False
    # Claims about different people or places ("soldiers" / "civilians") are parts of the total.
    parts = len({details[c.id].get("part") for c in considered} - {None}) > 1
    # Time order; at one date the main claim first, then dated claims, then undated ones (which are
    # placed at the main claim's date): the order never depends on the claims' ids.
    for c in sorted(considered, key=lambda c: (details[c.id]["date"] or main_date, c is not main,
                                               not details[c.id]["date"], c.id)):
        allows = _allows(c, details)
        if parts and details[c.id].get("part"):
            allows = (allows[0], INF)
        date = details[c.id]["date"] or main_date
        if current is None:
            current, current_date = allows, date
            continue
        narrowed = intersect([current, allows])
        if narrowed is not None:
            current = narrowed
        elif not details[c.id]["date"] and c is not main:
            excluded.append({"claim": c.id, "reason": f"undated {_range_phrase(allows)}, contradicts the main claim"})
            disputes_undated = True
            continue
        elif date > current_date:
            moved.append(f"{_range_phrase(current)} by {current_date[:10] or 'an earlier date'}, "
                         f"then {_range_phrase(allows)} ({c.id})")
            current = allows
        else:
            disputes.append(f"{_range_phrase(allows)} ({c.id}) against {_range_phrase(current)}")
            current = allows if allows[0] < current[0] else current
        current_date = max(current_date, date)
    counted = {e["claim"] for e in excluded}
    considered = [c for c in considered if c.id not in counted]
    facts = [cs.facts[fid] for c in considered for fid in c.figure_ids if fid in cs.facts]
    inside = [f for f in facts if current and current[0] <= f.figure.value <= current[1]]
    best = min((f.figure.value for f in inside), default=int(current[0]) if current else main.low)
    # A count of distinct people the report tells apart ("a boy ... a woman") is cited by its figures.
    best_facts = [f for f in inside if f.figure.value == best] or [f for f in facts if f.lo == best]
    qualifier = _qualifier(best_facts, current)
    sources = sorted({s["name"] for c in considered for s in details[c.id]["sources"]})
    # Large cases: the claims that decide the total, then the best attested; all are in claim_details.
    decisive = {c.id for c in considered}
    shown = sorted(claims, key=lambda c: (c.id not in decisive, -c.independent_sources, c.id))[:max_details]
    note = _note(best, qualifier, best_facts, sources, moved, disputes, excluded, len(considered), parts)
    rating = details[main.id].get("credibility")
    if rating:
        note += (f" The most credible claims are preferred: the main claim ({main.id}) is rated {rating['code']}, "
                 f"{rating['label']}.")
    return {
        "best": best, "qualifier": qualifier, "credibility": rating,
        "low": min((f.figure.value for f in facts), default=best),
        "high": max((f.figure.value for f in facts), default=best),
        "claims": [c.id for c in claims],
        "note": note, "rule": RULE,
        "citations": [_citation(f) for f in sorted(best_facts, key=lambda f: (f.prov.how == "copy", f.reported or "9999",
                                                                           f.figure.mention.doc_id, f.id))],
        "sources": sources,
        "disputed": bool(disputes) or disputes_undated or any(c.status == "conflicting" for c in considered),
        "moved": moved, "excluded": excluded,
        "series": series_points(shown, cs),
        "claims_detail": [dict(details[c.id], status=c.status, note=c.note, low=c.low, high=c.high,
                               independent_sources=c.independent_sources) for c in shown],
        "details_left_out": len(claims) - len(shown),
    }


def _background_only(claims: list[Claim], cs: ClaimSet, max_details: int) -> dict[str, Any]:
    """A total whose every claim is about a time well before the reports: nothing counted."""
    details = cs.details
    shown = claims[:max_details]
    excluded = [{"claim": c.id, "reason": f"about an earlier time ({details[c.id]['when']}) than the reports"}
                for c in claims]
    return {
        "best": 0, "qualifier": "exact", "low": 0, "high": 0, "claims": [c.id for c in claims],
        "note": "best 0: every claim is about a time well before the first report (an earlier incident), so "
                "none counts. Not counted: " + "; ".join(f"{e['claim']} ({e['reason']})" for e in excluded[:10]) + ".",
        "rule": RULE, "citations": [], "sources": [], "disputed": False, "moved": [], "excluded": excluded,
        "series": series_points(shown, cs),
        "claims_detail": [dict(details[c.id], status=c.status, note=c.note, low=c.low, high=c.high,
                               independent_sources=c.independent_sources) for c in shown],
        "details_left_out": len(claims) - len(shown),
    }


def series_points(claims: list[Claim], cs: ClaimSet) -> list[dict[str, Any]]:
    """How the figures of one event kind moved: one point per claim source, in date order."""
    points = []
    for c in claims:
        for s in cs.details[c.id]["sources"]:
            points.append({"date": s["date"], "value": s["value"], "qualifier": s["qualifier"], "said": s["said"],
                           "source": s["name"], "claim": c.id, "status": c.status, "figures": s["figures"],
                           "docs": s["docs"]})
    return sorted(points, key=lambda p: (p["date"] or "9999", p["claim"], p["source"]))


def _rating(detail: Mapping[str, Any]) -> int:
    """A claim's information credibility, 1 (confirmed) to 6 (cannot be judged)."""
    return int((detail.get("credibility") or {}).get("credibility", 6))


def _allows(c: Claim, details: Mapping[str, dict[str, Any]]) -> tuple[float, float]:
    """The range a claim allows; a conflicting claim spans its disagreement."""
    allows = details[c.id]["allows"]
    if allows is None:
        # Sources that only give a lower bound ("a man was killed") do not pull a dispute down.
        sources = details[c.id]["sources"]
        values = [s["value"] for s in sources if not s.get("open")] or [s["value"] for s in sources]
        return min(values), max(values)
    return allows[0], INF if allows[1] is None else allows[1]


def _compatible(c: Claim, newer: Claim, details: Mapping[str, dict[str, Any]]) -> bool:
    """True when a superseded claim's range fits the claim that updates it."""
    return intersect([_allows(c, details), _allows(newer, details)]) is not None


def _start(detail: Mapping[str, Any]) -> str:
    """First day of a claim's time, ISO, or ""."""
    period = parse_period((detail.get("when") or "").split("/")[0])
    return period[0].isoformat() if period else ""


def _end(detail: Mapping[str, Any]) -> str:
    """Last day of a claim's time, ISO, or ""."""
    when = detail.get("when") or ""
    period = parse_period(when.split("/")[-1])
    return period[1].isoformat() if period else ""


def _docs(c: Claim, cs: ClaimSet) -> set[str]:
    return {cs.facts[f].figure.mention.doc_id for f in c.figure_ids if f in cs.facts}


def _qualifier(best_facts: list[Fact], current: tuple[float, float] | None) -> str:
    """How the best figure is qualified: exact only if a source says exactly it and the range is closed."""
    qualifiers = {f.figure.qualifier for f in best_facts}
    if current is not None and current[1] == INF:
        return "more_than" if qualifiers == {"more_than"} else "at_least"
    if "exact" in qualifiers and current is not None and current[0] == current[1]:
        return "exact"
    return sorted(qualifiers)[0] if qualifiers else "at_least"


def _range_phrase(r: tuple[float, float]) -> str:
    """A range as words: "at least 200", "3 to 56", "4"."""
    if r[1] == INF:
        return f"at least {int(r[0])}"
    return f"{int(r[0])}" if r[0] == r[1] else f"{int(r[0])} to {int(r[1])}"


def _note(best: int, qualifier: str, best_facts: list[Fact], sources: list[str], moved: list[str],
          disputes: list[str], excluded: list[dict[str, str]], n: int, split: bool) -> str:
    """One line a researcher can check."""
    said_by = sorted({f.prov.source.name for f in best_facts})
    parts = [f"best {phrase(best, qualifier)}: the most conservative figure the credible claims allow"
             f" (from {', '.join(said_by) or 'the main claim'}; {n} claim(s), sources: {', '.join(sources)})"]
    if moved:
        parts.append("the count moved: " + "; ".join(moved))
    if split:
        parts.append("claims about different people or places are parts of the total: the largest holds")
    if disputes:
        parts.append("disputed: " + "; ".join(disputes) + "; the lower count is kept")
    if excluded:
        parts.append("not counted: " + "; ".join(f"{e['claim']} ({e['reason']})" for e in excluded))
    return ". ".join(parts) + "."


def _citation(f: Fact) -> dict[str, Any]:
    """A figure as a citation: its span, its figure id and its original source."""
    m = f.figure.mention
    return {"doc": m.doc_id, "start": m.start, "end": m.end, "text": m.text, "figure": m.id,
            "source": f.prov.source.name}
