"""`youfu validate --since REF`: a published record or report whose facts change needs a new
change_note (issue 18), judged against the git version REF."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

REPORT = """---
title: 测试市卫生局2015年双拥工作总结
bureau: test-city
year: 2015
kind: 总结
topics: [优抚医疗]
sources:
  - {file: 001_89d13becceec202a.txt, part: 篇1, where: 全篇}
---

## 背景

测试市卫生局当年组织了一次走访。
"""
PATH = "content/reports/test-city/2015-zongjie.md"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=编辑", "-c", "user.email=e@example.org", *args], cwd=root, check=True,
                   capture_output=True)


def validate(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "youfu", "validate", *args], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def project(repo):
    root = repo({"mkdocs.yml": "site_name: x\n", PATH: REPORT})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_record_needs_a_change_note(project):
    edit(project, "data/bureaus.yml", "name: 测试市卫生局", "name: 测试市卫生健康委员会")
    assert validate(project).returncode == 0  # without --since nothing is compared
    result = validate(project, "--since", "HEAD")
    assert result.returncode == 1
    # data/bureaus.yml line 1 is "- id: test-city" (tests/conftest.py)
    assert result.stderr.startswith("data/bureaus.yml:1: 这条内容已经发布，这次改动了它（与 HEAD 相比）：请加一行 change_note"), \
        result.stderr
    edit(project, "data/bureaus.yml", "  level: city\n", "  level: city\n  change_note: 部门改名为测试市卫生健康委员会\n")
    assert validate(project, "--since", "HEAD").returncode == 0
    git(project, "commit", "-qam", "rename")
    # The next change must not reuse the last note.
    edit(project, "data/bureaus.yml", "city: 测试市,", "city: 新测试市,")
    result = validate(project, "--since", "HEAD")
    assert result.returncode == 1
    assert result.stderr.startswith("data/bureaus.yml:4: change_note（更新说明）还是上一次改动的说明"), result.stderr


def test_comments_spacing_and_new_records_need_no_note(project):
    edit(project, "data/bureaus.yml", "  level: city\n", "  level:   city    # 市级\n")
    text = (project / "data/bureaus.yml").read_text(encoding="utf-8")
    (project / "data/bureaus.yml").write_text(text + text.replace("test-city", "other-city"), encoding="utf-8")
    result = validate(project, "--since", "HEAD")
    assert result.returncode == 0, result.stderr


def test_changed_report_needs_a_change_note_unless_it_was_a_draft(project):
    edit(project, PATH, "组织了一次走访。", "组织了两次走访。")
    result = validate(project, "--since", "HEAD")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{PATH}:2: 这条内容已经发布"), result.stderr
    edit(project, PATH, "kind: 总结\n", "kind: 总结\nchange_note: 更正了走访次数\n")
    assert validate(project, "--since", "HEAD").returncode == 0
    # A report that was a draft at the base is published for the first time: no note needed.
    (project / PATH).write_text(REPORT.replace("kind: 总结\n", "kind: 总结\ndraft: true\n"), encoding="utf-8")
    git(project, "commit", "-qam", "draft")
    (project / PATH).write_text(REPORT.replace("一次走访", "三次走访"), encoding="utf-8")
    assert validate(project, "--since", "HEAD").returncode == 0


def test_unknown_version_is_told_in_chinese(project):
    result = validate(project, "--since", "no-such-branch")
    assert result.returncode == 1
    assert "--since no-such-branch：在这个 git 仓库里找不到这个版本" in result.stderr
