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


GROUPS = "- id: veteran\n  name: 退役军人\n  definition: 依法退出现役的军人。\n"
CITE = ["--source", "001_89d13becceec202a.txt", "--part", "篇1"]


def test_scaffolds_validate_and_never_overwrite(repo, capsys):
    from youfu.catalog import load_catalog

    root = repo({"data/groups.yml": GROUPS, "mkdocs.yml": "site_name: x\n"})
    assert main(["new", "report", "--root", str(root), "--bureau", "test-city", "--year", "2015",
                 "--report-kind", "计划", "--title", "测试市2015年双拥计划", *CITE]) == 0
    assert main(["new", "bureau", "--root", str(root), "--id", "new-county", "--title", "新县卫生局",
                 "--level", "county", "--province", "江苏省", *CITE]) == 0
    assert main(["new", "facility", "--root", str(root), "--id", "new-hospital", "--title", "新县人民医院",
                 "--bureau", "new-county", *CITE]) == 0
    assert main(["new", "package", "--root", str(root), "--id", "new-package", "--title", "新县优抚就医优惠",
                 "--bureau", "new-county", "--group", "veteran", *CITE]) == 0
    catalog, problems = load_catalog(root)
    assert problems == []
    assert (root / "content/reports/test-city/2015-jihua.md").exists()
    assert catalog.bureaus.get("new-county").level == "county"
    assert catalog.facilities.get("new-hospital").address is None
    assert catalog.packages.get("new-package").items[0].groups == ["veteran"]
    capsys.readouterr()
    # A second time: refused, nothing changed.
    before = (root / "data/facilities.yml").read_text(encoding="utf-8")
    assert main(["new", "facility", "--root", str(root), "--id", "new-hospital", "--title", "别的医院",
                 "--bureau", "new-county", *CITE]) == 1
    assert main(["new", "report", "--root", str(root), "--bureau", "test-city", "--year", "2015",
                 "--report-kind", "计划", "--title", "另一篇", *CITE]) == 1
    err = capsys.readouterr().err
    assert "id new-hospital is already used in data/facilities.yml; nothing was written" in err
    assert "content/reports/test-city/2015-jihua.md already exists; it was not overwritten" in err
    assert (root / "data/facilities.yml").read_text(encoding="utf-8") == before


def test_scaffold_refuses_unknown_bureau(repo, capsys):
    root = repo({"mkdocs.yml": "site_name: x\n"})
    assert main(["new", "report", "--root", str(root), "--bureau", "nowhere", "--title", "甲", *CITE]) == 1
    assert "bureau nowhere must be the id of an entry in data/bureaus.yml" in capsys.readouterr().err


def test_stale_lists_records_past_twelve_months(repo, capsys):
    facility = ("- id: old\n  name: 老医院\n  kind: 综合医院\n  bureau: test-city\n  last_verified: 2024-01-01\n"
                "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n"
                "- id: fresh\n  name: 新医院\n  kind: 综合医院\n  bureau: test-city\n  last_verified: 2025-06-01\n"
                "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n")
    root = repo({"data/facilities.yml": facility})
    assert main(["stale", "--root", str(root), "--today", "2025-12-01"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("data/facilities.yml:1: old was last verified on 2024-01-01; "
                      "check it again and update last_verified")
    assert len(out) == 2
