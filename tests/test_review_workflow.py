"""The pull/merge request jobs (issue 18): check, build, compare with the base branch and keep
the built site. The GitLab job's own script lines are run here, in a real git repository with
a change on top of a base commit; the GitHub workflow is checked to run the same commands."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import ROOT

REPORT = "content/reports/datong-city/2014-fangan.md"


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=编辑", "-c", "user.email=editor@example.org", *args],
                          cwd=project, check=True, capture_output=True, text=True).stdout.strip()


@pytest.mark.build
def test_gitlab_review_job_lists_the_pages_a_change_touches(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info",
                                                                 ".pytest_cache", ".youfu", "node_modules"))
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    base = git(project, "rev-parse", "HEAD")
    report = project / REPORT
    report.write_text(report.read_text(encoding="utf-8").rstrip() + "\n\n审核时加上的一句话。\n", encoding="utf-8")
    git(project, "commit", "-qam", "change")

    job = yaml.safe_load((project / ".gitlab-ci.yml").read_text(encoding="utf-8"))["review"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHONPATH": str(project / "hooks"), "TMPDIR": str(tmp_path),
           "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "HOME": str(tmp_path), **job["variables"]}
    def run(line: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", "set -o pipefail; " + line], cwd=project, env=env,
                              capture_output=True, text=True, timeout=600)

    # A published report changed without a change_note: the job stops at its first line.
    result = run(job["script"][0])
    assert result.returncode == 1
    assert f"{REPORT}:2: 这条内容已经发布" in result.stderr, result.stderr
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("\ntitle:", "\nchange_note: 补充了审核时的一句说明\ntitle:", 1), encoding="utf-8")
    git(project, "commit", "-qam", "note")
    for line in job["script"]:
        result = run(line)
        assert result.returncode == 0, f"{line}\n{result.stderr[-3000:]}"
    summary = (project / "site-diff.md").read_text(encoding="utf-8")
    assert "新增 0 页，改动 1 页，删除 0 页" in summary, summary
    assert "`reports/datong-city/2014-fangan.html`" in summary
    for artifact in job["artifacts"]["paths"]:
        assert (project / artifact).exists(), artifact
    assert (project / "site-preview/reports/datong-city/2014-fangan.html").is_file()


def test_github_review_workflow_runs_the_same_steps():
    workflow = yaml.safe_load((ROOT / ".github/workflows/review.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["preview"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    for command in ("python -m youfu validate --publish", "python -m youfu build --site-dir site-preview",
                    "python -m youfu diff site-base site-preview", "GITHUB_STEP_SUMMARY", "--since",
                    "${{ github.event.pull_request.base.sha }}"):
        assert command in commands, command
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "site-preview"
    assert workflow["permissions"] == {"contents": "read"}
