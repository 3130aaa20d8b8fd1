"""Problems found in the data: where they are and which rule they break.

Every check in youfu yields `Problem`s instead of raising, so that one run
reports everything that is wrong at once, as `path:line: message`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True, kw_only=True)
class Problem:
    path: str  # relative to the repository root, with forward slashes
    line: int  # 1-based; 1 when a problem concerns the whole file
    message: str  # phrased as a rule: "level must be one of …"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DataError(Exception):
    """Raised once, after validation, carrying every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"数据中共有 {count} 个问题，网站没有生成（{count} problem{'s' if count != 1 else ''} found in the data; nothing was built）。")
        return "\n".join(lines)
