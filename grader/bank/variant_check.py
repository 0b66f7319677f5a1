"""`grader quiz check` on parametrized questions: draw many variants and report the bad ones.

A variant is bad when an expression fails (division by zero, log of a negative, ...), its
answer is not a finite number, two of its choices read the same once formatted, or a wrong
choice's number lies within 1 % of the right one's (a student could not tell them apart).
Each problem is reported once, at its line, with the first variant that shows it and how
many of the sampled variants do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from grader.bank.model import Bank, Question
from grader.bank.params import Template, format_value, make_variant
from grader.errors import Problem, ValidationFailed

NEAR = 0.01  # relative distance under which two numeric choices are "the same"
_NUMBER = re.compile(r"^\$?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*\$?$")


@dataclass
class _Seen:
    problem: Problem
    count: int = 1


def check_variants(bank: Bank, samples: int) -> tuple[list[Problem], int]:
    """Problems over the first ``samples`` variants, and how many variants were drawn."""
    seen: dict[tuple[int | None, int | None, str], _Seen] = {}
    count = min(samples, bank.variants)
    for question in bank.questions:
        template = question.params
        if template is None:
            continue
        for variant in range(count):
            for problem in _variant_problems(template, bank.seed, variant, question.id):
                # One report per place: the first variant that fails there, and a count.
                key = (problem.line, problem.column, problem.path)
                if key in seen:
                    seen[key].count += 1
                else:
                    seen[key] = _Seen(problem)
    out = []
    for s in seen.values():
        p = s.problem
        more = f" — in {s.count} of {count} variants" if s.count > 1 else ""
        out.append(Problem(p.file, p.line, p.column, p.path, p.message + more))
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0)), count


def _variant_problems(template: Template, seed: int, variant: int, qid: str) -> list[Problem]:
    try:
        question = make_variant(template, seed, variant, qid)
    except ValidationFailed as exc:
        return exc.problems
    return _choice_problems(question, template, variant)


def _choice_problems(question: Question, template: Template, variant: int) -> list[Problem]:
    choices = getattr(question, "choices", None)
    if not choices:
        return []
    nodes = _choice_nodes(template.node)
    shown = ", ".join(
        f"{k}={format_value(v, '', math_mode=False)}" for k, v in question.values.items()
    )
    suffix = f" (variant {variant}; {shown})"
    problems = []

    def at(index: int, message: str) -> None:
        node = nodes[index] if index < len(nodes) else template.node
        problems.append(
            Problem(
                template.file,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                f"{template.path}.choices[{index}]",
                message + suffix,
            )
        )

    texts = [" ".join(c.text.split()) for c in choices]
    for i, text in enumerate(texts):
        if text in texts[:i]:
            at(i, f"choices {texts.index(text) + 1} and {i + 1} both read '{text}'")
    numbers = [_as_number(t) for t in texts]
    for i, c in enumerate(choices):
        if c.correct or numbers[i] is None or texts[i] in texts[:i]:
            continue
        for j, right in enumerate(choices):
            value, target = numbers[i], numbers[j]
            if (
                right.correct
                and value is not None
                and target is not None
                and abs(value - target) <= NEAR * max(abs(target), 1e-300)
            ):
                at(i, f"the wrong choice '{texts[i]}' is within 1 % of the right one '{texts[j]}'")
    return problems


def _as_number(text: str) -> float | None:
    cleaned = text.replace("\\times 10^{", "e").replace("}", "").replace(" ", "")
    m = _NUMBER.match(cleaned)
    return float(m.group(1)) if m else None


def _choice_nodes(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == "choices" and isinstance(v, yaml.SequenceNode):
                return list(v.value)
    return []
