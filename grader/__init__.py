"""grader: auto-graded quizzes and coding exercises for teaching deep learning."""

__version__ = "0.1.0"
