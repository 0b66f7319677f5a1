"""Input widgets of the terminal UI, as pure state machines over key names.

A widget takes keys ("up", "enter", "space", "3", "x", ...) and answers with an action
("submit", "skip", "hint", "quit") or None; ``raw()`` is the raw response to hand to
``question.parse_response``. Nothing here touches the terminal, so the widgets are
tested without one and the terminal loop stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grader.bank.model import Question
from grader.report.markdown_term import plain_inline

Action = str | None


def digit(key: str) -> int | None:
    return int(key) if len(key) == 1 and key in "123456789" else None


@dataclass
class Option:
    key: Any  # canonical value: a choice key, True/False, a right item, an ordering item
    text: str  # plain text shown (Markdown and math already made readable)


@dataclass
class Widget:
    error: str = ""
    kind: str = ""

    def handle(self, key: str) -> Action:
        raise NotImplementedError

    def raw(self) -> Any:
        raise NotImplementedError

    def view(self) -> dict[str, Any]:
        raise NotImplementedError

    def common(self, key: str) -> Action:
        """Keys every list widget shares."""
        if key in ("?", "tab"):
            return "hint"
        if key == "s":
            return "skip"
        if key in ("q", "ctrl-d"):
            return "quit"
        return None


@dataclass
class ChoiceWidget(Widget):
    options: list[Option] = field(default_factory=list)
    multi: bool = False
    cursor: int = 0
    selected: set[int] = field(default_factory=set)
    kind: str = "choices"

    def handle(self, key: str) -> Action:
        self.error = ""
        n = digit(key)
        if key in ("up", "k"):
            self.cursor = (self.cursor - 1) % len(self.options)
        elif key in ("down", "j"):
            self.cursor = (self.cursor + 1) % len(self.options)
        elif n is not None and n <= len(self.options):
            self.cursor = n - 1
            if self.multi:
                self.selected ^= {n - 1}
        elif key == "space" and self.multi:
            self.selected ^= {self.cursor}
        elif key == "enter":
            if self.multi and not self.selected:
                self.error = "nothing selected: press space to tick a choice (s skips)"
                return None
            return "submit"
        else:
            return self.common(key)
        return None

    def raw(self) -> Any:
        if self.multi:
            return [self.options[i].key for i in sorted(self.selected)]
        return self.options[self.cursor].key

    def view(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "multi": self.multi,
            "options": [
                {
                    "label": str(i + 1),
                    "text": o.text,
                    "cursor": i == self.cursor,
                    "selected": i in self.selected,
                }
                for i, o in enumerate(self.options)
            ],
        }


@dataclass
class LineEditor:
    text: str = ""

    def edit(self, key: str) -> bool:
        """Apply an editing key; False if the key is not an edit."""
        if key == "backspace":
            self.text = self.text[:-1]
        elif key == "ctrl-u":
            self.text = ""
        elif key == "space":
            self.text += " "
        elif len(key) == 1 and key.isprintable():
            self.text += key
        else:
            return False
        return True


@dataclass
class InputWidget(Widget):
    label: str = "Your answer"
    editor: LineEditor = field(default_factory=LineEditor)
    kind: str = "input"

    def handle(self, key: str) -> Action:
        if self.editor.edit(key):
            self.error = ""
            return None
        if key == "enter":
            text = self.editor.text.strip()
            if text == "?":
                self.editor.text = ""
                return "hint"
            return "submit" if text else "skip"
        if key == "tab":
            return "hint"
        if key == "ctrl-d":
            return "quit"
        return None

    def raw(self) -> Any:
        return self.editor.text.strip()

    def view(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "text": self.editor.text}


@dataclass
class MatchingWidget(Widget):
    lefts: list[str] = field(default_factory=list)  # authored text (the response keys)
    rights: list[Option] = field(default_factory=list)  # display order
    chosen: dict[int, int] = field(default_factory=dict)  # left index -> right index
    cursor: int = 0
    kind: str = "matching"

    def handle(self, key: str) -> Action:
        self.error = ""
        n = digit(key)
        if key in ("up", "k"):
            self.cursor = (self.cursor - 1) % len(self.lefts)
        elif key in ("down", "j"):
            self.cursor = (self.cursor + 1) % len(self.lefts)
        elif n is not None and n <= len(self.rights):
            self.chosen[self.cursor] = n - 1
            self.cursor = min(self.cursor + 1, len(self.lefts) - 1)
        elif key == "enter":
            missing = len(self.lefts) - len(self.chosen)
            if missing:
                self.error = f"{missing} item(s) still unmatched: pick a number for each"
                return None
            return "submit"
        else:
            return self.common(key)
        return None

    def raw(self) -> Any:
        return {self.lefts[i]: self.rights[j].key for i, j in self.chosen.items()}

    def view(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "lefts": [
                {
                    "text": plain_inline(left),
                    "cursor": i == self.cursor,
                    "choice": (
                        f"{self.chosen[i] + 1}) {self.rights[self.chosen[i]].text}"
                        if i in self.chosen
                        else ""
                    ),
                }
                for i, left in enumerate(self.lefts)
            ],
            "rights": [{"label": str(i + 1), "text": r.text} for i, r in enumerate(self.rights)],
        }


@dataclass
class OrderingWidget(Widget):
    items: list[Option] = field(default_factory=list)  # current order
    cursor: int = 0
    grabbed: bool = False
    kind: str = "ordering"

    def handle(self, key: str) -> Action:
        self.error = ""
        step = {"up": -1, "k": -1, "down": 1, "j": 1}.get(key)
        if step is not None:
            target = self.cursor + step
            if 0 <= target < len(self.items):
                if self.grabbed:
                    items = self.items
                    items[self.cursor], items[target] = items[target], items[self.cursor]
                self.cursor = target
        elif key == "space":
            self.grabbed = not self.grabbed
        elif key == "enter":
            if self.grabbed:
                self.grabbed = False
                return None
            return "submit"
        else:
            return self.common(key)
        return None

    def raw(self) -> Any:
        return [o.key for o in self.items]

    def view(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "grabbed": self.grabbed,
            "options": [
                {
                    "label": str(i + 1),
                    "text": o.text,
                    "cursor": i == self.cursor,
                    "selected": self.grabbed and i == self.cursor,
                }
                for i, o in enumerate(self.items)
            ],
        }


@dataclass
class ClozeWidget(Widget):
    editors: list[LineEditor] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    cursor: int = 0
    kind: str = "cloze"

    def handle(self, key: str) -> Action:
        if self.editors[self.cursor].edit(key):
            self.error = ""
            return None
        if key == "up":
            self.cursor = max(0, self.cursor - 1)
        elif key in ("down", "tab"):
            self.cursor = min(len(self.editors) - 1, self.cursor + 1)
        elif key == "enter":
            if self.editors[self.cursor].text.strip() == "?":
                self.editors[self.cursor].text = ""
                return "hint"
            if self.cursor < len(self.editors) - 1:
                self.cursor += 1
                return None
            if not any(e.text.strip() for e in self.editors):
                return "skip"
            return "submit"
        elif key == "ctrl-d":
            return "quit"
        return None

    def raw(self) -> Any:
        return [e.text.strip() or None for e in self.editors]

    def view(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "blanks": [
                {
                    "label": f"[[{i + 1}]]",
                    "text": e.text,
                    "cursor": i == self.cursor,
                    "hint": "a number" if self.numeric[i] else "a word",
                }
                for i, e in enumerate(self.editors)
            ],
        }


def true_false_options() -> list[Option]:
    return [Option(True, "True"), Option(False, "False")]


def make_widget(question: Question, layout: list[str], previous: Any = None) -> Widget:
    """The widget for a question, showing options in ``layout`` order and any previous
    (canonical) response already filled in (exam review, resume)."""
    qtype = question.type
    if qtype in ("single", "multi"):
        by_key = {c.key: c for c in question.choices}  # type: ignore[attr-defined]
        options = [Option(k, plain_inline(by_key[k].text)) for k in layout]
        w = ChoiceWidget(options=options, multi=qtype == "multi")
        keys = [o.key for o in options]
        if qtype == "multi" and isinstance(previous, list):
            w.selected = {keys.index(k) for k in previous if k in keys}
        elif previous in keys:
            w.cursor = keys.index(previous)
        return w
    if qtype == "true_false":
        w = ChoiceWidget(options=true_false_options())
        w.cursor = 1 if previous is False else 0
        return w
    if qtype == "matching":
        lefts = [left for left, _ in question.pairs]  # type: ignore[attr-defined]
        rights = [Option(r, plain_inline(r)) for r in layout]
        mw = MatchingWidget(lefts=lefts, rights=rights)
        if isinstance(previous, dict):
            for i, left in enumerate(lefts):
                if previous.get(left) in layout:
                    mw.chosen[i] = layout.index(previous[left])
        return mw
    if qtype == "ordering":
        order = (
            previous
            if isinstance(previous, list) and sorted(previous) == sorted(layout)
            else layout
        )
        return OrderingWidget(items=[Option(t, plain_inline(t)) for t in order])
    if qtype == "cloze":
        from grader.bank.types._numbers import NumberAnswer

        blanks = question.blanks  # type: ignore[attr-defined]
        editors = [LineEditor() for _ in blanks]
        if isinstance(previous, list):
            for e, value in zip(editors, previous, strict=False):
                e.text = "" if value is None else _show(value)
        return ClozeWidget(editors=editors, numeric=[isinstance(b, NumberAnswer) for b in blanks])
    label = "Your answer (a number)" if qtype == "numeric" else "Your answer"
    iw = InputWidget(label=label)
    if previous is not None:
        iw.editor.text = _show(previous)
    return iw


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
