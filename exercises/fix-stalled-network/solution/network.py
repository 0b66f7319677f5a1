"""Reference: ReLU hidden layers with He initialisation keep the gradient alive."""


def build() -> dict:
    """Nine hidden ReLU layers of ten units, He-normal weights, Adam."""
    layers = []
    width = 2
    for _ in range(9):
        layers.append({"type": "linear", "in": width, "out": 10, "init": "he_normal"})
        layers.append({"type": "relu"})
        width = 10
    layers.append({"type": "linear", "in": width, "out": 1, "init": "he_normal"})
    return {
        "layers": layers,
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
