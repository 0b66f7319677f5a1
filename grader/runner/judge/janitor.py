"""Scratch folders removed behind the judge's back, so the next submission need not wait.

One thread removes them in order; the process waits for it at exit, so nothing is left
in the temporary folder when grading ends normally.
"""

from __future__ import annotations

import atexit
import queue
import shutil
import threading
from pathlib import Path

_todo: queue.Queue[Path] = queue.Queue()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def remove_later(folder: Path) -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_work, name="grader-janitor", daemon=True)
            _thread.start()
            atexit.register(wait)
    _todo.put(folder)


def wait() -> None:
    """Until every folder handed over so far is gone."""
    _todo.join()


def _work() -> None:
    while True:
        folder = _todo.get()
        try:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            _todo.task_done()
