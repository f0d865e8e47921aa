"""A small hand-built case for the web, review and search tests (no spaCy, no build).

Three reports: two about arrests in Riverton (40 vs 56 detained, one protected witness
"Karim"), and one hostile article whose title, text, quote and entity carry markup. With
``testimony=True`` a fourth report holds a figure inside a protected witness's quote.
"""

from __future__ import annotations

from pathlib import Path

from corroborator.model import (
    Claim,
    Document,
    Entity,
    Event,
    Extraction,
    Figure,
    Mention,
    NoiseSpan,
    ProtectedPerson,
    Quote,
    mention_id,
)
from corroborator.store import open_case

DOC_A = (
    "Police detain dozens after Riverton protest\n"
    "Police in Riverton detained at least 40 protesters on Wednesday, the Riverton Human Rights Centre said.\n"
    "\"We were taken at night and nobody told us why,\" said Karim*, a student who was held for two days.\n"
    "Interior minister Paul Grant denied that anyone had been mistreated. "
    "\"These are lies spread by foreign agents,\" Grant said.\n"
    "*Name changed to protect his identity.\n"
    "Read more: Mayor promises inquiry into arrests\n"
)
DOC_B = (
    "Riverton arrests rise to 56\n"
    "As many as 56 people were detained in Riverton last week, according to the Riverton Human Rights Centre. "
    "Two protesters were injured.\n"
    "Grant told reporters the police acted lawfully.\n"
)
HOSTILE_TITLE = "<script>alert('title')</script>Flood toll"
DOC_C = (
    "Flood toll rises <script>alert(\"x\")</script> in Eastvale\n"
    "At least 23 people have been killed <img src=x onerror=alert(1)> in floods, officials said.\n"
    "\"The river came <script>alert('q')</script> into the house,\" said Ana Torres.\n"
)
DOC_D = (
    "Former detainees describe Riverton jail\n"
    "\"They held 30 of us in one cell and beat us with pipes every night,\" said Timur, "
    "who asked that his surname not be published.\n"
    "The Riverton Human Rights Centre said at least 30 people were held in the jail.\n"
)
#: What a reader who may not see protected witnesses must never be shown of DOC_D.
TESTIMONY = ("held 30 of us", "beat us with pipes", "Timur")
IDS = {"a": "a" * 64, "b": "b" * 64, "c": "c" * 64, "d": "d" * 64}


