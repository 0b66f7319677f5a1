"""The trusted judge: runs each test against the jailed submission and scores it.

The order matters for secrecy: the zygote (which forks every jail) is started before any
test file or reference solution is imported, so no jail ever holds them in memory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import BadInput
from grader.exercise.api import Attach
from grader.exercise.files import ExerciseFiles, FolderFiles
from grader.exercise.model import Exercise
from grader.exercise.seal import Sealed, sealed_exercise
from grader.report import sanitize
from grader.report.model import Result, Status, TestResult
from grader.runner import _linux
from grader.runner.host import machine_max_level
from grader.runner.judge import cputime, janitor, verdicts
from grader.runner.judge.collect import Case, collect, load_reference
from grader.runner.judge.errors import JailGone, StudentError
from grader.runner.judge.pool import Zygote
from grader.runner.judge.pool import shared as shared_zygote
from grader.runner.judge.proxy import Proxy
from grader.runner.judge.session import WALL_FACTOR, WALL_SLACK_S, Session
from grader.runner.judge.spawn import Spawner
from grader.runner.limits import LEVELS, JailSpec, rank

# How long past its limit a test may run in the judge (outside any jail call) before the
# grader gives up on it.
JUDGE_GRACE_S = 2.0


@dataclass
class _Jail:
    """The live jail and the outcome of importing the submission into it."""

    session: Session | None  # None: the jail could not be started
    module: Proxy | None = None
    failure: TestResult | None = None  # how the import went wrong, if it did


@dataclass
class _Run:
    exercise: Exercise
    zygote: Zygote | Spawner
    spec: JailSpec
    started: float
    outputs: list[str] = field(default_factory=list)
    import_failure: TestResult | None = None  # once the import failed, it is never retried
    level: str = "none"
    detail: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # the submission's .py files
    cpu_spent: float = 0.0  # CPU seconds of the jails that have ended
    live: Session | None = None  # the jail running now

    def remaining(self) -> float:
        """What is left of the submission's total budget, in CPU time where it can be
        measured (so a loaded machine costs no one a test), and never past the wall-clock
        backstop."""
        total = self.exercise.limits.total_time_s
        elapsed = time.monotonic() - self.started
        wall_left = total * WALL_FACTOR + WALL_SLACK_S - elapsed
        if self.live is None or self.live.cpu_start is None:
            if not cputime.available():
                return total - elapsed
            return min(total - self.cpu_spent, wall_left)
        return min(total - self.cpu_spent - self.live.cpu_seen, wall_left)


class Grader:
    """Grades submissions of one exercise; one zygote and one test load serve them all.

    The zygote starts before the tests and the reference solution are imported (see
    the module docstring), so it can keep forking clean jails for every submission.
    """

    def __init__(
        self,
        exercise: Exercise,
        *,
        include_hidden: bool = True,
        max_level: str | None = None,
        require_level: str | None = None,
        sealed: Sealed | None = None,
    ) -> None:
        self.include_hidden = include_hidden
        self.max_level = max_level or machine_max_level()
        self.require_level = require_level
        if require_level is not None and rank(machine_max_level()) < rank(require_level):
            raise BadInput(_refusal(machine_max_level(), require_level))
        if sealed is not None:
            sealed.check_exercise(exercise)
        elif (
            include_hidden and not exercise.hidden_tests.is_dir() and not exercise.solution.is_dir()
        ):
            raise BadInput(
                f"{exercise.root} is a student copy (no hidden tests, no solution): grade with "
                "the instructor's copy, with --sealed FILE, or use `grader exercise check` "
                "for the public tests"
            )
        self.zygote = shared_zygote()
        # From here on the judge holds secrets: no same-uid jail may ptrace or read it.
        _linux.make_undumpable()
        files: ExerciseFiles = FolderFiles(exercise.root)
        self.hide_extra: list[str] = []
        if sealed is not None:
            # Decrypted only now, after the zygote was forked: no jail can hold the plaintext.
            files = sealed.open()
            exercise = sealed_exercise(exercise, files)
            if sealed.path.resolve().parent != Path("/"):
                self.hide_extra.append(str(sealed.path.resolve().parent))
        self.exercise = exercise
        self.cases = collect(exercise, include_hidden=include_hidden, files=files)
        self.reference = load_reference(exercise, files) if include_hidden else None

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """The zygote is shared by every Grader of this process and ends with it; the
        scratch folders of this Grader's submissions are gone when this returns."""
        janitor.wait()

    def grade(self, submission: Path, *, student: str | None = None) -> Result:
        """Grade the files in ``submission`` (a folder holding ``exercise.entry``)."""
        started = time.monotonic()
        exercise = self.exercise
        work = Path(tempfile.mkdtemp(prefix="grader-"))
        try:
            scratch, root = work / "files", work / "root"
            shutil.copytree(submission, scratch, symlinks=True)
            root.mkdir()
            work.chmod(0o755)
            spec = JailSpec(
                scratch=str(scratch),
                root=str(root),
                entry=exercise.entry,
                limits=exercise.limits,
                max_level=self.max_level,
                hide=sorted({*_secrets(exercise, submission), *self.hide_extra}),
                cgroups=os.environ.get("GRADER_CGROUPS") != "0",
            )
            run = _Run(exercise, self.zygote, spec, started, sources=_sources(scratch))
            tests = _run_all(run, self.cases, self.reference, self.require_level)
        finally:
            janitor.remove_later(work)
        duration = time.monotonic() - started
        return _result(exercise, student, run, tests, self.include_hidden, duration)


