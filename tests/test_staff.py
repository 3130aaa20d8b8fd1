"""Bureau staff from draft to live (issue 18): `youfu new` checks every argument before
writing anything, its placeholders are refused until rewritten, and `youfu validate`
tells broken links and anchors with path:line."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import ROOT

GROUPS = "- id: veteran\n  name: 退役军人\n  definition: 依法退出现役的军人。\n"
SOURCE = ["--source", "001_89d13becceec202a.txt"]  # tests/conftest.py: parts 篇1 and 篇2
HAN = re.compile(r"[\u4e00-\u9fff]")


def youfu(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "youfu", *args], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
                          timeout=300)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def project(repo):
    return repo({"data/groups.yml": GROUPS, "mkdocs.yml": "site_name: x\n"})


# ---------------------------------------------------------------------------
# Placeholders
# ---------------------------------------------------------------------------


def test_untouched_report_scaffold_is_refused_with_path_and_line(project):
    made = youfu(project, "new", "report", "--bureau", "test-city", "--year", "2015", "--title", "测试市2015年双拥总结",
                 *SOURCE, "--part", "篇1")
    assert made.returncode == 0, made.stderr
    path = project / "content/reports/test-city/2015-zongjie.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    # Where the scaffold asks for the editor's own words (found by plain reading, not by the checker).
    expected = [n for n, line in enumerate(lines, start=1) if "用自己的话写：" in line and not line.startswith(" ")]
    assert len(expected) == 4
    result = youfu(project, "validate")
    assert result.returncode == 1
    told = [line for line in result.stderr.splitlines() if "模板占位文字" in line]
    assert told == [f"content/reports/test-city/2015-zongjie.md:{n}: 这里还是模板占位文字，请改写：把（用自己的话写：…）"
                    "整个括号换成自己写的内容" for n in expected]
    assert "数据检查通过" not in result.stdout

    # Rewritten in the editor's own words, the same file passes.
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"（用自己的话写：[^）]*）", "测试市卫生局当年组织了一次走访。", text)
    path.write_text(text, encoding="utf-8")
    result = youfu(project, "validate")
    assert result.returncode == 0, result.stderr
    assert "数据检查通过" in result.stdout


def test_placeholder_in_a_data_field_is_refused(project):
    bureaus = (project / "data/bureaus.yml").read_text(encoding="utf-8")
    (project / "data/bureaus.yml").write_text(bureaus.replace("name: 测试市卫生局", "name: （用自己的话写：部门名称）"),
                                              encoding="utf-8")
    result = youfu(project, "validate")
    assert result.returncode == 1
    assert re.search(r"^data/bureaus\.yml:2: .*这里还是模板占位文字，请改写", result.stderr, re.MULTILINE), result.stderr


def test_untouched_scaffold_fails_the_build_and_keeps_the_site(site_copy):
    made = youfu(site_copy, "new", "report", "--bureau", "datong-city", "--year", "2013", "--report-kind", "jihua",
                 "--title", "大同市卫生局2013年工作计划", "--source", "002_325e23ef180ee262.txt", "--part", "全文")
    assert made.returncode == 0, made.stderr
    site = site_copy / "site"
    site.mkdir()
    (site / "keep.html").write_text("old", encoding="utf-8")
    result = youfu(site_copy, "build", "--site-dir", str(site))
    assert result.returncode == 1
    assert re.search(r"^content/reports/datong-city/2013-jihua\.md:\d+: 这里还是模板占位文字，请改写",
                     result.stderr, re.MULTILINE), result.stderr
    assert [p.name for p in site.iterdir()] == ["keep.html"]


# ---------------------------------------------------------------------------
# `youfu new`: every argument checked before anything is written
# ---------------------------------------------------------------------------

BAD_ARGUMENTS = [
    # (arguments, what the Chinese hint must contain)
    (["report", "--bureau", "test-city", "--title", "甲", *SOURCE, "--part", "篇9"], "篇1、篇2"),
    (["report", "--bureau", "test-city", "--title", "甲", "--source", "009_0000000000000000.txt", "--part", "篇1"],
     "001_89d13becceec202a.txt"),
    (["report", "--bureau", "test-city", "--title", "甲", "--source", "001", "--part", "篇1"],
     "--source 001_89d13becceec202a.txt"),
    (["report", "--bureau", "test-cty", "--title", "甲", *SOURCE, "--part", "篇1"], "test-city"),
    (["report", "--bureau", "test-city", "--title", "甲", "--report-kind", "zongjei", *SOURCE, "--part", "篇1"],
     "zongjie"),
    (["report", "--bureau", "test-city", "--title", "甲", "--report-kind", "年报", *SOURCE, "--part", "篇1"], "总结"),
    (["report", "--bureau", "test-city", "--title", "甲", "--year", "二〇一六", *SOURCE, "--part", "篇1"], "--year 2016"),
    (["report", "--bureau", "test-city", "--title", "甲", "--year", "16", *SOURCE, "--part", "篇1"], "--year 2016"),
    (["report", "--bureau", "test-city", "--title", "甲", "--year", "2999", *SOURCE, "--part", "篇1"], "1949"),
    (["report", "--bureau", "test-city", "--title", "X", *SOURCE, "--part", "篇1"], "中文"),
    (["report", "--bureau", "test-city", "--title", "甲", *SOURCE], "--part 篇1"),
    (["reprot", "--bureau", "test-city", "--title", "甲", *SOURCE, "--part", "篇1"], "report"),
    (["facility", "--id", "New Hospital", "--bureau", "test-city", "--title", "新医院", *SOURCE, "--part", "篇1"],
     "小写字母"),
    (["facility", "--id", "new-hospital", "--bureau", "test-city", "--title", "新医院", "--facility-kind", "诊所",
      *SOURCE, "--part", "篇1"], "综合医院"),
    (["package", "--id", "new-package", "--bureau", "test-city", "--title", "优待", "--group", "veterans",
      *SOURCE, "--part", "篇1"], "veteran"),
    (["bureau", "--id", "test-city", "--title", "测试市卫生局", *SOURCE, "--part", "篇1"], "已经用过"),
    (["bureau", "--id", "new-county", "--title", "新县卫生局", "--level", "town", *SOURCE, "--part", "篇1"], "county"),
]


@pytest.mark.parametrize("arguments,hint", BAD_ARGUMENTS, ids=[" ".join(a[:1] + a[-3:]) + f" [{i}]"
                                                               for i, (a, _) in enumerate(BAD_ARGUMENTS)])
def test_bad_new_argument_writes_nothing_and_says_what_to_type(project, arguments, hint):
    before = snapshot(project)
    result = youfu(project, "new", *arguments)
    assert result.returncode != 0
    assert snapshot(project) == before  # nothing written, nothing changed
    assert hint in result.stderr, result.stderr
    assert HAN.search(result.stderr)
    for english in ("usage:", "invalid", "error:", "Traceback", "must be"):
        assert english not in result.stderr, result.stderr


def test_every_bad_argument_is_told_at_once(project):
    result = youfu(project, "new", "report", "--bureau", "nowhere", "--title", "X", "--report-kind", "zj",
                   "--year", "16", *SOURCE, "--part", "篇9")
    assert result.returncode == 1
    for part in ("--bureau", "--title", "--report-kind", "--year", "--part"):
        assert part in result.stderr, part


@pytest.mark.parametrize("kind,year", [("zongjie", "2016年"), ("总结", "2016"), ("JIHUA", "２０１６")])
def test_new_report_takes_pinyin_kinds_and_years_with_nian(project, kind, year):
    result = youfu(project, "new", "report", "--bureau", "test-city", "--title", "测试市2016年报告", "--report-kind",
                   kind, "--year", year, *SOURCE, "--part", "篇2")
    assert result.returncode == 0, result.stderr
    slug = "jihua" if kind == "JIHUA" else "zongjie"
    path = project / f"content/reports/test-city/2016-{slug}.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert front["year"] == 2016
    assert front["kind"] == ("计划" if kind == "JIHUA" else "总结")
    assert front["sources"] == [{"file": "001_89d13becceec202a.txt", "part": "篇2", "where": "全篇"}]


# ---------------------------------------------------------------------------
# `youfu validate`: links and anchors in content/
# ---------------------------------------------------------------------------

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

## 做法

见[指南](../../guide/help.md)。
"""

