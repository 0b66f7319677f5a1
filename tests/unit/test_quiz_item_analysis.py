"""Item analysis on simulated cohorts from a two-parameter logistic item-response model.

Each simulated student has an ability theta ~ N(0, 1); question j is answered right with
probability sigmoid(a_j * (theta - b_j)), and a wrong answer falls on a distractor with
fixed weights. Three items are planted bad: one with negative discrimination (a < 0), one
with a distractor of weight 0 (nobody can pick it), one far too easy (b = -5). Every
statistic is recomputed here with numpy straight from its textbook formula and must agree
with ``grader.quiz.stats``; each planted item must carry its flag and no good item may.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from grader.bank import load_bank_text
from grader.bank.model import Bank
from grader.quiz.scoring import build_result
from grader.quiz.stats import Analysis, analyse

N_STUDENTS = 450
SEED = 20261202

# id -> (a, b, distractor weights for B, C, D); the correct choice is A.
GOOD = {
    f"good-{j}": (a, b, (1.0, 1.0, 1.0))
    for j, (a, b) in enumerate(
        [(1.6, -1.0), (1.2, -0.5), (2.0, 0.0), (1.4, 0.4), (1.8, 0.8), (1.0, -0.2), (1.5, 1.2)]
    )
}
PLANTED = {
    "negative": (-1.5, 0.0, (1.0, 1.0, 1.0)),
    "dead-distractor": (1.5, -0.3, (1.0, 1.0, 0.0)),
    "too-easy": (1.0, -5.0, (1.0, 1.0, 1.0)),
}
ITEMS = {**GOOD, **PLANTED}


def bank_yaml(extra: str = "") -> str:
    lines = ["id: irt", "title: Simulated cohort", "questions:"]
    for qid in ITEMS:
        lines += [
            f"  - id: {qid}",
            "    type: single",
            f"    prompt: Question {qid}?",
            "    choices:",
        ]
        for letter in "ABCD":
            lines += [
                f"      - text: answer {letter}",
                f"        correct: {str(letter == 'A').lower()}",
            ]
    return "\n".join(lines) + "\n" + extra


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def simulate(bank: Bank, rng: np.random.Generator, n: int = N_STUDENTS) -> list[dict[str, Any]]:
    theta = rng.standard_normal(n)
    results = []
    for s in range(n):
        responses: dict[str, Any] = {}
        for qid, (a, b, weights) in ITEMS.items():
            if rng.random() < sigmoid(np.array(a * (theta[s] - b))):
                responses[qid] = "A"
            else:
                w = np.array(weights) / sum(weights)
                responses[qid] = "BCD"[rng.choice(3, p=w)]
        for q in bank.questions:  # the partial-credit item of the mixed bank
            if q.type == "multi":
                k = int(np.clip(round(1.5 + theta[s] + rng.normal(0, 0.7)), 0, 3))
                responses[q.id] = ["r1", "r2", "r3"][:k] if k else []
        result = build_result(
            bank, bank.questions, responses, student=f"s{s}", duration_s=0.0
        ).to_json()
        results.append(result)
    return results


@pytest.fixture(scope="module")
def cohort() -> tuple[Bank, list[dict[str, Any]], Analysis]:
    bank = load_bank_text(bank_yaml(), name="irt.yaml")
    results = simulate(bank, np.random.default_rng(SEED))
    return bank, results, analyse(bank, results)


def matrix(bank: Bank, results: list[dict[str, Any]]) -> np.ndarray:
    """Scores in points, attempts x questions, in bank order."""
    return np.array(
        [[{t["id"]: t["score"] for t in r["tests"]}[q.id] for q in bank.questions] for r in results]
    )


# -- the reference formulas, written from the textbook, in numpy -----------------------------


def ref_skew(x: np.ndarray) -> float:
    n = len(x)
    m2, m3 = np.mean((x - x.mean()) ** 2), np.mean((x - x.mean()) ** 3)
    return float(math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def ref_kurt(x: np.ndarray) -> float:
    n = len(x)
    m2, m4 = np.mean((x - x.mean()) ** 2), np.mean((x - x.mean()) ** 4)
    g2 = m4 / m2**2 - 3
    return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6))


def ref_kr20(x: np.ndarray, points: np.ndarray) -> float:
    k = x.shape[1]
    p = (x / points).mean(axis=0)
    return float(k / (k - 1) * (1 - np.sum(p * (1 - p) * points**2) / x.sum(axis=1).var()))


def ref_alpha(x: np.ndarray) -> float:
    k = x.shape[1]
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1)))


def test_test_level_statistics(cohort: tuple[Bank, list[dict[str, Any]], Analysis]) -> None:
    bank, results, analysis = cohort
    x = matrix(bank, results)
    total = x.sum(axis=1)
    t = analysis.test
    assert t is not None and t.n == N_STUDENTS == t.complete
    assert t.mean == pytest.approx(total.mean())
    assert t.median == pytest.approx(float(np.median(total)))
    assert t.sd == pytest.approx(total.std(ddof=1))
    assert t.skewness == pytest.approx(ref_skew(total))
    assert t.kurtosis == pytest.approx(ref_kurt(total))
    points = np.array([q.points for q in bank.questions])
    assert t.reliability_method == "KR-20"
    assert t.reliability == pytest.approx(ref_kr20(x, points))
    assert t.error_ratio == pytest.approx(math.sqrt(1 - ref_kr20(x, points)))
    assert t.sem == pytest.approx(total.std(ddof=1) * math.sqrt(1 - ref_kr20(x, points)))
    assert 0.4 < t.reliability < 0.95  # a coherent simulated test, not a degenerate one


def test_question_level_statistics(cohort: tuple[Bank, list[dict[str, Any]], Analysis]) -> None:
    bank, results, analysis = cohort
    x = matrix(bank, results)
    total = x.sum(axis=1)
    points = np.array([q.points for q in bank.questions])
    frac = x / points
    covs = np.array([np.cov(x[:, j], total)[0, 1] for j in range(x.shape[1])])
    roots = np.sqrt(np.clip(covs, 0, None))
    order = np.argsort(total, kind="stable")
    k27 = round(0.27 * len(total))
    for j, item in enumerate(analysis.items):
        f, rest = frac[:, j], total - x[:, j]
        assert item.n == N_STUDENTS
        assert item.facility == pytest.approx(f.mean()) == item.difficulty
        assert item.sd == pytest.approx(f.std(ddof=1))
        assert item.discrimination == pytest.approx(np.corrcoef(f, rest)[0, 1])
        assert item.upper_lower == pytest.approx(f[order[-k27:]].mean() - f[order[:k27]].mean())
        best = np.cov(np.sort(f), np.sort(rest))[0, 1]
        assert item.discriminative_efficiency == pytest.approx(np.cov(f, rest)[0, 1] / best)
        assert item.intended_weight == pytest.approx(points[j] / points.sum())
        expected_ew = roots[j] / roots.sum() if covs[j] >= 0 else None
        assert item.effective_weight == pytest.approx(expected_ew)
        others = np.delete(x, j, axis=1)
        assert item.alpha_if_deleted == pytest.approx(ref_kr20(others, np.delete(points, j)))


def test_choice_statistics(cohort: tuple[Bank, list[dict[str, Any]], Analysis]) -> None:
    bank, results, analysis = cohort
    total = matrix(bank, results).sum(axis=1)
    third = len(total) // 3
    order = np.argsort(total, kind="stable")
    bottom, top = order[:third], order[-third:]
    for item in analysis.items:
        picked = np.array([{t["id"]: t["response"] for t in r["tests"]}[item.id] for r in results])
        assert [c.key for c in item.choices] == ["A", "B", "C", "D"]
        for c in item.choices:
            mask = picked == c.key
            assert c.correct == (c.key == "A")
            assert c.chosen == int(mask.sum())
            assert c.share == pytest.approx(mask.mean())
            assert c.top_share == pytest.approx(mask[top].mean())
            assert c.bottom_share == pytest.approx(mask[bottom].mean())


def expected_facility(a: float, b: float) -> float:
    """P(right) under the model, integrated over theta ~ N(0, 1)."""
    grid = np.linspace(-8, 8, 4001)
    density = np.exp(-(grid**2) / 2) / math.sqrt(2 * math.pi)
    return float(np.trapezoid(sigmoid(a * (grid - b)) * density, grid))


def test_the_model_parameters_show_through(
    cohort: tuple[Bank, list[dict[str, Any]], Analysis],
) -> None:
    _, _, analysis = cohort
    for item in analysis.items:
        a, b, _ = ITEMS[item.id]
        p = expected_facility(a, b)
        se = math.sqrt(p * (1 - p) / N_STUDENTS)
        assert item.facility == pytest.approx(p, abs=4 * se + 1e-3), item.id
        assert item.discrimination is not None
        assert (item.discrimination > 0.15) == (a > 0 and b > -3), item.id


def test_each_planted_item_carries_its_flag_and_good_items_none(
    cohort: tuple[Bank, list[dict[str, Any]], Analysis],
) -> None:
    _, _, analysis = cohort
    codes = {i.id: {f.code for f in i.flags} for i in analysis.items}
    assert "negative-discrimination" in codes["negative"]
    assert "alpha-rises-without" in codes["negative"]
    assert "distractor-attracts-strong" in codes["negative"]  # strong students avoid A
    assert "dead-distractor" in codes["dead-distractor"]
    dead = next(f for f in analysis.items[-2].flags if f.code == "dead-distractor")
    assert "answer D" in dead.reason
    assert "too-easy" in codes["too-easy"]
    by_id = {i.id: i for i in analysis.items}
    assert by_id["too-easy"].flag == "very easy" and by_id["negative"].flag == (
        "negative discrimination"
    )
    for qid in GOOD:
        assert codes[qid] == set(), (qid, codes[qid])


def test_partial_credit_is_cronbach_alpha_and_holes_are_left_out() -> None:
    multi = (
        "  - id: steps\n    type: multi\n    scoring: partial\n    points: 3\n"
        "    prompt: Which steps?\n    choices:\n"
        + "".join(
            f"      - id: r{i}\n        text: step {i}\n        correct: true\n" for i in (1, 2, 3)
        )
        + "      - id: w\n        text: wrong step\n        correct: false\n"
    )
    bank = load_bank_text(bank_yaml(multi), name="mixed.yaml")
    results = simulate(bank, np.random.default_rng(SEED + 1), n=240)
    # Ten attempts without the last question (as a --limit draw would leave them).
    for r in results[:10]:
        r["tests"] = [t for t in r["tests"] if t["id"] != "steps"]
    analysis = analyse(bank, results)
    t = analysis.test
    assert t is not None and t.reliability_method == "Cronbach's alpha"
    assert t.complete == 230 and t.n == 240
    x = matrix(bank, results[10:])
    assert t.reliability == pytest.approx(ref_alpha(x))
    steps = analysis.items[-1]
    assert steps.n == 230 and steps.points == 3
    fr = x[:, -1] / 3
    assert steps.facility == pytest.approx(fr.mean())
    assert 0 < steps.facility < 1 and len(set(fr)) > 2  # really partial credit
    ticked = {c.key: c.chosen for c in steps.choices}
    assert ticked["w"] == 0  # nobody ticks the wrong step: a dead distractor
    assert "dead-distractor" in {f.code for f in steps.flags}


def test_variants_are_analysed_separately() -> None:
    bank = load_bank_text(bank_yaml(), name="irt.yaml")
    results = simulate(bank, np.random.default_rng(SEED + 2), n=120)
    for n, r in enumerate(results):
        for t in r["tests"]:
            if t["id"] == "good-0":
                t["variant"] = n % 3
    item = analyse(bank, results).items[0]
    assert [v.variant for v in item.variants] == ["0", "1", "2"]
    for v in item.variants:
        group = [r for n, r in enumerate(results) if n % 3 == int(v.variant)]
        fr = [next(t["score"] for t in r["tests"] if t["id"] == "good-0") for r in group]
        assert v.n == 40 and v.facility == pytest.approx(float(np.mean(fr)))
