"""Page history comes from git: last updated and the change list, from known commits."""
from __future__ import annotations

import os
import subprocess

from youfu import siteinfo


def git(root, *args, date=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+08:00"
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_history_from_known_commits(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "data").mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "data/facilities.yml").write_text("[]\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "新增机构文件", date="2025-01-05")
    (tmp_path / "content/a.md").write_text("# 甲\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "添加报告甲", date="2025-03-01")
    (tmp_path / "data/facilities.yml").write_text("- id: x\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "更正机构电话", date="2025-06-30")

    history = siteinfo.file_history(tmp_path, "data", "content")
    info = siteinfo.SiteInfo(data_updated=None, bureau_count=0, source_count=0, report_count=0, history=history)
    assert info.updated("data/facilities.yml") == "2025-06-30"
    assert info.updated("content/a.md") == "2025-03-01"
    assert [(c.date, c.subject) for c in info.changes("data/facilities.yml")] == [
        ("2025-06-30", "更正机构电话"), ("2025-01-05", "新增机构文件")]
    assert [c.subject for c in info.changes("data/facilities.yml", "content/a.md")] == [
        "更正机构电话", "添加报告甲", "新增机构文件"]
    assert info.updated("content/missing.md") is None


def test_outside_git_history_is_empty(tmp_path):
    assert siteinfo.file_history(tmp_path, "data") == {}
