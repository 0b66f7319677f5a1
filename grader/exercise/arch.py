"""A small, whitelisted vocabulary of network architectures, validated and built in the judge.

The training exercises never trust a model built in the jail: the student's code returns a
*spec* (plain data), :func:`validate` checks it against the vocabulary below, and
:func:`build` turns the validated :class:`Spec` into a ``torch.nn.Module`` in the judge. A
spec cannot carry code, so a model cannot lie about its gradients, notice evaluation or patch
the optimizer that trains it.

A spec is a dict::

    {"layers": [{"type": "linear", "in": 2, "out": 16, "init": "he_normal"},
                {"type": "relu"},
                {"type": "residual", "layers": [...]},
                ...,
                {"type": "linear", "in": 16, "out": 1}],
     "optimizer": {"name": "adam", "lr": 0.001, "weight_decay": 0.0},
     "batch_size": 50, "epochs": 50}   # the defaults: 200 steps on 200 points

The network maps 2 inputs to 1 logit (the last layer is ``linear`` with ``out: 1``; the loss
applies the sigmoid). Every problem is one :class:`SpecError` line naming where it is, e.g.
``layers[3].layers[1]: linear "in" is 12 but the width here is 10``.

What counts as a hidden layer: every ``linear`` except the last one. A residual block
computes ``x + f(x)`` and may hold at most two ``linear`` layers, so that a skip connection
never lets a long stack count as depth while the signal can go around all of it. Residual
blocks do not nest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu", "elu")
NORMS = ("batchnorm", "layernorm")
INITS = ("default", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal")
OPTIMIZERS = ("sgd", "adam")
LAYER_TYPES = (*ACTIVATIONS, *NORMS, "linear", "dropout", "residual")

INPUTS = 2
MAX_WIDTH = 64
MAX_LINEAR = 24
MAX_PARAMETERS = 20_000
MAX_LINEAR_PER_BLOCK = 2
GAIN_RANGE = (0.25, 4.0)
SLOPE_RANGE = (0.001, 0.5)
DROPOUT_MAX = 0.5
LR_RANGE = {"sgd": (1e-5, 1.0), "adam": (1e-5, 0.1)}
MOMENTUM_MAX = 0.99
WEIGHT_DECAY_MAX = 0.1
BATCH_RANGE = (8, 256)
# The training budget, in optimizer steps (epochs x batches per epoch).
MAX_STEPS = 400
MAX_EPOCHS = 200


class SpecError(AssertionError):
    """A spec that is not in the vocabulary; the message is one line naming where."""


@dataclass(frozen=True)
class Layer:
    """One validated layer; ``children`` is only used by a residual block."""

    type: str
    width_in: int
    width_out: int
    init: str = "default"
    gain: float | None = None
    param: float | None = None  # leaky_relu slope, elu alpha, dropout p
    bias: bool = True
    children: tuple[Layer, ...] = ()


@dataclass(frozen=True)
class Optimizer:
    name: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.0
    weight_decay: float = 0.0


@dataclass(frozen=True)
class Spec:
    """A validated architecture and its training settings."""

    layers: tuple[Layer, ...]
    optimizer: Optimizer = field(default_factory=Optimizer)
    batch_size: int = 50
    epochs: int = 50

    @property
    def linear_paths(self) -> list[str]:
        """Where each linear layer sits, in order (``layers[0]``, ``layers[2].layers[0]``...)."""
        out: list[str] = []
        for i, layer in enumerate(self.layers):
            if layer.type == "linear":
                out.append(f"layers[{i}]")
            for j, child in enumerate(layer.children):
                if child.type == "linear":
                    out.append(f"layers[{i}].layers[{j}]")
        return out

    @property
    def hidden_layers(self) -> int:
        """Linear layers other than the output layer (see the module docstring)."""
        return len(self.linear_paths) - 1

    def steps(self, n_train: int) -> int:
        return self.epochs * math.ceil(n_train / self.batch_size)


# -- validation ------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _number(d: dict[str, Any], key: str, where: str, lo: float, hi: float, default: Any) -> Any:
    if key not in d:
        return default
    value = d[key]
    if not _is_number(value):
        raise SpecError(f'{where}: "{key}" must be a number, not {_describe(value)}')
    if not lo <= value <= hi:
        raise SpecError(f'{where}: "{key}" is {value:g}; it must be between {lo:g} and {hi:g}')
    return float(value)


def _integer(d: dict[str, Any], key: str, where: str, lo: int, hi: int, default: Any) -> Any:
    if key not in d:
        if default is None:
            raise SpecError(f'{where}: "{key}" is missing')
        return default
    value = d[key]
    if type(value) is not int:
        raise SpecError(f'{where}: "{key}" must be a whole number, not {_describe(value)}')
    if not lo <= value <= hi:
        raise SpecError(f'{where}: "{key}" is {value}; it must be between {lo} and {hi}')
    return value


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:40])
    if type(value) in (int, float, bool) or value is None:
        return repr(value)
    return f"a {type(value).__name__}"


def _keys(d: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in d:
        if type(key) is not str:
            raise SpecError(f"{where}: keys must be strings, not {_describe(key)}")
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise SpecError(f'{where}: unknown key "{key}" (known: {known})')


def _layer(d: Any, where: str, width: int, inside_block: bool) -> Layer:
    if type(d) is not dict:
        raise SpecError(f"{where}: a layer must be a dict, not {_describe(d)}")
    kind = d.get("type")
    if kind not in LAYER_TYPES:
        raise SpecError(
            f"{where}: unknown layer type {_describe(kind)} (known: {', '.join(LAYER_TYPES)})"
        )
    if kind == "linear":
        _keys(d, {"type", "in", "out", "init", "gain", "bias"}, where)
        width_in = _integer(d, "in", where, 1, MAX_WIDTH, None)
        if width_in != width:
            raise SpecError(f'{where}: linear "in" is {width_in} but the width here is {width}')
        width_out = _integer(d, "out", where, 1, MAX_WIDTH, None)
        init = d.get("init", "default")
        if init not in INITS:
            raise SpecError(f"{where}: unknown init {_describe(init)} (known: {', '.join(INITS)})")
        gain = _number(d, "gain", where, *GAIN_RANGE, None)
        if gain is not None and init == "default":
            raise SpecError(f'{where}: "gain" needs a named init, not "default"')
        bias = d.get("bias", True)
        if type(bias) is not bool:
            raise SpecError(f'{where}: "bias" must be true or false')
        return Layer("linear", width_in, width_out, init=init, gain=gain, bias=bias)
    if kind == "residual":
        if inside_block:
            raise SpecError(f"{where}: residual blocks do not nest")
        _keys(d, {"type", "layers"}, where)
        inner = d.get("layers")
        if type(inner) is not list or not inner:
            raise SpecError(f'{where}: a residual block needs a non-empty "layers" list')
        children, w = [], width
        for j, child in enumerate(inner):
            layer = _layer(child, f"{where}.layers[{j}]", w, True)
            children.append(layer)
            w = layer.width_out
        if w != width:
            raise SpecError(
                f"{where}: a residual block must end at the width it starts with ({width}), not {w}"
            )
        linears = sum(c.type == "linear" for c in children)
        if linears == 0:
            raise SpecError(f"{where}: a residual block needs at least one linear layer")
        if linears > MAX_LINEAR_PER_BLOCK:
            raise SpecError(
                f"{where}: a residual block may hold at most {MAX_LINEAR_PER_BLOCK} linear "
                f"layers, not {linears} (the skip would let all of them count as depth "
                "while the signal goes around them)"
            )
        return Layer("residual", width, width, children=tuple(children))
    if kind in NORMS:
        _keys(d, {"type", "features"}, where)
        features = _integer(d, "features", where, 1, MAX_WIDTH, width)
        if features != width:
            raise SpecError(
                f'{where}: {kind} "features" is {features} but the width here is {width}'
            )
        return Layer(kind, width, width)
    if kind == "dropout":
        _keys(d, {"type", "p"}, where)
        return Layer(kind, width, width, param=_number(d, "p", where, 0.0, DROPOUT_MAX, 0.0))
    if kind == "leaky_relu":
        _keys(d, {"type", "slope"}, where)
        return Layer(kind, width, width, param=_number(d, "slope", where, *SLOPE_RANGE, 0.01))
    if kind == "elu":
        _keys(d, {"type", "alpha"}, where)
        return Layer(kind, width, width, param=_number(d, "alpha", where, 0.1, 2.0, 1.0))
    _keys(d, {"type"}, where)
    return Layer(kind, width, width)


def _optimizer(d: Any) -> Optimizer:
    where = "optimizer"
    if d is None:
        return Optimizer()
    if type(d) is not dict:
        raise SpecError(f"{where}: must be a dict, not {_describe(d)}")
    _keys(d, {"name", "lr", "momentum", "weight_decay"}, where)
    name = d.get("name", "adam")
    if name not in OPTIMIZERS:
        raise SpecError(f"{where}: unknown optimizer {_describe(name)} (known: sgd, adam)")
    lr = _number(d, "lr", where, *LR_RANGE[name], 1e-3 if name == "adam" else 0.1)
    if name == "adam" and "momentum" in d:
        raise SpecError(f'{where}: "momentum" is for sgd; adam has no such setting here')
    momentum = _number(d, "momentum", where, 0.0, MOMENTUM_MAX, 0.0)
    decay = _number(d, "weight_decay", where, 0.0, WEIGHT_DECAY_MAX, 0.0)
    return Optimizer(name, lr, momentum, decay)


def validate(raw: Any, *, n_train: int = 200, min_hidden: int = 0) -> Spec:
    """Check a spec returned by student code; raise :class:`SpecError` (one line) if bad."""
    if type(raw) is not dict:
        raise SpecError(f"the spec must be a dict, not {_describe(raw)}")
    _keys(raw, {"layers", "optimizer", "batch_size", "epochs"}, "spec")
    items = raw.get("layers")
    if type(items) is not list or not items:
        raise SpecError('spec: "layers" must be a non-empty list')
    layers, width = [], INPUTS
    for i, item in enumerate(items):
        layer = _layer(item, f"layers[{i}]", width, False)
        layers.append(layer)
        width = layer.width_out
    spec = Spec(
        tuple(layers),
        _optimizer(raw.get("optimizer")),
        _integer(raw, "batch_size", "spec", *BATCH_RANGE, 50),
        _integer(raw, "epochs", "spec", 1, MAX_EPOCHS, 50),
    )
    last = spec.layers[-1]
    if last.type != "linear" or last.width_out != 1:
        raise SpecError(
            f"layers[{len(layers) - 1}]: the network must end with a linear layer with "
            '"out": 1 (its output is the logit; the loss applies the sigmoid)'
        )
    linears = len(spec.linear_paths)
    if linears > MAX_LINEAR:
        raise SpecError(f"spec: {linears} linear layers; at most {MAX_LINEAR} are allowed")
    params = parameter_count(spec)
    if params > MAX_PARAMETERS:
        raise SpecError(f"spec: {params:,} parameters; at most {MAX_PARAMETERS:,} are allowed")
    steps = spec.steps(n_train)
    if steps > MAX_STEPS:
        raise SpecError(
            f"spec: {spec.epochs} epochs of batch {spec.batch_size} is {steps} optimizer steps "
            f"on {n_train} points; the budget is {MAX_STEPS}"
        )
    if spec.hidden_layers < min_hidden:
        raise SpecError(
            f"spec: {spec.hidden_layers} hidden layers (linear layers before the output "
            f"layer); at least {min_hidden} are required"
        )
    return spec


def parameter_count(spec: Spec) -> int:
    total = 0
    for layer in _flat(spec.layers):
        if layer.type == "linear":
            total += layer.width_in * layer.width_out + (layer.width_out if layer.bias else 0)
        elif layer.type in NORMS:
            total += 2 * layer.width_in
    return total


def _flat(layers: tuple[Layer, ...]) -> list[Layer]:
    out: list[Layer] = []
    for layer in layers:
        out.append(layer)
        out.extend(layer.children)
    return out


# -- building --------------------------------------------------------------------------------


def build(spec: Spec) -> Any:
    """The ``torch.nn.Module`` of a validated spec, initialised from torch's global RNG.

    Seed it first (``torch.manual_seed``); the training helpers do.
    """
    import torch

    class Residual(torch.nn.Module):
        def __init__(self, body: torch.nn.Module) -> None:
            super().__init__()
            self.body = body

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out: torch.Tensor = x + self.body(x)
            return out

    def make(layer: Layer) -> torch.nn.Module:
        if layer.type == "linear":
            linear = torch.nn.Linear(layer.width_in, layer.width_out, bias=layer.bias)
            _initialise(linear, layer)
            return linear
        if layer.type == "residual":
            return Residual(torch.nn.Sequential(*[make(c) for c in layer.children]))
        if layer.type == "batchnorm":
            return torch.nn.BatchNorm1d(layer.width_in)
        if layer.type == "layernorm":
            return torch.nn.LayerNorm(layer.width_in)
        if layer.type == "dropout":
            return torch.nn.Dropout(layer.param or 0.0)
        if layer.type == "leaky_relu":
            return torch.nn.LeakyReLU(layer.param or 0.01)
        if layer.type == "elu":
            return torch.nn.ELU(layer.param or 1.0)
        simple: dict[str, type[torch.nn.Module]] = {
            "sigmoid": torch.nn.Sigmoid,
            "tanh": torch.nn.Tanh,
            "relu": torch.nn.ReLU,
            "gelu": torch.nn.GELU,
        }
        return simple[layer.type]()

    model = torch.nn.Sequential(*[make(layer) for layer in spec.layers])
    return model.double()


def _initialise(linear: Any, layer: Layer) -> None:
    """Named schemes: std = gain * sqrt(2 / (fan_in + fan_out)) (Xavier) or
    gain * sqrt(1 / fan_in) with gain sqrt(2) by default (He); uniform ones have the same
    variance (bound = sqrt(3) * std). Biases start at 0. ``default`` is torch's own."""
    import torch

    if layer.init == "default":
        return
    fan_in, fan_out = layer.width_in, layer.width_out
    if layer.init.startswith("xavier"):
        std = (layer.gain or 1.0) * math.sqrt(2.0 / (fan_in + fan_out))
    else:
        std = (layer.gain or math.sqrt(2.0)) * math.sqrt(1.0 / fan_in)
    with torch.no_grad():
        if layer.init.endswith("uniform"):
            bound = math.sqrt(3.0) * std
            linear.weight.uniform_(-bound, bound)
        else:
            linear.weight.normal_(0.0, std)
        if linear.bias is not None:
            linear.bias.zero_()


def linear_modules(model: Any) -> list[Any]:
    """The model's ``nn.Linear`` layers in the order of :attr:`Spec.linear_paths`."""
    import torch

    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def sigmoid_stack(hidden: int = 9, width: int = 10, init: str = "xavier_uniform") -> dict[str, Any]:
    """The stalled network of the vanishing-gradient lesson, as a raw spec."""
    layers: list[dict[str, Any]] = []
    w = INPUTS
    for _ in range(hidden):
        layers += [{"type": "linear", "in": w, "out": width, "init": init}, {"type": "sigmoid"}]
        w = width
    layers.append({"type": "linear", "in": w, "out": 1, "init": init})
    return {"layers": layers}
