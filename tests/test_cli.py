"""The command line: validate prints every problem and exits 1; schemas stay in sync."""
from __future__ import annotations

import subprocess
import sys

from helpers import ROOT
from youfu.cli import main


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "youfu", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})


def test_validate_shipped_data_passes():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "data OK" in result.stdout


def test_validate_broken_data_prints_every_problem(repo):
    root = repo({"data/bureaus.yml": "- id: a\n  name: 甲\n  level: town\n", "mkdocs.yml": "site_name: x\n"})
    result = run("validate", cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "data/bureaus.yml:1: region is required",
        "data/bureaus.yml:1: sources is required",
        'data/bureaus.yml:3: level must be one of province, city, district or county (got "town")',
        "3 problems found in the data; nothing was built.",
    ]
    assert "Traceback" not in result.stderr


def test_shipped_schemas_match_the_models():
    assert main(["schemas", "--check", "--root", str(ROOT)]) == 0
