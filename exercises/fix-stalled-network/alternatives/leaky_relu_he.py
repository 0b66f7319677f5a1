"""Leaky ReLU (slope 0.1) with He-uniform weights, written out layer by layer."""

HIDDEN = [
    {"type": "linear", "in": 2, "out": 12, "init": "he_uniform"},
    {"type": "leaky_relu", "slope": 0.1},
] + [
    layer
    for _ in range(8)
    for layer in (
        {"type": "linear", "in": 12, "out": 12, "init": "he_uniform"},
        {"type": "leaky_relu", "slope": 0.1},
    )
]


def build():
    return {
        "layers": [*HIDDEN, {"type": "linear", "in": 12, "out": 1, "init": "he_uniform"}],
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
