"""Coding exercises: the exercise.yaml model, discovery, the author API and the
student release. Grading itself lives in ``grader.runner``.

Kept free of heavy imports: ``grader.cli`` may import this package on the quiz path.
"""
