"""Modules the zygote imports before it forks any jail.

A jail may not be able to read the Python installation at the lower isolation levels, and
every jail would otherwise pay for the same imports inside its own time limit. Torch's
lazily imported stacks are here too: ``torch.func`` pulls in the compiler front end on
first use (2-3 s), which would make an honest solution's first test time out on one run
and pass on the next.
"""

from __future__ import annotations

import contextlib
import importlib

WARM_MODULES = (
    "numpy",
    "numpy.testing",  # np.testing.assert_allclose: common in student code
    "numpy.linalg",
    "numpy.random",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.nn.init",
    "torch.nn.utils",
    "torch.optim",
    "torch.autograd",
    "torch.autograd.functional",
    "torch.func",
    "torch.utils.data",
    "math",
    "cmath",
    "random",
    "json",
    "collections",
    "itertools",
    "functools",
    "dataclasses",
    "typing",
    "statistics",
    "fractions",
    "decimal",
    "ctypes",
    "socket",
    "subprocess",
    "threading",
    "multiprocessing",
    "time",
    "re",
    "copy",
    "traceback",
    "importlib.util",
)

# Called once so that first calls (not just imports) are warm: these trigger the lazy
# imports and one-time set-up inside torch that a student's first test would pay for.
_FIRST_CALLS = (
    "import torch\n"
    "x = torch.ones(3, requires_grad=True)\n"
    "torch.func.grad(lambda t: (t * t).sum())(torch.ones(3))\n"
    "torch.func.vmap(torch.sin)(torch.ones(2, 3))\n"
    "torch.func.jacrev(torch.sin)(torch.ones(3))\n"
    "torch.autograd.functional.jacobian(torch.sin, torch.ones(3))\n"
    "(x.sigmoid().sum()).backward()\n"
    "torch.optim.SGD([x], lr=0.1).step()\n"
    "torch.optim.Adam([x], lr=0.1).step()\n"
)


def warm_up() -> None:
    for name in WARM_MODULES:
        with contextlib.suppress(Exception):  # unreadable or missing: the jail goes without
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        exec(compile(_FIRST_CALLS, "<grader warm-up>", "exec"), {})