GUIDE = "---\ntitle: 帮助\n---\n\n# 帮助\n\n## 怎样读\n\n先读目录。\n"


@pytest.mark.parametrize("link,message", [
    ("../../guide/nothere.md", "链接 ../../guide/nothere.md 指向的页面 guide/nothere.md 不存在"),
    ("../../guide/help.md#没有这节", "#没有这节 在 guide/help.md 里找不到"),
    ("#结果", "链接 #结果 在本页里找不到这一小节"),
])
def test_broken_link_or_anchor_fails_validate_with_path_and_line(project, link, message):
    (project / "content/guide").mkdir(parents=True)
    (project / "content/guide/help.md").write_text(GUIDE, encoding="utf-8")
    report = project / "content/reports/test-city/2015-zongjie.md"
    report.parent.mkdir(parents=True)
    report.write_text(REPORT, encoding="utf-8")
    assert youfu(project, "validate").returncode == 0
    report.write_text(REPORT.replace("../../guide/help.md", link), encoding="utf-8")
    result = youfu(project, "validate")
    assert result.returncode == 1
    told = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert len(told) == 1 and told[0].startswith("content/reports/test-city/2015-zongjie.md:17: 链接 "), told
    assert message in told[0]
    assert "数据检查通过" not in result.stdout
    # The anchor that exists is fine.
    report.write_text(REPORT.replace("../../guide/help.md", "../../guide/help.md#怎样读"), encoding="utf-8")
    assert youfu(project, "validate").returncode == 0
