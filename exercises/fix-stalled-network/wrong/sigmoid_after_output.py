"""Mistake: a sigmoid after the output layer (the loss already applies it to the logit)."""


def build():
    layers, width = [], 2
    for _ in range(9):
        layers += [
            {"type": "linear", "in": width, "out": 10, "init": "he_normal"},
            {"type": "relu"},
        ]
        width = 10
    layers += [{"type": "linear", "in": 10, "out": 1, "init": "he_normal"}, {"type": "sigmoid"}]
    return {
        "layers": layers,
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
