"""The errors proversim raises: each names where and what, as the command
line does."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class ScenarioError(ValueError):
    """A scenario or sweep that cannot be loaded.

    ``str(e)`` is the command line's message (every problem, one a line).
    ``problems`` lists each as a dict with ``origin``, ``file``, ``line``,
    ``column``, ``key`` and ``message``; ``file``, ``line``, ``column`` and
    ``key`` are the first problem's.
    """

    def __init__(self, message: str, problems: List[Dict[str, Any]]):
        super().__init__(message)
        self.problems = problems
        first = problems[0] if problems else {}
        self.file: Optional[str] = first.get("file")
        self.line: Optional[int] = first.get("line")
        self.column: Optional[int] = first.get("column")
        self.key: Optional[str] = first.get("key")
        self.message: str = first.get("message", message)


class TraceError(ValueError):
    """A replay trace that cannot be settled, with where and what, as the
    command line names them: the file; the line and column of a syntax
    error; the event (counted from 1) and its slot; the key."""

    def __init__(
        self,
        message: str,
        file: str,
        line: Optional[int],
        column: Optional[int],
        key: Optional[str],
        event: Optional[int] = None,
        slot: Optional[int] = None,
    ):
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.event = event
        self.slot = slot
        self.message = message
