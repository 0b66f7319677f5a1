"""Fix the stalled network (see README.md): return the spec of a network that learns.

This starter is the stalled network itself: nine hidden layers of ten sigmoid units.
It is a valid spec, but it does not learn the moons. Change it.
"""


def build() -> dict:
    """The network and its training settings, as plain data (see README.md)."""
    layers = []
    width = 2
    for _ in range(9):
        layers.append({"type": "linear", "in": width, "out": 10, "init": "xavier_uniform"})
        layers.append({"type": "sigmoid"})
        width = 10
    layers.append({"type": "linear", "in": width, "out": 1, "init": "xavier_uniform"})
    return {
        "layers": layers,
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
