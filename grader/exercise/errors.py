"""The one outcome of a call into student code that a test may catch and inspect."""

from __future__ import annotations


class StudentError(Exception):
    """Student code raised an exception; carries its type, message and the student's frames."""

    def __init__(self, type_name: str, message: str, traceback: str, *, memory: bool = False):
        super().__init__(f"{type_name}: {message}" if message else type_name)
        self.type_name = type_name
        self.message = message
        self.traceback = traceback
        self.memory = memory
