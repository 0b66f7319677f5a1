"""Judge-side data, training and measurements for the training exercises.

Everything here runs in the trusted judge: the two-moons points are drawn here, the model is
built here from a validated :class:`~grader.exercise.arch.Spec`, trained here and measured
here, so no number that decides a grade comes from the jail. Training is deterministic:
a fixed seed, ``torch.use_deterministic_algorithms(True)`` and one thread, with the caller's
settings (and torch's global RNG state) restored afterwards.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from grader.exercise.arch import Spec, build, linear_modules

MOONS_N = 250
MOONS_NOISE = 0.05
MOONS_SEED = 42
TEST_FRACTION = 0.2


def two_moons(
    n: int = MOONS_N, noise: float = MOONS_NOISE, seed: int = MOONS_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles with Gaussian noise: ``x`` (n, 2) float64, ``y`` (n,)
    float64 labels 0 (upper moon) and 1 (lower moon), shuffled."""
    rng = np.random.default_rng(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, math.pi, n_upper)
    t_lower = np.linspace(0.0, math.pi, n_lower)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    x = np.concatenate([upper, lower])
    y = np.concatenate([np.zeros(n_upper), np.ones(n_lower)])
    order = rng.permutation(n)
    x = x[order] + rng.normal(scale=noise, size=(n, 2))
    return x.astype(np.float64), y[order].astype(np.float64)


def moons_split(
    seed: int = MOONS_SEED,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lesson's data: 250 points, 200 to train on and 50 held out (in that order)."""
    x, y = two_moons(seed=seed)
    cut = MOONS_N - int(MOONS_N * TEST_FRACTION)
    return x[:cut], y[:cut], x[cut:], y[cut:]


@contextlib.contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """Seeded, deterministic, single-threaded torch; everything restored on exit."""
    import torch

    threads = torch.get_num_threads()
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.set_num_threads(1)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(was_deterministic)
            torch.set_num_threads(threads)


@dataclass
class Trained:
    """What the judge measured while training one spec."""

    losses: list[float]  # mean training loss of each epoch
    initial_grad_norms: list[float]  # per linear layer, full training batch, before training
    final_grad_norms: list[float]  # the same after training
    state: dict[str, Any]  # the trained weights (to evaluate on other points)
    spec: Spec


def _tensor(a: np.ndarray) -> Any:
    import torch

    return torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float64)


def gradient_norms(model: Any, x: Any, y: Any) -> list[float]:
    """Frobenius norm of d(mean BCE)/dW for each linear layer, on one full batch."""
    import torch

    model.zero_grad(set_to_none=True)
    logits = model(x).reshape(-1)
    torch.nn.functional.binary_cross_entropy_with_logits(logits, y).backward()  # type: ignore[no-untyped-call]
    norms = []
    for linear in linear_modules(model):
        grad = linear.weight.grad
        norms.append(0.0 if grad is None else float(grad.norm()))
    model.zero_grad(set_to_none=True)
    return norms


def _make_optimizer(spec: Spec, model: Any) -> Any:
    import torch

    o = spec.optimizer
    if o.name == "sgd":
        return torch.optim.SGD(
            model.parameters(), lr=o.lr, momentum=o.momentum, weight_decay=o.weight_decay
        )
    return torch.optim.Adam(model.parameters(), lr=o.lr, weight_decay=o.weight_decay)


def train(spec: Spec, x: np.ndarray, y: np.ndarray, *, seed: int = 0) -> Trained:
    """Build and train ``spec`` on (x, y): mini-batches of ``spec.batch_size`` reshuffled every
    epoch, binary cross-entropy on the logit, the spec's optimizer, ``spec.epochs`` epochs."""
    import torch

    with deterministic(seed):
        model = build(spec)
        xt, yt = _tensor(x), _tensor(y)
        model.train()
        initial = gradient_norms(model, xt, yt)
        optimizer = _make_optimizer(spec, model)
        order = torch.Generator().manual_seed(seed)
        losses: list[float] = []
        n = len(xt)
        for _ in range(spec.epochs):
            perm = torch.randperm(n, generator=order)
            total = 0.0
            for start in range(0, n, spec.batch_size):
                idx = perm[start : start + spec.batch_size]
                if len(idx) < 2 and any(layer.type == "batchnorm" for layer in spec.layers):
                    continue  # batch norm cannot train on one point
                optimizer.zero_grad(set_to_none=True)
                logits = model(xt[idx]).reshape(-1)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, yt[idx])
                loss.backward()  # type: ignore[no-untyped-call]
                optimizer.step()
                total += float(loss.detach()) * len(idx)
            losses.append(total / n)
        final = gradient_norms(model, xt, yt)
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return Trained(losses, initial, final, state, spec)


