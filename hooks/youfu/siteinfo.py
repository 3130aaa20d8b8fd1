"""Facts about the data set shown on every page: counts and when it last changed.

"Last updated" comes from git (the date of the last commit touching `data/` or
`content/`), so two builds of the same commit say the same thing. Outside a git
checkout the date is unknown rather than guessed from file times.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog


@dataclass(frozen=True, kw_only=True)
class SiteInfo:
    data_updated: str | None  # YYYY-MM-DD
    bureau_count: int
    source_count: int


def collect(root: Path, catalog: Catalog) -> SiteInfo:
    return SiteInfo(
        data_updated=last_commit_date(root, "data", "content"),
        bureau_count=len(catalog.bureaus),
        source_count=len(catalog.sources),
    )


def last_commit_date(root: Path, *paths: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", *paths],
            cwd=root, capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    date = out.stdout.strip()
    return date or None