def _m(doc_id: str, text: str, needle: str, kind: str, extractor: str, attrs: dict | None = None,
       nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    end = start + len(needle)
    return Mention(mention_id(doc_id, kind, start, end), doc_id, start, end, kind, extractor, needle, attrs or {})


def _ent(doc_id: str, text: str, needle: str, label: str, nth: int = 0) -> Mention:
    return _m(doc_id, text, needle, "entity", "entities.test.v1", {"label": label}, nth)


def _line(text: str, needle: str, kind: str) -> NoiseSpan:
    start = text.index(needle)
    return NoiseSpan(start, text.index("\n", start), kind)


def _testimony_case() -> tuple[Extraction, list[Entity], dict[str, str]]:
    """The fourth report: a protected witness whose quote holds a figure."""
    d = IDS["d"]
    timur = _ent(d, DOC_D, "Timur", "PERSON")
    rhrc = _ent(d, DOC_D, "Riverton Human Rights Centre", "ORG")
    inside = Figure(_m(d, DOC_D, "held 30 of us in one cell", "figure", "figures.test.v1"), "detained", 30, "exact",
                    "detainees", "Timur", None)
    outside = Figure(_m(d, DOC_D, "at least 30 people were held", "figure", "figures.test.v1"), "detained", 30,
                     "at_least", "people", "Riverton Human Rights Centre", None)
    said = _m(d, DOC_D, "They held 30 of us in one cell and beat us with pipes every night,", "quote", "quotes.test.v1")
    q_timur = Quote(said, speaker_label="Timur", speaker_mention_id=timur.id, speaker="ent-timur", protected=True)
    asked = _m(d, DOC_D, "asked that his surname not be published", "protected", "protected.test.v1")
    doc = Document(d, "d.txt", d, "text/plain", DOC_D, title="Former detainees describe Riverton jail",
                   outlet="Northern Herald", published="2021-03-10",
                   noise=(_line(DOC_D, "Former detainees", "headline"),))
    extraction = Extraction(doc, mentions=[timur, rhrc], quotes=[q_timur], figures=[inside, outside],
                            protected=[ProtectedPerson(d, "Timur", ("Timur",), asked)])
    entity = Entity("ent-timur", "Timur", "PERSON", (), (timur.id,), protected=True)
    return extraction, [entity], {"doc_d": d, "f_inside": inside.mention.id, "f_outside": outside.mention.id,
                                  "q_timur": said.id, "rhrc_d_mention": rhrc.id}


def build_case(path: Path, *, testimony: bool = False) -> dict[str, str]:
    """Write the case file at ``path``; return the ids tests need.

    Args:
        path: Where to write the case file.
        testimony: Add the fourth report (a figure inside a protected quote).
    """
    a, b, c = IDS["a"], IDS["b"], IDS["c"]
    ents = {
        "a_riverton": _ent(a, DOC_A, "Riverton", "GPE", 1),
        "a_rhrc": _ent(a, DOC_A, "Riverton Human Rights Centre", "ORG"),
        "a_karim": _ent(a, DOC_A, "Karim", "PERSON"),
        "a_paul": _ent(a, DOC_A, "Paul Grant", "PERSON"),
        "a_grant": _ent(a, DOC_A, "Grant", "PERSON", 1),
        "b_riverton": _ent(b, DOC_B, "Riverton", "GPE", 1),
        "b_rhrc": _ent(b, DOC_B, "Riverton Human Rights Centre", "ORG"),
        "b_grant": _ent(b, DOC_B, "Grant", "PERSON"),
        "c_ana": _ent(c, DOC_C, "Ana Torres", "PERSON"),
        "c_evil": _ent(c, DOC_C, "<img src=x onerror=alert(1)>", "ORG"),
    }
    f40 = Figure(_m(a, DOC_A, "detained at least 40 protesters", "figure", "figures.test.v1"), "detained", 40,
                 "at_least", "protesters", "Riverton Human Rights Centre", "2021-03-03")
    f56 = Figure(_m(b, DOC_B, "As many as 56 people were detained", "figure", "figures.test.v1"), "detained", 56,
                 "at_most", "people", "Riverton Human Rights Centre", "2021-03")
    f2 = Figure(_m(b, DOC_B, "Two protesters were injured", "figure", "figures.test.v1"), "injured", 2, "exact",
                "protesters", None, None)
    f23 = Figure(_m(c, DOC_C, "At least 23 people have been killed", "figure", "figures.test.v1"), "killed", 23,
                 "at_least", "people", "officials", None)
    q_karim = Quote(_m(a, DOC_A, "We were taken at night and nobody told us why,", "quote", "quotes.test.v1"),
                    speaker_label="Karim", speaker_mention_id=ents["a_karim"].id, speaker="ent-karim", protected=True)
    q_grant = Quote(_m(a, DOC_A, "These are lies spread by foreign agents,", "quote", "quotes.test.v1"),
                    speaker_label="Grant", speaker_mention_id=ents["a_grant"].id, speaker="ent-paul")
    q_ana = Quote(_m(c, DOC_C, "The river came <script>alert('q')</script> into the house,", "quote",
                     "quotes.test.v1"), speaker_label="Ana Torres", speaker_mention_id=ents["c_ana"].id,
                  speaker="ent-ana")
    date_a = _m(a, DOC_A, "Wednesday", "date", "dates.test.v1", {"value": "2021-03-03"})
    footer = _m(a, DOC_A, "*Name changed to protect his identity.", "protected", "protected.test.v1")
    docs = [
        Document(a, "a.txt", a, "text/plain", DOC_A, title="Police detain dozens after Riverton protest",
                 outlet="Northern Herald", published="2021-03-04",
                 noise=(_line(DOC_A, "Police detain dozens", "headline"), _line(DOC_A, "*Name changed", "footer"),
                        _line(DOC_A, "Read more:", "teaser"))),
        Document(b, "b.txt", b, "text/plain", DOC_B, title="Riverton arrests rise to 56", outlet="Wire Service",
                 published="2021-03-08", noise=(_line(DOC_B, "Riverton arrests rise", "headline"),)),
        Document(c, "c.html", c, "text/html", DOC_C, title=HOSTILE_TITLE, outlet="<b>Evil</b> Daily",
                 published="2022-09-14", url="javascript:alert('url')"),
    ]
    extractions = [
        Extraction(docs[0], mentions=[*(m for k, m in ents.items() if k.startswith("a_")), date_a],
                   quotes=[q_karim, q_grant], figures=[f40],
                   events=[Event("ev-a", a, "2021-03-03", "day", "Police in Riverton detained at least 40 protesters",
                                 (f40.mention.id,))],
                   protected=[ProtectedPerson(a, "Karim", ("Karim",), footer)]),
        Extraction(docs[1], mentions=[m for k, m in ents.items() if k.startswith("b_")], figures=[f56, f2],
                   events=[Event("ev-b", b, "2021-03", "month", "As many as 56 people were detained",
                                 (f56.mention.id,))]),
        Extraction(docs[2], mentions=[m for k, m in ents.items() if k.startswith("c_")], quotes=[q_ana],
                   figures=[f23]),
    ]
    entities = [
        Entity("ent-ana", "Ana Torres", "PERSON", (), (ents["c_ana"].id,)),
        Entity("ent-evil", "<img src=x onerror=alert(1)>", "ORG", (), (ents["c_evil"].id,)),
        Entity("ent-grant", "Grant", "PERSON", (), (ents["b_grant"].id,)),
        Entity("ent-karim", "Karim", "PERSON", (), (ents["a_karim"].id,), protected=True),
        Entity("ent-paul", "Paul Grant", "PERSON", ("Grant",), (ents["a_paul"].id, ents["a_grant"].id)),
        Entity("ent-rhrc", "Riverton Human Rights Centre", "ORG", (), (ents["a_rhrc"].id, ents["b_rhrc"].id)),
        Entity("ent-riverton", "Riverton", "GPE", (), (ents["a_riverton"].id, ents["b_riverton"].id)),
    ]
    claims = [
        Claim("claim-detained", "detained", 40, 56, (f40.mention.id, f56.mention.id), 1, "conflicting",
              "Both figures come from the Riverton Human Rights Centre."),
        Claim("claim-injured", "injured", 2, 2, (f2.mention.id,), 1, "single_source"),
        Claim("claim-killed", "killed", 23, 23, (f23.mention.id,), 1, "single_source"),
    ]
    totals = {
        "detained": {"best": 40, "low": 40, "high": 56, "claims": ["claim-detained"],
                     "note": "The most conservative credible figure."},
        "injured": {"best": 2, "low": 2, "high": 2, "claims": ["claim-injured"], "note": "One source."},
        "killed": {"best": 23, "low": 23, "high": 23, "claims": ["claim-killed"], "note": "One source."},
    }
    speakers = {q.mention.id: q.speaker for q in (q_karim, q_grant, q_ana)}
    extra: dict[str, str] = {}
    if testimony:
        extraction, more, extra = _testimony_case()
        extractions.append(extraction)
        entities = sorted([*entities, *more], key=lambda e: e.id)
        speakers |= {q.mention.id: q.speaker for q in extraction.quotes}
    with open_case(path, create=True) as store:
        store.add_extractions(extractions)
        store.replace_consolidated(entities, speakers, claims, totals)
    return extra | {"doc_a": a, "doc_b": b, "doc_c": c, "f40": f40.mention.id, "f56": f56.mention.id,
            "f2": f2.mention.id, "f23": f23.mention.id, "q_karim": q_karim.mention.id,
            "q_grant": q_grant.mention.id, "q_ana": q_ana.mention.id, "grant_b_mention": ents["b_grant"].id,
            "paul_grant_mention": ents["a_grant"].id}


PASSWORD = "correct horse battery"


def make_app(tmp_path: Path, *, testimony: bool = False, **settings: object) -> tuple[object, dict[str, str], str]:
    """A case with users ``vic`` (viewer), ``edna`` and ``ed2`` (editors), ``ada`` (admin).

    ``testimony`` adds the fourth report (see :func:`build_case`).

    Returns:
        The app, the ids of :func:`build_case`, and ada's TOTP secret.
    """
    from corroborator.review import accounts
    from corroborator.web import Settings, create_app

    case = tmp_path / "case.duckdb"
    ids = build_case(case, testimony=testimony)
    with open_case(case) as store:
        accounts.add_user(store, "vic", "viewer", PASSWORD)
        accounts.add_user(store, "edna", "editor", PASSWORD)
        accounts.add_user(store, "ed2", "editor", PASSWORD)
        _, secret = accounts.add_user(store, "ada", "admin", PASSWORD)
    # The file stays open between requests (as in a busy server); tests that read it call db.close() first.
    options = {"idle_close": 60.0} | settings
    app = create_app(case, settings=Settings(**options))  # type: ignore[arg-type]
    return app, ids, str(secret)


def login(client: object, name: str, password: str = PASSWORD, totp: str | None = None, *,
          follow: bool = False) -> object:
    """Log ``client`` in through the form (fetching the login token first); return the response."""
    client.get("/login")  # type: ignore[attr-defined]
    token = client.cookies.get("corroborator_login")  # type: ignore[attr-defined]
    data = {"name": name, "password": password, "csrf_token": token or "", "next": "/"}
    if totp is not None:
        data["totp"] = totp
    return client.post("/login", data=data, follow_redirects=follow)  # type: ignore[attr-defined]


def csrf(client: object) -> str:
    """The CSRF token of the client's session."""
    return str(client.get("/api/v1/csrf").json()["csrf_token"])  # type: ignore[attr-defined]
