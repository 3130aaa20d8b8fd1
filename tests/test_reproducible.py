"""The same commit gives the same bytes on any day: the build's date comes from SOURCE_DATE_EPOCH,
else from the last commit, never from the clock (no faketime needed: a build dated by the clock
is shown to differ, and the build without the variable is shown to equal the one dated by the commit)."""
from __future__ import annotations

import filecmp
import os
import subprocess
import time
from pathlib import Path

import pytest

from helpers import build

pytestmark = pytest.mark.build

COMMIT_TIME = "2025-01-02T03:04:05+00:00"  # far from any day the suite runs on
COMMIT_EPOCH = 1735787045


def _differences(a: Path, b: Path) -> list[str]:
    out: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(prefix + n for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return sorted(out)


def _with_env(name: str, value: str | None):
    old = os.environ.get(name)

    class Scope:
        def __enter__(self):
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

        def __exit__(self, *exc):
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old

    return Scope()


def test_the_same_commit_builds_the_same_bytes_whatever_the_clock(site_copy, tmp_path):
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMIT_TIME, "GIT_COMMITTER_DATE": COMMIT_TIME,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    # a limited-time campaign that ended between the commit and today: the page says it has ended
    # only when the build is dated after its end
    benefits = site_copy / "data/benefits.yml"
    text = benefits.read_text(encoding="utf-8")
    old = "      year: 2014\n      start: 2014-03-20\n      end: 2014-12-31\n"
    assert text.count(old) == 1
    benefits.write_text(text.replace(old, "      year: 2025\n      start: 2025-01-01\n      end: 2025-06-30\n"),
                        encoding="utf-8")
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "测试：整理资料"]):
        subprocess.run(command, cwd=site_copy, env=env, check=True, capture_output=True)
    url = "--site-url=https://example.org/youfu/"
    sites = {}
    for name, epoch in (("plain", None), ("commit", str(COMMIT_EPOCH)), ("clock", str(int(time.time())))):
        with _with_env("SOURCE_DATE_EPOCH", epoch):
            result = build(site_copy, tmp_path / name, url)
        assert result.returncode == 0, result.stderr[-3000:]
        sites[name] = tmp_path / name
    # a build dated by the clock differs (so the date does reach the output) …
    clock = _differences(sites["commit"], sites["clock"])
    page = "benefits/packages/datong-city-package.html"
    assert page in clock, clock
    assert "活动早已结束" in (sites["clock"] / page).read_text(encoding="utf-8")
    assert "活动早已结束" not in (sites["commit"] / page).read_text(encoding="utf-8")
    # … and the build without SOURCE_DATE_EPOCH is the one dated by the commit, byte for byte
    assert _differences(sites["plain"], sites["commit"]) == []
    # youfu writes the sitemap itself (the engine's, and its .gz, are left out): dated by commits
    assert not (sites["plain"] / "sitemap.xml.gz").exists()
    sitemap = (sites["plain"] / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2025-01-02</lastmod>" in sitemap and time.strftime("%Y-%m-%d") not in sitemap
