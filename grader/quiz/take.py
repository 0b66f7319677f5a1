"""`grader quiz take`: start or resume an attempt, run it, save the results.

Exit codes: 0 the attempt was completed (whatever the score) or input ended cleanly
with progress saved; 2 bad input; 130 interrupted by Ctrl-C (progress saved).

Start-up order matters (budget: first question on screen in 150 ms): the attempt is
created from the bank's small display cache and its first question drawn before the
bank itself (YAML, Markdown, question types) is loaded; see grader.quiz.display.
On a first run with a bank (no display cache yet) a quick read without the math checks
(grader.bank.loader.skim_bank) chooses the questions and draws the first one; the full
check follows before any key is read, so an invalid bank still ends with its problems
and exit 2 before an answer is taken.
"""

from __future__ import annotations

import getpass
import os
import secrets
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from grader.errors import BadInput
from grader.quiz import display as display_cache
from grader.quiz import store
from grader.quiz.bank_cache import code_fingerprint, file_sha256
from grader.quiz.session import (
    MODES,
    Selectable,
    Session,
    draw_layout,
    head_of,
    parse_duration,
    select_questions,
)
from grader.report.style import Painter, color_wanted, terminal_width
from grader.report.terminal_templates import render
from grader.resources import resolve_bank

if TYPE_CHECKING:
    from collections.abc import Sequence

    from grader.bank.model import Bank, Question
    from grader.quiz.flow import Driver
    from grader.quiz.terminal import Terminal

EXIT_INTERRUPTED = 130


def default_student() -> str:
    return os.environ.get("GRADER_STUDENT") or _login()


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (some containers)
        return "student"


def command_line(bank_arg: str, student: str, explicit_student: bool) -> str:
    cmd = f"grader quiz take {bank_arg}"
    return cmd + (f" --student {student}" if explicit_student else "")


def new_session(
    source: display_cache.Display | Sequence[Question],
    bank_file: Path,
    sha: str,
    *,
    student: str,
    seed: int | None,
    mode: str,
    tags: list[str],
    limit: int | None,
    time_limit_s: float | None,
    now: float,
    bank_id: str = "",
) -> Session:
    """A new attempt, chosen from the display cache or (first run) the bank itself."""
    seed = seed if seed is not None else secrets.randbelow(1_000_000)
    pool: Sequence[Selectable] = (
        source.questions if isinstance(source, display_cache.Display) else source
    )
    order = select_questions(pool, seed=seed, tags=tags, limit=limit)
    if not order:
        known = sorted({t for q in pool for t in q.tags})
        raise BadInput(
            f"{bank_file}: no question has the tag(s) {', '.join(tags)} "
            f"(tags: {', '.join(known) or 'none'})"
        )
    infos = {q.id: q for q in pool}

    def layout(q: Selectable) -> list[str]:
        options = q.options if isinstance(q, display_cache.QuestionInfo) else None
        return draw_layout(q, seed, options)

    return Session(
        bank_id=source.bank_id if isinstance(source, display_cache.Display) else bank_id,
        bank_file=str(bank_file),
        bank_sha256=sha,
        student=student,
        seed=seed,
        mode=mode,  # type: ignore[arg-type]
        order=order,
        layout={qid: layout(infos[qid]) for qid in order},
        started_at=now,
        deadline=now + time_limit_s if time_limit_s else None,
        time_limit_s=time_limit_s,
    )


def reconcile(session: Session, bank: Bank, sha: str) -> tuple[list[str], list[str]]:
    """Fit a saved attempt to the bank as it is now: (question ids no longer in the
    bank, ids whose saved answer no longer fits and was dropped)."""
    if session.bank_sha256 == sha:
        return [], []
    by_id = {q.id: q for q in bank.questions}
    removed = [qid for qid in session.order if qid not in by_id]
    dropped: list[str] = []
    if removed:
        done = [qid for qid in session.order[: session.current] if qid in by_id]
        session.current = len(done)
    session.order = [qid for qid in session.order if qid in by_id]
    for qid in list(session.attempts):
        attempt = session.attempts[qid]
        q = by_id.get(qid)
        try:
            ok = q is not None and (
                attempt.response is None or q.parse_response(attempt.response) is not None
            )
        except ValueError:  # ResponseError
            ok = False
        if not ok:
            del session.attempts[qid]
            if q is not None and attempt.answered:
                dropped.append(qid)
    for qid in session.order:
        session.layout[qid] = draw_layout(by_id[qid], session.seed)
    session.bank_sha256 = sha
    return removed, dropped


