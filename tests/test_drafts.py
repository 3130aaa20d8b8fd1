"""Drafts (`draft: true`, issue 18): in the preview with a 草稿 banner, nowhere in what is
published: not its page, not in lists, the feed, the sitemap, the search index or the
open data. Checked by searching every byte of the built site for the draft's unique
title and address, with a published report found the same way as the control."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, build, built

DRAFT = "reports/datong-city/2017-jihua.md"  # 2017: a year no published report has
TITLE = "大同市卫生局二〇一六年草稿试写计划"
DRAFT_TEXT = f"""---
title: {TITLE}
bureau: datong-city
year: 2017
kind: 计划
topics: [基层卫生]
sources:
  - file: 002_325e23ef180ee262.txt
    part: 全文
    where: 全篇
draft: true
---

## 背景

草稿试写段落：大同市卫生局当年准备组织医疗队下乡。
"""
PUBLISHED = "reports/datong-city/2014-fangan.md"  # the control: a report that is published
FACILITY_NAME = "大同市草稿试写医院"
FACILITY = f"""
- id: datong-draft-hospital
  name: {FACILITY_NAME}
  kind: 综合医院
  bureau: datong-city
  services: []
  address: null
  phone: null
  hours: null
  status: unknown
  claim:
    kind: report
    period:
      certainty: unknown
      evidence: 原文没有写年份
  curated: 2026-01-05
  sources:
    - file: "002_325e23ef180ee262.txt"
      part: "全文"
      where: "全篇"
  draft: true
"""


def youfu(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "youfu", *args], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
                          timeout=600)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("drafts") / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info",
                                                                ".pytest_cache", ".youfu", "node_modules"))
    (target / "content" / DRAFT).write_text(DRAFT_TEXT, encoding="utf-8")
    facilities = target / "data/facilities.yml"
    facilities.write_text(facilities.read_text(encoding="utf-8").rstrip("\n") + "\n" + FACILITY, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def site(project) -> Path:
    folder = project.parent / "site"
    result = build(project, folder, "--site-url", "https://example.org/youfu/")
    assert result.returncode == 0, result.stderr
    return folder


def files_holding(folder: Path, needle: str) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and needle.encode("utf-8") in p.read_bytes())


def test_draft_passes_validate_and_is_listed_before_publishing(project):
    result = youfu(project, "validate")
    assert result.returncode == 0, result.stderr
    assert "2 份草稿" in result.stdout
    result = youfu(project, "validate", "--publish")
    assert result.returncode == 0, result.stderr
    line = DRAFT_TEXT.splitlines().index("draft: true") + 1
    assert f"content/{DRAFT}:{line}: 草稿，不会发布：{TITLE}" in result.stdout.splitlines()
    lines = (project / "data/facilities.yml").read_text(encoding="utf-8").splitlines()
    assert f"data/facilities.yml:{len(lines)}: 草稿，不会发布：{FACILITY_NAME}" in result.stdout.splitlines()


def test_draft_is_nowhere_in_the_published_site(site):
    assert not (site / built(DRAFT)).exists()
    assert (site / built(PUBLISHED)).exists()
    # Not in any page, list, feed, sitemap, search index file or download.
    assert files_holding(site, TITLE) == []
    assert files_holding(site, "datong-city/2017-jihua") == []
    assert files_holding(site, "草稿试写段落") == []
    assert files_holding(site, FACILITY_NAME) == []
    assert files_holding(site, "datong-draft-hospital") == []
    # The control: the same search finds a published report in each of those places.
    holding = files_holding(site, "datong-city/2014-fangan")
    for place in ("feed.xml", "sitemap.xml", "downloads/reports.json", "downloads/reports.csv", "reports/index.html"):
        assert place in holding, place
    assert any(name.startswith("search/idx/") for name in holding)
    # Only the draft had 2017: no year page for it either.
    assert not (site / "reports/years/2017.html").exists()
    assert (site / "reports/years/2014.html").exists()


def test_open_data_and_feed_list_only_published_reports(site):
    records = json.loads((site / "downloads/reports.json").read_text(encoding="utf-8"))
    rows = records if isinstance(records, list) else next(v for v in records.values() if isinstance(v, list))
    titles = {row.get("title") for row in rows}
    assert TITLE not in titles and titles
    table = list(csv.DictReader(io.StringIO((site / "downloads/reports.csv").read_text(encoding="utf-8-sig"))))
    assert table and all(TITLE not in row.values() for row in table)
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<entry>" in feed and TITLE not in feed


class _Banner(HTMLParser):
    """Text inside the element with class yf-draft."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or "yf-draft" in classes:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def test_draft_is_in_the_preview_with_a_banner(project, tmp_path):
    from youfu import pipeline

    docs = tmp_path / "docs"
    told = []
    pipeline._Regenerator(project, docs, lambda result, error, seconds: told.append(error))()  # what youfu serve runs
    assert told == [None]
    page = (docs / DRAFT).read_text(encoding="utf-8")
    banner = _Banner()
    banner.feed(page)
    text = "".join(banner.text)
    assert "草稿" in text and "发布的网站里没有" in text
    assert TITLE in page and "草稿试写段落" in page
    # Lists in the preview show it too, so the editor sees it as readers will.
    assert TITLE in (docs / "reports/years/2017.md").read_text(encoding="utf-8")
    facility = _Banner()
    facility.feed((docs / "facilities/datong-draft-hospital.md").read_text(encoding="utf-8"))
    assert "草稿" in "".join(facility.text)
    # A published report has no banner.
    other = _Banner()
    other.feed((docs / PUBLISHED).read_text(encoding="utf-8"))
    assert other.text == []


