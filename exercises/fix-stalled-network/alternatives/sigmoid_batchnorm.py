"""Keep the sigmoids, but normalise every pre-activation with batch normalisation.

Batch norm needs more steps than ReLU here: 100 epochs of 4 batches (the whole budget).
"""


def build():
    layers, width = [], 2
    for _ in range(9):
        layers += [
            {"type": "linear", "in": width, "out": 10, "init": "xavier_uniform"},
            {"type": "batchnorm", "features": 10},
            {"type": "sigmoid"},
        ]
        width = 10
    layers.append({"type": "linear", "in": 10, "out": 1, "init": "xavier_uniform"})
    return {
        "layers": layers,
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 100,
    }
