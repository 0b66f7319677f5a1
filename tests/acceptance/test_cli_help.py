"""What the CLI says about itself: every command listed with a whole one-line summary,
and the README's synopsis naming the options that matter."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parents[2]
# quiz take options the README leaves to its quiz section (output files, colour).
NOT_IN_SYNOPSIS = {"--no-color", "--out", "--help"}


@pytest.mark.parametrize("group", ["quiz", "exercise"])
def test_group_help_lists_every_command_with_a_whole_summary(group: str) -> None:
    command = main.commands[group]
    assert isinstance(command, click.Group)
    result = CliRunner().invoke(main, [group, "--help"], terminal_width=100)
    assert result.exit_code == 0
    listing = result.output.split("Commands:\n", 1)[1]
    rows = dict(re.findall(r"^  (\S+)\s+(.*)$", listing, re.M))
    assert set(rows) == set(command.commands), rows
    for name, summary in rows.items():
        assert not summary.endswith("..."), f"{group} {name}: summary cut: {summary}"
    # The group's own line names them all too (it said "list, check, grade, release").
    first = (command.help or "").splitlines()[0]
    assert all(name in first for name in command.commands), first


def test_readme_synopsis_of_quiz_take_shows_its_options() -> None:
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"^grader quiz take BANK.*\n(?: {5,}.*\n)*", readme, re.M)
    assert found, "no `grader quiz take` line in the README's command list"
    take = main.commands["quiz"].commands["take"]  # type: ignore[attr-defined]
    options = {name for p in take.params for name in p.opts if name.startswith("--")}
    missing = options - NOT_IN_SYNOPSIS - set(re.findall(r"--[a-z-]+", found.group()))
    assert not missing, f"README's `quiz take` synopsis lacks {sorted(missing)}"
    for must in ("--time-limit", "--tag", "--limit", "--restart"):
        assert must in found.group()
