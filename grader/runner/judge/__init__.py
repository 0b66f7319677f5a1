"""The trusted side: collects the tests, drives the jails, turns outcomes into verdicts.

Nothing here imports the jail side (``grader.runner.jail``): jail-side interpreters are
started by exec (``launch``) and spoken to only through ``grader.runner.protocol``.
"""

from grader.runner.judge.grading import JUDGE_GRACE_S, Grader, grade

__all__ = ["JUDGE_GRACE_S", "Grader", "grade"]