def test_youfu_generate_leaves_drafts_out_unless_preview(project, tmp_path):
    assert youfu(project, "generate", str(tmp_path / "out")).returncode == 0
    assert not (tmp_path / "out" / DRAFT).exists()
    assert files_holding(tmp_path / "out", TITLE) == []
    assert youfu(project, "generate", "--preview", str(tmp_path / "preview")).returncode == 0
    assert (tmp_path / "preview" / DRAFT).exists()


def test_published_page_must_not_link_to_a_draft(project):
    guide = project / "content/guide/index.md"
    before = guide.read_text(encoding="utf-8")
    try:
        guide.write_text(before + "\n见[草稿](../reports/datong-city/2017-jihua.md)。\n", encoding="utf-8")
        line = len(before.splitlines()) + 2
        result = youfu(project, "validate")
        assert result.returncode == 1
        assert (f"content/guide/index.md:{line}: 链接 ../reports/datong-city/2017-jihua.md 指向草稿 "
                "reports/datong-city/2017-jihua.md") in result.stderr, result.stderr
        # A page only the draft makes (its year) is not published either.
        guide.write_text(before + "\n见[2017年](../reports/years/2017.md)。\n", encoding="utf-8")
        result = youfu(project, "validate")
        assert result.returncode == 1 and "指向草稿 reports/years/2017.md" in result.stderr, result.stderr
    finally:
        guide.write_text(before, encoding="utf-8")


def test_published_record_must_not_name_a_draft_facility(project):
    rules = project / "data/blood_rules.yml"
    before = rules.read_text(encoding="utf-8")
    first = yaml.safe_load(before)[0]
    assert first.get("facility") is not None, "the shipped blood rules name a facility"
    try:
        lines = before.splitlines()
        at = next(n for n, line in enumerate(lines) if line.strip().startswith("facility:"))
        lines[at] = lines[at].split("facility:")[0] + "facility: datong-draft-hospital"
        rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = youfu(project, "validate")
        assert result.returncode == 1
        assert (f"data/blood_rules.yml:{at + 1}: facility datong-draft-hospital 是草稿（draft: true），"
                "发布的网站里没有它") in result.stderr, result.stderr
    finally:
        rules.write_text(before, encoding="utf-8")
