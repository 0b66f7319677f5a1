"""What ``grader exercise list`` says about one exercise: title, points, topics, grading time."""

from __future__ import annotations

from grader.exercise.model import Exercise


def entry_lines(ex: Exercise) -> list[str]:
    """Two lines: the id and title, then the facts an instructor picks exercises by."""
    facts = [
        f"{ex.points:g} points" if ex.points is not None else "points not declared",
        "topics: " + (", ".join(ex.tags) if ex.tags else "none"),
        grading_time(ex),
        ex.entry,
    ]
    return [f"{ex.id}  {ex.title}", "    " + " | ".join(facts)]


def grading_time(ex: Exercise) -> str:
    """The measured estimate when the author recorded one, and always the hard limit."""
    limit = f"limit {ex.limits.total_time_s:g} s"
    if ex.grade_time_s is None:
        return f"grading time not measured ({limit})"
    return f"grades in ~{seconds(ex.grade_time_s)} s ({limit})"


def seconds(value: float) -> str:
    """Two significant digits below 10 s, whole seconds above: 0.42, 3.1, 27."""
    return f"{value:.2g}" if value < 10 else f"{value:.0f}"
