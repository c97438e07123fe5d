"""What the loader and validator report: a place in a pack file and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class PackIssue:
    """One problem in a pack, pointing at ``file:line``."""

    file: str
    line: int
    message: str
    level: Literal["error", "warning"] = "error"
    check: str = "schema"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.level}: {self.message}"


class PackInvalid(Exception):
    """A pack that cannot be used; ``issues`` lists every problem at once."""

    def __init__(self, issues: list[PackIssue]) -> None:
        self.issues = issues
        errors = [issue for issue in issues if issue.level == "error"]
        lines = "\n".join(str(issue) for issue in errors)
        super().__init__(f"the pack has {len(errors)} error(s):\n{lines}")
