"""Mistake: keeping the sigmoids and starting from large weights (Xavier with gain 2).

Large weights push the sigmoids into saturation, where their slope is nearly 0, so the
gradient still vanishes on its way back to the first layer.
"""


def build():
    layers, width = [], 2
    for _ in range(9):
        layers += [
            {"type": "linear", "in": width, "out": 10, "init": "xavier_uniform", "gain": 2.0},
            {"type": "sigmoid"},
        ]
        width = 10
    layers.append({"type": "linear", "in": 10, "out": 1, "init": "xavier_uniform", "gain": 2.0})
    return {
        "layers": layers,
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
