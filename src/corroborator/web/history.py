"""Review records as a reader may see them.

A review record keeps what the reviewer saw, in machine terms: machine ids, the
figure's own words, the characters selected in the machine text. For a reader who may
not see protected witnesses every record is shown through the redacted case instead:
ids become the ids that reader sees, names become pseudonyms, the target's words are
those of the redacted case, a selection moves into the redacted text (or is withheld
when it lies in a protected passage), and any text quoting protected testimony is
withheld.
"""

from __future__ import annotations

import logging
from typing import Any

from corroborator.witnesses import PSEUDONYM_RE
from corroborator.model import Mention
from corroborator.review import Review
from corroborator.web.guard import WITHHELD, quotes_testimony
from corroborator.web.state import View

logger = logging.getLogger(__name__)

KIND_OF = {"figure": "figures", "quote": "quotes", "claim": "claims", "entity": "entities", "document": "documents",
           "source": "sources"}
_HIDDEN_SELECTION = {"withheld": "the selection lies in a protected passage"}


def present_review(r: Review, view: View) -> dict[str, Any]:
    """A review record as this reader may see it (see the module docstring).

    Args:
        r: The stored record (machine ids and values).
        view: The reader's view; a revealing admin's view shows the record as stored.

    Returns:
        ``seq, at, user, action, kind, target, before, after, note``.
    """
    kind = KIND_OF[r.action.split(".")[0]]
    shown: dict[str, Any] = {"seq": r.seq, "at": r.at, "user": r.user, "action": r.action, "kind": kind}
    if not view.redacted:
        return shown | {"target": r.target, "before": r.before, "after": r.after, "note": r.note}
    p = _Redacted(view, kind, r.target)
    return shown | {"target": p.string(view.view_id(kind, r.target)), "before": p.values(r.before),
                    "after": p.values(r.after), "note": p.string(r.note)}


#: What the fields of review records are called on the page.
_FIELD_NAMES = {"attributed_to": "according to", "subject": "who is counted", "speaker_label": "speaker named",
                "mention_ids": "mentions", "into": "merged into", "undo": "undoes review"}


def _shown(value: Any) -> str:
    """A stored value as a reader reads it: nothing as "—", a selection as its words and characters."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if "text" in value and "start" in value:
            return f"“{value['text']}” (characters {value['start']}–{value.get('end')})"
        if "withheld" in value:
            return str(value["withheld"])
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value)
    text = str(value)
    return text.replace("_", " ") if text.isidentifier() else text


def change_lines(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, str]]:
    """A review record's change as readable lines: ``{field, before, after}``, "value: 3 → 4".

    Fields the action set are listed with what they were before (unchanged ones are left
    out); an action that sets nothing (confirm, reject, lock) lists nothing.
    """
    before, after = before or {}, after or {}
    lines = []
    for key, value in after.items():
        old = before.get(key)
        if key in before and old == value:
            continue
        lines.append({"field": _FIELD_NAMES.get(key, key.replace("_", " ")),
                      "before": _shown(old) if key in before else "", "after": _shown(value)})
    return lines


class _Redacted:
    """Presents the values of one review record through the redacted case."""

    def __init__(self, view: View, kind: str, target: str):
        self.view, self.kind, self.target = view, kind, target
        self.scrub = view.witnesses().scrub
        self.ids = view.from_raw
        self.mention: Mention | None = view.raw.mentions.get(target) if kind in ("figures", "quotes") else None

    def values(self, values: dict[str, Any]) -> dict[str, Any]:
        """A ``before`` or ``after`` dict."""
        if self.kind == "documents" and "start" in values:
            return self.mark(values)
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key == "text" and self.kind == "figures":
                out[key] = self.target_text()
            elif key == "evidence":
                out[key] = self.selection(value)
            elif key == "speaker_label" and self.kind == "quotes":
                out[key] = self.view.witnesses().quotes.get(self.target) or self.value(value)
            elif key == "name" and self.kind == "entities":
                pseudonym = self.view.witnesses().entities.get(str(values.get("id") or self.target))
                out[key] = pseudonym or self.value(value)
            else:
                out[key] = self.value(value)
        return out

    def mark(self, values: dict[str, Any]) -> dict[str, Any]:
        """A mark of identifying text: the words are the witness's pseudonym, the span where it now stands."""
        label = str(values.get("label") or "")
        out: dict[str, Any] = {"text": label if PSEUDONYM_RE.fullmatch(label) else WITHHELD,
                               "label": self.string(label),
                               "witness": self.string(str(values.get("witness") or "")),
                               "witness_kind": self.string(str(values.get("witness_kind") or ""))}
        doc_id = self.view.view_id("documents", self.target)
        text_map, raw_text = self.view.text_map(doc_id), self.raw_text(self.target)
        try:
            start, end = int(values["start"]), int(values["end"])
        except (KeyError, TypeError, ValueError):
            return out
        if text_map is not None and raw_text is not None and 0 <= start < end <= len(raw_text):
            out["start"], out["end"] = text_map.map_span(start, end)
        return out

    def raw_text(self, raw_doc: str) -> str | None:
        """The machine text of a document, by its machine id."""
        texts: dict[str, str] = self.view.cached("raw_texts", lambda: {d.id: d.text for d in self.view.raw.documents})
        return texts.get(raw_doc)

    def value(self, v: Any) -> Any:
        """Any stored value: strings through :meth:`string`, containers recursively."""
        if isinstance(v, str):
            return self.string(v)
        if isinstance(v, dict):
            return {self.string(k): self.value(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [self.value(x) for x in v]
        return v

    def string(self, v: str) -> str:
        """A machine id as the reader's id; other text with names replaced, or withheld if it quotes testimony."""
        for ids in self.ids.values():
            if v in ids:
                return ids[v]
        v = self.scrub(v)
        return WITHHELD if quotes_testimony(self.view, v) else v

    def target_text(self) -> str:
        """The figure's words as the redacted case shows them."""
        shown_id = self.ids.get("figures", {}).get(self.target)
        figure = self.view.figures.get(shown_id) if shown_id else None
        if figure is not None:
            return figure.mention.text
        # A rejected figure (or one dropped as testimony) is not shown; its span says where it was.
        m = self.mention
        found = self.shown_span(m.doc_id, m.start, m.end) if m is not None else None
        return found[3] if found else WITHHELD

    def selection(self, ev: Any) -> Any:
        """Selected characters moved into the redacted text, or withheld if any of them was replaced."""
        if ev is None:
            return None
        if not isinstance(ev, dict):
            return _HIDDEN_SELECTION
        doc = ev.get("doc") or (self.mention.doc_id if self.mention is not None else None)
        try:
            found = self.shown_span(str(doc), int(ev["start"]), int(ev["end"])) if doc else None
        except (KeyError, TypeError, ValueError):
            found = None
        if found is None:
            return _HIDDEN_SELECTION
        doc_id, start, end, text = found
        return {"doc": doc_id, "start": start, "end": end, "text": self.string(text)}

    def shown_span(self, raw_doc: str, start: int, end: int) -> tuple[str, int, int, str] | None:
        """``(doc, start, end, text)`` in the redacted case of a machine span left untouched by redaction."""
        doc_id = self.view.view_id("documents", raw_doc)
        text_map, raw_text = self.view.text_map(doc_id), self.raw_text(raw_doc)
        if text_map is None or raw_text is None or end > len(raw_text):
            return None
        found = text_map.to_shown(start, end)
        if found is None:
            return None
        return doc_id, found[0], found[1], self.view.docs[doc_id].text[found[0]:found[1]]