def grade(
    exercise: Exercise,
    submission: Path,
    *,
    include_hidden: bool = True,
    student: str | None = None,
    max_level: str | None = None,
    require_level: str | None = None,
    sealed: Sealed | None = None,
) -> Result:
    """Grade one submission folder (hidden tests from ``sealed`` if given)."""
    with Grader(
        exercise,
        include_hidden=include_hidden,
        max_level=max_level,
        require_level=require_level,
        sealed=sealed,
    ) as grader:
        return grader.grade(submission, student=student)


def _sources(folder: Path, limit: int = 200, size: int = 1 << 20) -> dict[str, str]:
    """The submission's Python files as text, read here (the judge) from the host copy."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py"))[:limit]:
        if path.is_symlink() or not path.is_file():
            continue
        out[path.relative_to(folder).as_posix()] = path.read_bytes()[:size].decode(
            "utf-8", errors="replace"
        )
    return out


def _refusal(level: str, required: str) -> str:
    return (
        f"isolation level '{level}' is below the required '{required}' "
        f"(levels from weakest: {', '.join(LEVELS)}); refusing to grade"
    )


def _secrets(exercise: Exercise, submission: Path) -> list[str]:
    """Host paths the jail must never see, even where a bound folder contains them."""
    import grader

    paths = [exercise.root, submission.parent, Path.cwd(), Path(grader.__file__).parent]
    checkout = Path(grader.__file__).parent.parent
    if (checkout / "pyproject.toml").is_file():
        paths.append(checkout)
    return sorted({str(p.resolve()) for p in paths})


START_TRIES = 2  # a jail that fails to start is tried once more


def _start_jail(run: _Run, require_level: str | None) -> _Jail:
    """A started jail with the submission imported; a jail that cannot start even on a
    second try becomes that submission's verdict, never an error of the whole run."""
    why = ""
    for _ in range(START_TRIES):
        try:
            session = run.zygote.new_session(run.spec)
        except (RuntimeError, OSError) as exc:
            why = str(exc)
            continue
        try:
            session.start()
        except (RuntimeError, OSError) as exc:
            why = str(exc)
            session.close()
            continue
        return _import_in(run, session, require_level)
    failed = _Jail(None)
    failed.failure = verdicts.sandbox_failed(why)
    return failed


def _import_in(run: _Run, session: Session, require_level: str | None) -> _Jail:
    run.live = session
    run.level, run.detail = session.level, dict(session.detail)
    origin = getattr(run.zygote, "origin", "exec")
    if origin != "exec":
        run.detail["zygote"] = origin
    if require_level is not None and rank(session.level) < rank(require_level):
        session.close()
        raise BadInput(_refusal(session.level, require_level))
    jail = _Jail(session)
    limits = run.exercise.limits
    # Importing has its own budget (a first import of a big library is not a test's time).
    session.arm(max(limits.time_s, limits.import_time_s), wall_cap_s=max(0.0, run.remaining()))
    try:
        session.request({"op": "import"}, f"importing {run.exercise.entry}")
        jail.module = Proxy(session, 0, "module", Path(run.exercise.entry).stem)
    except StudentError as exc:
        jail.failure = verdicts.import_error(run.exercise.entry, exc)
    except JailGone as exc:
        jail.failure = verdicts.gone(exc, f"importing {run.exercise.entry}", None)
    return jail


