"""Grading in CI: ``grader ci init`` writes a ready workflow (GitHub Actions, GitLab CI),
``grader ci report`` turns the JSON results a workflow graded into its reports (JUnit,
a Markdown job summary, GitHub annotations)."""