def accuracy(trained: Trained, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of points whose predicted class (logit > 0) is the label, in eval mode."""
    import torch

    with deterministic(0):
        model = build(trained.spec)
        model.load_state_dict(trained.state)
        model.eval()
        with torch.no_grad():
            logits = model(_tensor(x)).reshape(-1)
        predicted = (logits > 0).to(torch.float64)
        return float((predicted == _tensor(y)).to(torch.float64).mean())


# Public and hidden tests of one grading ask for the same (deterministic) training run; a
# small memo keyed by the validated spec lets them share it instead of training twice.
_MEMO: OrderedDict[str, Trained] = OrderedDict()
_MEMO_SIZE = 8


def train_on_moons(spec: Spec, *, seed: int = 0) -> Trained:
    """:func:`train` on the lesson's 200 training points, memoised per (spec, seed)."""
    key = json.dumps([asdict(spec), seed], sort_keys=True)
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    x, y, _, _ = moons_split()
    trained = train(spec, x, y, seed=seed)
    _MEMO[key] = trained
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return trained


# -- the stalled sigmoid network, measured by the judge (diagnose-stalled-network) ----------


@dataclass
class Measured:
    """The judge's own measurements of a plain sigmoid MLP trained full-batch."""

    grad_norms: list[float]  # per layer, at the given weights, before any step
    relative_change: list[float]  # ||W_end - W_start|| / ||W_start|| per layer
    losses: list[float]  # the loss before each step, then after the last (steps + 1 values)


def sigmoid_forward(weights: list[Any], biases: list[Any], x: Any) -> Any:
    """A sigmoid after every layer, the output layer included: the probability of class 1."""
    import torch

    h = x
    for w, b in zip(weights, biases, strict=True):
        h = torch.sigmoid(h @ w.T + b)
    return h.reshape(-1)


def measure_sigmoid_net(
    weights: list[Any],
    biases: list[Any],
    x: Any,
    y: Any,
    *,
    optimizer: str,
    lr: float,
    steps: int,
) -> Measured:
    """Gradient norms at the start, then ``steps`` full-batch steps of plain SGD or Adam
    (torch's defaults otherwise) on the mean binary cross-entropy, all in float64."""
    import torch

    with deterministic(0):
        params_w = [
            torch.tensor(np.asarray(w), dtype=torch.float64).requires_grad_() for w in weights
        ]
        params_b = [
            torch.tensor(np.asarray(b), dtype=torch.float64).requires_grad_() for b in biases
        ]
        xt = torch.as_tensor(np.asarray(x), dtype=torch.float64)
        yt = torch.as_tensor(np.asarray(y), dtype=torch.float64)
        start = [w.detach().clone() for w in params_w]
        params = params_w + params_b
        opt: Any
        if optimizer == "sgd":
            opt = torch.optim.SGD(params, lr=lr)
        elif optimizer == "adam":
            opt = torch.optim.Adam(params, lr=lr)
        else:
            raise ValueError(f"unknown optimizer {optimizer!r}")

        def loss_now() -> Any:
            p = sigmoid_forward(params_w, params_b, xt)
            return torch.nn.functional.binary_cross_entropy(p, yt)

        losses: list[float] = []
        grad_norms: list[float] = []
        for step in range(steps + 1):
            opt.zero_grad(set_to_none=True)
            loss = loss_now()
            losses.append(float(loss.detach()))
            if step == steps:
                break
            loss.backward()  # type: ignore[no-untyped-call]
            if step == 0:
                grad_norms = [float(w.grad.norm()) for w in params_w]  # type: ignore[union-attr]
            opt.step()
        change = [
            float((w.detach() - s).norm() / s.norm()) for w, s in zip(params_w, start, strict=True)
        ]
    return Measured(grad_norms, change, losses)