def nothing_done(session: Session) -> bool:
    """An attempt with nothing in it worth keeping (no answer, try or hint), and no
    running clock: a plain start may replace it."""
    return session.deadline is None and not any(
        a.answered or a.tries or a.hints_shown for a in session.attempts.values()
    )


def main(
    *,
    bank: str,
    student: str | None = None,
    seed: int | None = None,
    mode: str = "practice",
    resume: bool = False,
    restart: bool = False,
    tags: list[str] | None = None,
    limit: int | None = None,
    time_limit: str | None = None,
    no_color: bool = False,
    out: Path | None = None,
    save_answers: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if mode not in MODES:
        raise BadInput(f"unknown mode '{mode}' (choose from {', '.join(MODES)})")
    if limit is not None and limit < 1:
        raise BadInput(f"--limit must be at least 1, found {limit}")
    time_limit_s = None
    if time_limit:
        try:
            time_limit_s = parse_duration(time_limit)
        except ValueError as exc:
            raise BadInput(f"--time-limit: {exc}") from None
    path = resolve_bank(bank)
    sha = file_sha256(path)
    fingerprint = code_fingerprint()
    # A "dumb" terminal cannot clear or redraw: it gets the line-based UI.
    interactive = (
        stdin.isatty()
        and stdout.isatty()
        and os.name == "posix"
        and os.environ.get("TERM", "") != "dumb"
    )
    the_bank: Bank | None = None
    quick: Bank | None = None
    display = display_cache.load_display(sha, fingerprint)
    if display is None:  # first run with this bank (or a new grader)
        # On a terminal, a quick read (math unchecked) draws the first question and the
        # full check follows before any key is read; elsewhere the bank is checked first.
        # The display cache is built after the first paint.
        quick = _skim(path) if interactive else None
        if quick is None:
            the_bank, _ = _load(path, sha)
        first = quick or the_bank
        assert first is not None
        display = display_cache.Display(first.id, first.title, [])
    explicit_student = student is not None
    who = student or default_student()
    command = command_line(bank, who, explicit_student)
    paint = Painter(color_wanted(no_color=no_color, stream=stdout))

    def say_template(name: str, **context: Any) -> None:
        stdout.write(render("message.txt.j2", paint=paint, columns=80, name=name, **context))
        stdout.write("\n")
        stdout.flush()

    try:
        session, replaced = open_session(
            display, quick or the_bank, path, sha, who=who, command=command, resume=resume,
            restart=restart, seed=seed, mode=mode, tags=list(tags or []), limit=limit,
            time_limit_s=time_limit_s,
        )  # fmt: skip
    except BadInput:
        if quick is not None:  # an invalid bank says so first, as when it was checked first
            _load(path, sha)
        raise

    loaded: Bank | None = None
    try:
        outcome, loaded = _run(
            display, session, path, sha, fingerprint, the_bank, quick, interactive, resume,
            paint, stdin, stdout, notes=["empty_replaced"] if replaced else [],
        )  # fmt: skip
    except KeyboardInterrupt:  # Ctrl-C while the bank was still loading
        store.save_session(session)
        outcome = "interrupted"
    progress = {
        "answered": session.answered_count,
        "total": len(session.order),
        "path": store.session_path(session.bank_id, who),
        "command": command,
    }
    if outcome in ("eof", "quit", "interrupted"):
        if outcome == "interrupted":
            stdout.write("\n")
        say_template("eof" if outcome == "eof" else "saved", **progress)
        return EXIT_INTERRUPTED if outcome == "interrupted" else 0
    if outcome == "timeout":
        say_template("timeout")
    assert loaded is not None  # every other outcome ran the attempt with the bank loaded
    return finish(
        loaded, session, stdout=stdout, paint=paint, out=out, say=say_template,
        pager_in=stdin if interactive else None, save_answers=save_answers, bank_arg=bank,
    )  # fmt: skip


def open_session(
    display: display_cache.Display,
    read: Bank | None,
    path: Path,
    sha: str,
    *,
    who: str,
    command: str,
    resume: bool,
    restart: bool,
    seed: int | None,
    mode: str,
    tags: list[str],
    limit: int | None,
    time_limit_s: float | None,
) -> tuple[Session, bool]:
    """The saved attempt to resume, or a new one chosen from ``read`` (the bank as read
    so far) or the display cache: (session, whether an empty saved attempt is replaced)."""
    saved = store.load_session(display.bank_id, who)
    replaced = False
    if resume:
        if saved is None:
            raise BadInput(
                f"no saved attempt of '{display.bank_id}' for student '{who}' in "
                f"{store.session_path(display.bank_id, who).parent}; start one with `{command}`"
            )
        session = saved
    else:
        replaced = saved is not None and not restart and nothing_done(saved)
        if saved is not None and not restart and not replaced:
            raise BadInput(
                render(
                    "message.txt.j2",
                    paint=Painter(False),
                    columns=200,
                    name="unfinished",
                    bank=display.bank_id,
                    answered=saved.answered_count,
                    total=len(saved.order),
                    command=command,
                ).strip()
            )
        session = new_session(
            display if read is None else read.questions,
            path,
            sha,
            student=who,
            seed=seed,
            mode=mode,
            tags=tags,
            limit=limit,
            time_limit_s=time_limit_s,
            now=time.time(),
            bank_id=display.bank_id,
        )
    return session, replaced


def _run(
    display: display_cache.Display,
    session: Session,
    path: Path,
    sha: str,
    fingerprint: str,
    the_bank: Bank | None,
    quick: Bank | None,
    interactive: bool,
    resume: bool,
    paint: Painter,
    stdin: TextIO,
    stdout: TextIO,
    notes: list[str],
) -> tuple[str, Bank]:
    """Paint the first question, load the bank, run the attempt: (outcome, bank)."""
    with ExitStack() as stack:
        term: Terminal | None = None
        painted = False
        if interactive:
            from grader.quiz.terminal import Terminal

            term = stack.enter_context(Terminal(stdin, stdout))
            painted = paint_first_screen(term, display, session, sha, paint)
        if not resume:
            # From the display cache, saved after the first paint (an fsync can cost a
            # slow disk tens of ms); on a first run, before its first screen as always.
            store.save_session(session)
        if term is not None and not painted and quick is not None:
            painted = paint_quick(term, quick, session, sha, paint)
        try:
            # Keys typed meanwhile wait in the terminal: an invalid bank (or student's
            # variant of it) ends here, with its problems and exit 2, before any answer
            # is taken, so none is lost.
            if the_bank is None:
                the_bank, _ = _load(path, sha)
            base = the_bank
            if the_bank.parametrized:  # this student's numbers, the same on every resume
                from grader.bank.variants import bank_for_student

                the_bank = bank_for_student(the_bank, session.student)[0]
        except BadInput:
            if not resume:  # nothing in it yet; it must not block the next start
                store.discard_session(session.bank_id, session.student)
            raise
        if term is not None and not painted:
            paint_from_bank(term, the_bank, session, sha, paint)
        # Behind the first screen: the display cache for the next start.
        fresh = not display.questions
        if fresh:
            display.questions = display_cache.build_display(base).questions
        columns = terminal_width(cap=100) - 1 if interactive else terminal_width(cap=100)
        if display_cache.add_prompts(display, the_bank, columns, paint.color) or fresh:
            display_cache.save_display(display, sha, fingerprint)
        removed, dropped = reconcile(session, the_bank, sha) if resume else ([], [])
        if removed or dropped:
            notes = [*notes, "bank_changed"]
        messages = [
            render(
                "message.txt.j2", paint=paint, columns=80, name=note, bank=display.bank_id,
                removed=removed, dropped=dropped,
            )
            for note in notes
        ]  # fmt: skip
        if resume:
            messages.append(
                render(
                    "message.txt.j2",
                    paint=paint,
                    columns=80,
                    name="resumed",
                    title=the_bank.title,
                    answered=session.answered_count,
                    total=len(session.order),
                )
            )
        driver: Driver
        if term is not None:
            from grader.quiz.tty_ui import TtyDriver

            driver = TtyDriver(term, paint, notice="\n".join(m.strip() for m in messages))
        else:
            from grader.quiz.plain_ui import PlainDriver

            driver = PlainDriver(stdin, stdout, paint)
            for message in messages:
                stdout.write(message.rstrip("\n") + "\n")
        outcome = run_flow(the_bank, session, driver)
    return outcome, the_bank


def _load(path: Path, sha: str) -> tuple[Bank, str]:
    from grader.quiz.bank_cache import load_bank_cached

    return load_bank_cached(path, sha)


def _skim(path: Path) -> Bank | None:
    from grader.bank.loader import skim_bank

    return skim_bank(path)


def run_flow(bank: Bank, session: Session, driver: Driver) -> str:
    """ "done", "timeout", "eof", "quit" or "interrupted" (Ctrl-C); progress is saved."""
    from grader.quiz.flow import Flow, Stop

    flow = Flow(bank, session, driver, store.save_session)
    try:
        return "done" if flow.run() else "timeout"
    except Stop as stop:
        store.save_session(session)
        return stop.reason
    except KeyboardInterrupt:
        store.save_session(session)
        return "interrupted"


def paint_quick(term: Terminal, quick: Bank, session: Session, sha: str, paint: Painter) -> bool:
    """Draw the current question from the quick read of a first run, before the bank
    is fully checked: the student's own variant, as the full UI will draw it."""
    if quick.parametrized:
        from grader.bank.variants import bank_for_student
        from grader.errors import ValidationFailed

        try:
            quick = bank_for_student(quick, session.student)[0]
        except ValidationFailed:  # the full check says what is wrong, after no paint
            return False
    return paint_from_bank(term, quick, session, sha, paint)


def paint_from_bank(term: Terminal, bank: Bank, session: Session, sha: str, paint: Painter) -> bool:
    """Draw the current question from the bank, before the display cache is built (a
    first run); the same screen the full UI draws for it. False if nothing was drawn."""
    from grader.quiz.flow import render_prompt
    from grader.quiz.widgets import make_widget

    if session.reviewing or session.current >= len(session.order) or session.bank_sha256 != sha:
        return False
    qid = session.order[session.current]
    q = next((q for q in bank.questions if q.id == qid), None)
    attempt = session.attempts.get(qid)
    if q is None or (attempt is not None and (attempt.hints_shown or attempt.answered)):
        return False
    columns = terminal_width(cap=100) - 1
    _draw_question(
        term, paint, columns, head_of(bank.title, session, session.current, q.points, time.time()),
        render_prompt(q, columns, paint), make_widget(q, session.layout.get(qid, [])).view(),
        practice=session.mode == "practice", has_hints=bool(q.hints),
    )  # fmt: skip
    return True


def _draw_question(
    term: Terminal,
    paint: Painter,
    columns: int,
    head: dict[str, Any],
    prompt_lines: list[str],
    widget: dict[str, Any],
    *,
    practice: bool,
    has_hints: bool,
) -> None:
    from grader.quiz.layout import compose

    text = render(
        "question.txt.j2", paint=paint, columns=columns, head=head, prompt_lines=prompt_lines,
        widget=widget, error="", hints=[], notice="", practice=practice, has_hints=has_hints,
    )  # fmt: skip
    width, rows = term.size()
    term.draw(compose(text, width - 1, rows, paint=paint).lines)


def paint_first_screen(
    term: Terminal, display: display_cache.Display, session: Session, sha: str, paint: Painter
) -> bool:
    """Draw the current question from the display cache, before the bank is loaded.
    Only for a question in its fresh state (what the full UI will draw identically)."""
    if session.reviewing or session.current >= len(session.order) or session.bank_sha256 != sha:
        return False
    qid = session.order[session.current]
    info = display.info(qid)
    attempt = session.attempts.get(qid)
    if info is None or (attempt is not None and (attempt.hints_shown or attempt.answered)):
        return False
    if info.params:  # the cache holds some student's numbers, maybe not this one's
        return False
    columns = terminal_width(cap=100) - 1
    lines = display.prompts.get(display_cache.prompt_key(columns, paint.color), {}).get(qid)
    if lines is None:
        return False
    _draw_question(
        term, paint, columns,
        head_of(display.title, session, session.current, info.points, time.time()), lines,
        display_cache.first_view(info, session.layout.get(qid, [])),
        practice=session.mode == "practice", has_hints=bool(info.hints),
    )  # fmt: skip
    return True


def finish(
    bank: Bank,
    session: Session,
    *,
    stdout: TextIO,
    paint: Painter,
    out: Path | None,
    say: Any,
    pager_in: TextIO | None = None,
    save_answers: Path | None = None,
    bank_arg: str | None = None,
) -> int:
    """Save and show the result; on a terminal (``pager_in``) a long report is paged."""
    by_id = {q.id: q for q in bank.questions}
    questions = [by_id[qid] for qid in session.order]
    responses = {qid: a.response for qid, a in session.attempts.items() if a.answered}
    per_question = {
        qid: {"tries": len(a.tries), "hints_shown": a.hints_shown, "seconds": round(a.seconds, 1)}
        for qid, a in session.attempts.items()
    }
    from grader.quiz.scoring import build_result

    now = time.time()
    result = build_result(
        bank,
        questions,
        responses,
        student=session.student,
        duration_s=max(0.0, now - session.started_at),
        extra_per_question=per_question,
        extra={
            "mode": session.mode,
            "seed": session.seed,
            "bank_sha256": session.bank_sha256,
            "started_at": _iso(session.started_at),
            "finished_at": _iso(now),
        },
    )
    from grader.report.json_report import render as render_json
    from grader.report.text_report import render as render_text

    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
    name = f"{store.slug(bank.id)}--{store.slug(session.student)}--{stamp}.json"
    saved = store.results_dir() / name
    report = render_json(result)
    store.write_atomic(saved, report)  # before the attempt is discarded: never both lost
    if out is not None:
        store.write_atomic(out, report)
    if save_answers is not None:
        from grader.quiz.answers import dump_answers

        grade_as = bank_arg or bank.id
        variant = next((q.variant for q in questions if q.variant is not None), None)
        answers = dump_answers(
            grade_as, session.order, responses, student=session.student, variant=variant
        )
        store.write_atomic(save_answers, answers)
    store.discard_session(bank.id, session.student)
    if pager_in is not None:
        text = render_text(result, color=paint.color, columns=terminal_width(cap=100) - 1)
        from grader.quiz.tty_ui import page_summary

        where = render("message.txt.j2", paint=paint, columns=80, name="results", path=out or saved)
        if save_answers is not None:
            where = where.strip() + "\n" + render(
                "message.txt.j2", paint=paint, columns=80, name="answers_saved",
                path=save_answers, bank=grade_as,
            )  # fmt: skip
        page_summary(pager_in, stdout, paint, text, where.strip())
        return 0
    text = render_text(result, color=paint.color)
    stdout.write("\n" + text)
    say("results", path=out or saved)
    if save_answers is not None:
        say("answers_saved", path=save_answers, bank=grade_as)
    return 0


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
