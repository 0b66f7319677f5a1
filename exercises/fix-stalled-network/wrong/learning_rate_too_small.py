"""Mistake: the right architecture (ReLU + He) with plain SGD at lr 0.01: far too slow for
the training budget, so the network is still nearly untrained when the epochs run out."""


def build():
    layers, width = [], 2
    for _ in range(9):
        layers += [
            {"type": "linear", "in": width, "out": 10, "init": "he_normal"},
            {"type": "relu"},
        ]
        width = 10
    layers.append({"type": "linear", "in": 10, "out": 1, "init": "he_normal"})
    return {
        "layers": layers,
        "optimizer": {"name": "sgd", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
