"""Shared test helpers: a throwaway repository with chosen data files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The smallest valid data set; tests replace one file to break it.
SOURCES_YML = """\
- id: "001"
  file: 001_89d13becceec202a.txt
  title: 测试资料
  parts: [篇1, 篇2]
  language: 简体
"""

EMPTY_LISTS = ("groups", "legal", "glossary", "benefits", "facilities", "blood_rules")

BUREAUS_YML = """\
- id: test-city
  name: 测试市卫生局
  level: city
  region: {province: 江苏省, city: 测试市, county: null}
  sources:
    - {file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}
"""


@pytest.fixture
def repo(tmp_path: Path):
    """A function writing {relative path: text or bytes} into a fresh repo; returns its root."""

    def make(files: dict[str, str | bytes] | None = None) -> Path:
        base = {"data/sources.yml": SOURCES_YML, "data/bureaus.yml": BUREAUS_YML,
                **{f"data/{name}.yml": "[]\n" for name in EMPTY_LISTS}}
        base.update(files or {})
        for relative, content in base.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def site_copy(tmp_path: Path):
    """A copy of the real project (without site/ and .git) to break and build."""
    target = tmp_path / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info", ".pytest_cache"))
    return target


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    """The shipped data built once per test session (read it, never change it: tests that
    need to change a site build their own)."""
    from helpers import build

    out = tmp_path_factory.mktemp("shipped-site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def shipped_url(shipped_site):
    """shipped_site served over HTTP on 127.0.0.1 for the whole session."""
    from helpers import serve

    with serve(shipped_site) as url:
        yield url
