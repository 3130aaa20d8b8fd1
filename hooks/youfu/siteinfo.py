"""Facts about the data set shown on every page: counts, and when things changed.

Dates come from git (the last commit touching a file), so two builds of the same
commit say the same thing. Outside a git checkout dates are unknown rather than
guessed from file times. One `git log` call serves every page.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog


@dataclass(frozen=True, kw_only=True)
class SiteInfo:
    data_updated: str | None  # YYYY-MM-DD of the last commit touching data/ or content/
    bureau_count: int
    source_count: int
    report_count: int
    file_dates: dict[str, str] = field(default_factory=dict)  # repo path → YYYY-MM-DD

    def updated(self, repo_path: str) -> str | None:
        return self.file_dates.get(repo_path)


def collect(root: Path, catalog: Catalog) -> SiteInfo:
    dates = file_dates(root, "data", "content")
    return SiteInfo(
        data_updated=max(dates.values(), default=None),
        bureau_count=len(catalog.bureaus),
        source_count=len(catalog.sources),
        report_count=len(catalog.reports),
        file_dates=dates,
    )


def file_dates(root: Path, *paths: str) -> dict[str, str]:
    """Last commit date of every file under `paths` (newest commit wins)."""
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", *paths],
            cwd=root, capture_output=True, text=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if out.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    for block in out.stdout.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        date, names = lines[0].strip(), lines[1:]
        for name in names:
            dates.setdefault(name.strip(), date)
    return dates
