"""Facts about the data set shown on every page: counts, and when things changed.

Dates come from git (the last commit touching a file), so two builds of the same
commit say the same thing. Outside a git checkout dates are unknown rather than
guessed from file times. One `git log` call serves every page.
"""
from __future__ import annotations

import os
import subprocess
from datetime import date, datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog


@dataclass(frozen=True, kw_only=True)
class Change:
    date: str  # YYYY-MM-DD
    subject: str  # the commit's first line (for staff tools; never shown on public pages)
    time: str = ""  # the commit time, ISO 8601 with its offset (2026-11-27T19:40:08+08:00)


HISTORY_LIMIT = 10  # changes shown per page


@dataclass(frozen=True, kw_only=True)
class SiteInfo:
    data_updated: str | None  # YYYY-MM-DD of the last commit touching data/ or content/
    bureau_count: int
    source_count: int
    report_count: int
    history: dict[str, list[Change]] = field(default_factory=dict)  # repo path → newest first

    def updated(self, *repo_paths: str) -> str | None:
        """The last change to any of the files."""
        return max((self.history[p][0].date for p in repo_paths if self.history.get(p)), default=None)

    def updated_at(self, *repo_paths: str) -> str | None:
        """The time of the last change to any of the files (ISO 8601), for feeds and sitemaps."""
        times = [self.history[p][0] for p in repo_paths if self.history.get(p)]
        return max((c.time or f"{c.date}T00:00:00Z" for c in times), default=None)

    def changes(self, *repo_paths: str) -> list[Change]:
        """Changes to any of the files, newest first, each commit once."""
        seen, out = set(), []
        for change in sorted((c for p in repo_paths for c in self.history.get(p, [])),
                             key=lambda c: c.date, reverse=True):
            if (change.date, change.subject) not in seen:
                seen.add((change.date, change.subject))
                out.append(change)
        return out[:HISTORY_LIMIT]


def source_date_epoch(root: Path | None = None) -> int | None:
    """The moment a build speaks for, in seconds since 1970: SOURCE_DATE_EPOCH when set
    (reproducible builds), else the time of the last commit of `root` (so the same commit
    gives the same bytes on any day), else None (outside git)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return int(epoch)
    if root is None:
        return None
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                             timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = out.stdout.strip()
    return int(stamp) if out.returncode == 0 and stamp.isdigit() else None


def build_date(root: Path | None = None) -> date:
    """The day the build speaks for: SOURCE_DATE_EPOCH when set, else the day of the last commit
    of `root`, else today (outside git)."""
    epoch = source_date_epoch(root)
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).date()
    return date.today()


def collect(root: Path, catalog: Catalog) -> SiteInfo:
    history = file_history(root, "data", "content")
    return SiteInfo(
        data_updated=max((changes[0].date for changes in history.values()), default=None),
        bureau_count=len(catalog.bureaus),
        source_count=len(catalog.sources),
        report_count=len(catalog.reports),
        history=history,
    )


def git_head(root: Path) -> str | None:
    """The commit checked out (None outside git): change histories change only with it."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def file_history(root: Path, *paths: str) -> dict[str, list[Change]]:
    """Every commit touching each file under `paths`, newest first, from one git call."""
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%cs%x01%cI%x01%s", "--name-only", "--no-renames", "--", *paths],
            cwd=root, capture_output=True, text=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if out.returncode != 0:
        return {}
    history: dict[str, list[Change]] = {}
    for block in out.stdout.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        date, _, rest = lines[0].partition("\x01")
        time, _, subject = rest.partition("\x01")
        change = Change(date=date.strip(), subject=subject.strip(), time=time.strip())
        for name in lines[1:]:
            history.setdefault(name.strip(), []).append(change)
    return history
