"""An input layer, then four residual blocks of two ReLU layers each: 9 hidden layers."""


def linear(n_in, n_out):
    return {"type": "linear", "in": n_in, "out": n_out, "init": "he_normal"}


def block(width):
    relu = {"type": "relu"}
    return {"type": "residual", "layers": [linear(width, width), relu, linear(width, width), relu]}


def build():
    layers = [linear(2, 10), {"type": "relu"}] + [block(10) for _ in range(4)] + [linear(10, 1)]
    return {
        "layers": layers,
        "optimizer": {"name": "adam", "lr": 0.01},
        "batch_size": 50,
        "epochs": 50,
    }
