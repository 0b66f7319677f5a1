"""Mistake: "fixing" the stall by removing layers (four hidden ReLU layers instead of nine)."""


def build():
    layers, width = [], 2
    for _ in range(4):
        layers += [
            {"type": "linear", "in": width, "out": 10, "init": "he_normal"},
            {"type": "relu"},
        ]
        width = 10
    layers.append({"type": "linear", "in": 10, "out": 1, "init": "he_normal"})
    return {
        "layers": layers,
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
