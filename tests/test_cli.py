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
        "data/bureaus.yml:1: region 必须填写：请补上这一项",
        "data/bureaus.yml:1: sources 必须填写：请补上这一项",
        'data/bureaus.yml:3: level 只能是 province、city、district、county 之一（现在写的是 "town"）',
        "数据中共有 3 个问题，网站没有生成（3 problems found in the data; nothing was built）。",
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
    # The report's body is placeholders, refused until rewritten (see test_staff.py); the data entries are valid.
    assert problems and all(p.path == "content/reports/test-city/2015-jihua.md" and "模板占位文字" in p.message
                            for p in problems)
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
    assert "--id new-hospital 在 data/facilities.yml 里已经用过了，没有写入任何内容" in err
    assert "content/reports/test-city/2015-jihua.md 已经存在，没有覆盖它" in err
    assert (root / "data/facilities.yml").read_text(encoding="utf-8") == before


def test_scaffold_refuses_unknown_bureau(repo, capsys):
    root = repo({"mkdocs.yml": "site_name: x\n"})
    assert main(["new", "report", "--root", str(root), "--bureau", "nowhere", "--title", "甲", *CITE]) == 1
    assert "--bureau（卫生部门）“nowhere”不在 data/bureaus.yml 里；请写其中一个 id" in capsys.readouterr().err


def test_stale_lists_records_past_twelve_months(repo, capsys):
    """Curated before the limit and never checked → listed; checked recently → not listed, though
    curated long ago; curated recently → not listed. The limit is 12 months before --today."""
    claim = "  claim: {kind: report, period: {certainty: unknown}}\n  status: unknown\n"
    cite = "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 开头}]\n"
    facility = ("- id: old\n  name: 老医院\n  kind: 综合医院\n  bureau: test-city\n  curated: 2024-01-01\n" + claim + cite
                + "- id: checked\n  name: 核实过的医院\n  kind: 综合医院\n  bureau: test-city\n  curated: 2023-01-01\n"
                + claim + cite
                + "  checks: [{on: 2025-06-01, method: phone, by: 区卫生健康局办公室, contact: 医院医务科, result: 窗口仍在}]\n"
                + "- id: fresh\n  name: 新医院\n  kind: 综合医院\n  bureau: test-city\n  curated: 2025-06-01\n"
                + claim + cite)
    root = repo({"data/facilities.yml": facility})
    assert main(["stale", "--root", str(root), "--today", "2025-12-01"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "data/facilities.yml:1: old：2024-01-01 从资料整理，从未向机构核实，已超过 12 个月；请向机构核实后在 checks 里记一笔",
        "1 条记录超过 12 个月未核实（1 stale record(s)）",
    ]