def _end_jail(run: _Run, jail: _Jail | None) -> None:
    if jail is not None and jail.session is not None:
        jail.session.close()
        run.cpu_spent += jail.session.cpu_seen
        run.live = None
        run.outputs.append(jail.session.output())


def _run_all(
    run: _Run, cases: list[Case], reference: Any, require_level: str | None
) -> list[TestResult]:
    results: list[TestResult] = []
    jail: _Jail | None = None
    try:
        for case in cases:
            if run.import_failure is not None:
                # The submission cannot even be imported: every test gets that verdict,
                # without trying again (an import that loops would cost each test its limit).
                results.append(verdicts.same_as(run.import_failure, case))
                continue
            if run.remaining() <= 0:
                results.append(verdicts.out_of_time(case, run.exercise.limits.total_time_s))
                continue
            if jail is None or jail.session is None or jail.session.exit is not None:
                _end_jail(run, jail)
                jail = None  # ended: never ended twice, whatever the next start does
                jail = _start_jail(run, require_level)
                run.import_failure = jail.failure
            if run.import_failure is not None or jail.module is None:
                failure = run.import_failure or verdicts.never_started()
                results.append(verdicts.same_as(failure, case))
                continue
            results.append(_run_case(run, jail, case, reference))
    finally:
        _end_jail(run, jail)
    return results


def _run_case(run: _Run, jail: _Jail, case: Case, reference: Any) -> TestResult:
    budget = max(0.0, min(case.timeout_s, run.remaining()))
    session = jail.session
    assert session is not None  # a jail without a session never reaches a test
    session.arm(budget, wall_cap_s=max(0.0, run.remaining()))
    attach = Attach()
    fixtures: dict[str, Callable[[], Any]] = {
        "submission": lambda: jail.module,
        "reference": lambda: reference,
        "attach": lambda: attach,
        "source": lambda: dict(run.sources),
    }
    kwargs = {name: fixtures[name]() for name in case.fixtures}
    started = time.monotonic()
    box: list[TestResult] = []
    # The test runs in a worker thread so that a test that loops in the judge itself (a bug
    # in the test, where no jail deadline applies) cannot hang the grading.
    worker = threading.Thread(target=lambda: box.append(_call_test(case, kwargs)), daemon=True)
    worker.start()
    # The jail's own limit is CPU time with a wall-clock backstop; the test may run that
    # long in calls plus its own work in the judge.
    patience = max(0.0, session.deadline - time.monotonic()) + JUDGE_GRACE_S
    worker.join(patience)
    if worker.is_alive() or not box:
        session.abandon()  # the next test gets a fresh jail
        outcome = verdicts.test_hung(case, patience)
    else:
        outcome = box[0]
    outcome.duration_s = time.monotonic() - started
    outcome.attachments = list(attach.items)
    return outcome


def _call_test(case: Case, kwargs: dict[str, Any]) -> TestResult:
    try:
        returned = case.func(**kwargs)
        return verdicts.returned(case, returned)
    except AssertionError as exc:
        return verdicts.assertion(case, exc)
    except StudentError as exc:
        return verdicts.student_error(case, exc)
    except JailGone as exc:
        return verdicts.gone(exc, exc.label, case)
    except Exception as exc:  # the test itself broke on what the student returned
        return verdicts.test_crashed(case, exc, traceback.format_exc(limit=-1))


def _result(
    exercise: Exercise,
    student: str | None,
    run: _Run,
    tests: list[TestResult],
    include_hidden: bool,
    duration: float,
) -> Result:
    score = sum(t.score for t in tests)
    max_score = sum(t.max_score for t in tests)
    status: Status = "passed" if all(t.status == "passed" for t in tests) else "failed"
    statuses = {t.status for t in tests}
    if status != "passed" and len(statuses) == 1:
        status = statuses.pop()  # e.g. every test errored because the import failed
    output = "".join(run.outputs)
    cap = exercise.limits.output_kb * 1024
    if len(output) > cap:
        output = output[:cap] + "\n[... output truncated]\n"
    return sanitize.result(
        Result(
            kind="exercise",
            id=exercise.id,
            student=student,
            score=score,
            max_score=max_score,
            status=status,
            duration_s=duration,
            tests=tests,
            title=exercise.title,
            isolation=run.level,
            output=output,
            extra={
                "public_only": not include_hidden,
                "sandbox": {"level": run.level, **run.detail},
            },
        )
    )
