"""One Result model, many reporters (text, json, junit, gradescope, html, ...).

A reporter is a module in this package with a ``render(result) -> str`` function,
registered by one line in ``REPORTERS`` in ``grader/report/registry.py``.
"""

from grader.report.model import Result, Status, TestResult

__all__ = ["Result", "Status", "TestResult"]
