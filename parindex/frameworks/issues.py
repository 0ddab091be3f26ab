"""What an import found wrong, located in the file: sheet, row and column, or the node's code."""

from __future__ import annotations

from dataclasses import dataclass

from parindex.frameworks.rules import Problem


@dataclass(frozen=True)
class FileIssue:
    problem: Problem
    sheet: str = ""
    row: int | None = None  # the row in the sheet (Excel) or the line (YAML), when known
    column: str = ""


class FrameworkFileError(Exception):
    """The file cannot be turned into a framework; `issues` lists every reason."""

    def __init__(self, issues: list[FileIssue]) -> None:
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = issues
