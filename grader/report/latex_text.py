"""LaTeX math -> readable Unicode text for the terminal: $\\frac{1}{4}$ -> 1/4, \\sigma -> σ.

Not a TeX engine: a small recursive reader for the math that question banks use
(fractions, powers, indices, roots, Greek letters, operators). Anything it does not
know is shown as written, minus the backslash, so nothing silently disappears.
"""

from __future__ import annotations

SYMBOLS: dict[str, str] = {
    # Greek
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "vartheta": "ϑ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    # operators and relations
    "cdot": "·",
    "times": "×",
    "div": "÷",
    "pm": "±",
    "mp": "∓",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "∼",
    "equiv": "≡",
    "propto": "∝",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "mapsto": "↦",
    "infty": "∞",
    "partial": "∂",
    "nabla": "∇",
    "sum": "Σ",
    "prod": "∏",
    "int": "∫",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "cup": "∪",
    "cap": "∩",
    "forall": "∀",
    "exists": "∃",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "circ": "∘",
    "ldots": "…",
    "cdots": "⋯",
    "dots": "…",
    "vdots": "⋮",
    "prime": "′",
    "ell": "ℓ",
    "lVert": "‖",
    "rVert": "‖",
    "|": "‖",
    "langle": "⟨",
    "rangle": "⟩",
    "top": "⊤",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "star": "⋆",
    "ast": "∗",
    "land": "∧",
    "lor": "∨",
    "neg": "¬",
    "emptyset": "∅",
    "setminus": "∖",
    # spacing and delimiters that only size things
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    "quad": "  ",
    "qquad": "   ",
    " ": " ",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "bigg": "",
    "Bigg": "",
    "{": "{",
    "}": "}",
    "_": "_",
    "%": "%",
    "$": "$",
    "#": "#",
    "&": "&",
    "displaystyle": "",
    "textstyle": "",
    "limits": "",
}
# Binary operators and relations get spaces around them, as TeX typesets them.
SPACED = {
    "cdot", "times", "div", "pm", "mp", "leq", "le", "geq", "ge", "neq", "ne", "approx",
    "sim", "equiv", "propto", "to", "rightarrow", "leftarrow", "Rightarrow", "mapsto", "in",
    "notin", "subset", "cup", "cap", "odot", "otimes", "oplus", "circ",
}  # fmt: skip
FUNCTIONS = {
    "sin", "cos", "tan", "exp", "log", "ln", "max", "min", "arg", "argmax", "argmin",
    "tanh", "sinh", "cosh", "det", "sup", "inf", "lim", "softmax", "Pr", "dim",
}  # fmt: skip
FONTS = {"mathbf", "mathrm", "mathit", "boldsymbol", "mathsf", "mathtt", "bm", "operatorname"}
TEXTS = {"text", "textrm", "textbf", "textit", "mbox"}
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼"}
SUPERSCRIPT = str.maketrans("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ")
SUBSCRIPT = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP_OK = set("0123456789+-=()niT")
_SUB_OK = set("0123456789+-=()aeijklmnoprstuvx")


SOFT = "\x00"  # a space the author typed in the math (see _spaces)
RELATIONS = set("=<>")  # typeset with space around them, whatever the author typed
OPENING = set("([{⟨⌊⌈")
CLOSING = set(")]}⟩⌋⌉")
FENCES = set("‖|")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def command(self) -> str:
        """Name after a backslash: letters, or one non-letter character."""
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isalpha():
            self.pos += 1
        if self.pos == start and self.pos < len(self.text):
            self.pos += 1
            return self.text[start : self.pos]
        name = self.text[start : self.pos]
        while self.peek() == " ":  # TeX ignores spaces after a command word
            self.pos += 1
        return name

    def group(self) -> str:
        """The next argument: a {group} or a single token, converted."""
        while self.peek() == " ":
            self.pos += 1
        if self.peek() == "{":
            self.pos += 1
            return self.until("}")
        if self.peek() == "\\":
            self.pos += 1
            return self.convert_command(self.command())
        ch = self.peek()
        self.pos += 1
        return ch

    def raw_group(self) -> str:
        """The next argument as raw text (for \\text{...})."""
        if self.peek() != "{":
            return self.group()
        depth, start = 0, self.pos
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            depth += ch == "{"
            depth -= ch == "}"
            self.pos += 1
            if depth == 0:
                break
        return self.text[start + 1 : self.pos - 1]

    def until(self, end: str) -> str:
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if end and ch == end:
                self.pos += 1
                break
            out.append(self.token())
        return "".join(out)

    def token(self) -> str:
        ch = self.text[self.pos]
        self.pos += 1
        if ch == "\\":
            return self.convert_command(self.command())
        if ch == "{":
            return self.until("}")
        if ch == "^":
            return script(self.group(), SUPERSCRIPT, _SUP_OK, "^")
        if ch == "_":
            return script(self.group(), SUBSCRIPT, _SUB_OK, "_")
        if ch == "'":
            return "′"
        if ch == "~":
            return " "
        if ch == " ":
            return SOFT  # TeX ignores spaces in math; kept as a hint unless next to a bracket
        if ch in RELATIONS:
            return f" {ch} "
        return ch

    def convert_command(self, name: str) -> str:
        if name == "frac" or name == "dfrac" or name == "tfrac":
            top, bottom = self.group(), self.group()
            return f"{wrap(top)}/{wrap(bottom)}"
        if name == "sqrt":
            return "√" + wrap(self.group())
        if name in FONTS:
            return self.group()
        if name in TEXTS:
            return self.raw_group()
        if name == "mathbb":
            inner = self.group()
            return BLACKBOARD.get(inner, inner)
        if name in ("hat", "bar", "tilde", "vec", "dot", "overline"):
            inner = self.group()
            mark = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7"}
            return inner + mark.get(name, "\u0307" if name == "dot" else "\u0305")
        if name in SYMBOLS:
            return f" {SYMBOLS[name]} " if name in SPACED else SYMBOLS[name]
        if name in FUNCTIONS:
            return name
        return name


def wrap(text: str) -> str:
    """Parenthesise a fraction part unless it is one simple token."""
    text = text.strip()
    simple = len(text) <= 1 or text.replace(".", "").isalnum() or text.isdigit()
    return text if simple else f"({text})"


def script(text: str, table: dict[int, int], ok: set[str], mark: str) -> str:
    compact = "".join(text.replace(SOFT, "").split())
    if compact and all(ch in ok for ch in compact):
        return compact.translate(table)
    text = _spaces(text)
    if len(text) == 1 or (text.startswith("(") and text.endswith(")")):
        return f"{mark}{text}"
    return f"{mark}({text})"


def latex_to_text(latex: str) -> str:
    """Readable Unicode for a LaTeX math snippet."""
    return _spaces(_Reader(latex.strip()).until(""))


def _spaces(text: str) -> str:
    """Resolve the author's spaces: none inside brackets or norms (``‖g ‖`` -> ``‖g‖``),
    one elsewhere; runs collapse."""
    out: list[str] = []
    fences = 0  # how many ‖/| seen: odd means the next one closes
    for i, ch in enumerate(text):
        if ch == SOFT:
            before = out[-1] if out else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            closing_fence = after in FENCES and fences % 2 == 1
            if before in OPENING or (before in FENCES and fences % 2 == 1):
                continue
            if after in CLOSING or closing_fence:
                continue
            out.append(" ")
            continue
        if ch in FENCES:
            fences += 1
        out.append(ch)
    return " ".join("".join(out).split())
