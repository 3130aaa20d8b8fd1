"""Report front matter and key figures: exact messages for broken files, figure checks."""
from __future__ import annotations

import textwrap

import pytest

from youfu import figures
from youfu.catalog import load_catalog

GOOD = """\
---
title: 测试市卫生局2014年工作总结
bureau: test-city
year: 2014
kind: 总结
topics: [征兵体检]
sources:
  - {file: 001_89d13becceec202a.txt, part: 篇1, where: 全篇}
figures:
  - id: subsidy
    what: 代缴参合费
    value: 1.5
    unit: 万元
    parts:
      - {what: 第一年, value: 5000, unit: 元}
      - {what: 第二年, value: 1, unit: 万元}
---

## 背景

测试正文。
"""


def problems_for(repo, text: str, path: str = "content/reports/test-city/2014-zongjie.md") -> list[str]:
    _, problems = load_catalog(repo({path: text}))
    return [str(p) for p in sorted(problems)]


def test_good_report_loads_with_checked_figure(repo):
    catalog, problems = load_catalog(repo({"content/reports/test-city/2014-zongjie.md": GOOD}))
    assert problems == []
    (report,) = catalog.reports
    assert report.meta.year == 2014 and report.excerpt == "测试正文。"
    assert report.checks["subsidy"].status == "ok"


P = "content/reports/test-city/2014-zongjie.md"

CASES = {
    "no front matter": ("## 只有正文\n", [f"{P}:1: 报告必须以两行 --- 之间的开头信息（front matter）开始"]),
    "unknown bureau and wrong folder": (
        GOOD.replace("bureau: test-city", "bureau: nowhere"),
        [f"{P}:3: bureau 写的 nowhere 在 data/bureaus.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/bureaus.yml 里添加",
         f"{P}:3: 报告必须放在它所属部门的文件夹 content/reports/nowhere/ 里"]),
    "year as text, unknown topic, unknown kind": (
        GOOD.replace("year: 2014", 'year: "2014年"').replace("kind: 总结", "kind: 总节")
            .replace("[征兵体检]", "[征兵体检, 养老]"),
        [f"{P}:4: year 必须是整数（现在是文字）",
         f"{P}:5: kind 只能是 总结、计划、汇报、述职报告、实施方案、半年总结、工作要点 之一（现在写的是 \"总节\"）",
         f"{P}:6: topics[2] 只能是 征兵体检、优抚医疗、绿色通道、献血用血、国防教育、走访慰问、退役安置、"
         f"军民共建、对口支援、新农合、惠民医疗、纠风、医疗服务、公共卫生、卫生改革、基层卫生、人才培训、卫生监督"
         " 之一（现在写的是 \"养老\"）"]),
    "total that does not add up": (
        GOOD.replace("value: 1.5", "value: 2.5"),
        [f"{P}:12: 数字 subsidy：分项加起来必须等于总数（分项合计 1.5 万元，总数是 2.5 万元）；"
         f"请对照资料核对，资料本身不一致就写 note 说明；请改正数字，或者在 discrepancy 里说明资料本身的不一致"]),
    "wrong unit": (
        GOOD.replace("unit: 万元\n    parts", "unit: 万斤\n    parts"),
        [f"{P}:13: figures[1].unit 只能是 元、万元、亿元、人、万人、人次、万人次、个、家、所、次、项、张、台、"
         f"件、名、户、批、场、天、支、辆、套、床、篇、期、份、名次、平方米、公里、%、万册 之一（现在写的是 \"万斤\"）"]),
    "part in a unit that does not convert": (
        GOOD.replace("{what: 第一年, value: 5000, unit: 元}", "{what: 第一年, value: 5000, unit: 人}"),
        [f"{P}:15: 数字 subsidy：分项 第一年 的单位 人 必须能换算成总数的单位 万元；请核对单位；请改正数字，"
         f"或者在 discrepancy 里说明资料本身的不一致"]),
    "html and a second title in the body": (
        GOOD + "\n# 另一个标题\n\n<script>alert(1)</script>\n",
        [f"{P}:23: 报告正文不能有 # 一级标题（标题写在开头信息的 title 里）；小标题请用 ##",
         f"{P}:25: 报告正文不能包含 HTML 标签或脚本（第25行的 <script>）；请只用 Markdown"]),
    "inferred year without a year": (
        GOOD.replace("year: 2014", "year: null\nyear_inferred: 文中提到十八大"),
        [f"{P}:5: year_inferred（推断年份的依据）必须和 year 一起写：把推断的年份填在 year"]),
    "broken front matter yaml": (
        GOOD.replace("kind: 总结", "kind: [总结"),
        [f"{P}:6: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（expected ',' or ']', but got ':' (while parsing a flow sequence)）"]),
}


@pytest.mark.parametrize("name", CASES)
def test_broken_report(repo, name):
    text, expected = CASES[name]
    assert problems_for(repo, text) == expected


def test_explained_discrepancy_is_kept_and_flagged(repo):
    text = GOOD.replace("value: 1.5", "value: 15000").replace(
        "    parts:", "    discrepancy: 原文合计的单位应为元\n    parts:")
    catalog, problems = load_catalog(repo({P: text}))
    assert problems == []
    (report,) = catalog.reports
    (flagged,) = report.flagged
    assert flagged[0].id == "subsidy" and flagged[1].parts_total == figures.convert(1.5, "万元", "万元")


@pytest.mark.parametrize("value, parts, status", [
    (10, [3.33, 3.33, 3.33], "ok"),  # rounding in the source is tolerated
    (10, [3, 3, 3], "mismatch"),
    (1.0, [0.5, 0.5], "ok"),
])
def test_figure_totals(value, parts, status):
    figure = figures.Figure(id="x", what="测试", value=value, unit="人",
                            parts=[figures.FigurePart(what=f"p{i}", value=v, unit="人") for i, v in enumerate(parts)])
    assert figures.check(figure).status == status


def test_unit_conversion():
    assert figures.convert(1.25, "万元", "元") == 12500
    assert figures.convertible("人次", "万人次") and not figures.convertible("人", "人次")
    assert figures.format_number(1234567.0) == "1,234,567"


def test_plan_and_summary_of_the_same_year_are_companions(repo):
    from youfu.pages import companions

    plan = GOOD.replace("kind: 总结", "kind: 计划").replace("测试市卫生局2014年工作总结", "测试市卫生局2014年工作计划")
    root = repo({P: GOOD, "content/reports/test-city/2014-jihua.md": plan,
                 "content/reports/test-city/2015-zongjie.md": GOOD.replace("year: 2014", "year: 2015")})
    catalog, problems = load_catalog(root)
    assert problems == []
    by_title = {r.meta.title: r for r in catalog.reports}
    summary_2014 = next(r for r in catalog.reports if r.src_uri.endswith("2014-zongjie.md"))
    assert [r.meta.title for r in companions(catalog, summary_2014)] == ["测试市卫生局2014年工作计划"]
    assert [r.src_uri for r in companions(catalog, by_title["测试市卫生局2014年工作计划"])] == [
        "reports/test-city/2014-zongjie.md"]


def test_archive_is_paginated_and_every_report_is_on_exactly_one_page(monkeypatch):
    from helpers import ROOT
    from youfu import pages
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    monkeypatch.setattr(pages, "ARCHIVE_PAGE_SIZE", 4)
    plan = pages.site_plan(catalog)
    archive = [plan.views[pages.archive_uri(n)] for n in range(1, 100) if pages.archive_uri(n) in plan.views]
    assert len(archive) == -(-len(catalog.reports) // 4)
    listed = [r.src_uri for view in archive for r in view.context["reports"]]
    assert sorted(listed) == sorted(r.src_uri for r in catalog.reports)
    assert all(len(view.context["reports"]) <= 4 for view in archive)


def _front_matter_by_hand(root) -> dict[str, dict]:
    """Every report's front matter read with plain PyYAML, by its path under content/."""
    import yaml

    out = {}
    for path in sorted((root / "content/reports").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and path.name != "index.md":
            out[path.relative_to(root / "content").as_posix()] = yaml.safe_load(text.split("---\n")[1])
    return out


def test_year_and_topic_lists_are_paginated_too(monkeypatch):
    """Membership worked out from the front matter with plain PyYAML, not from pages' own grouping."""
    from helpers import ROOT
    from youfu import pages
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    monkeypatch.setattr(pages, "ARCHIVE_PAGE_SIZE", 2)
    plan = pages.site_plan(catalog)
    fronts = _front_matter_by_hand(ROOT)
    assert len(fronts) == len(catalog.reports)
    by_topic: dict[str, set[str]] = {}
    by_year: dict[object, set[str]] = {}
    for uri, front in fronts.items():
        for topic in front.get("topics") or []:
            by_topic.setdefault(topic, set()).add(uri)
        by_year.setdefault(front.get("year"), set()).add(uri)
    topic, members = max(by_topic.items(), key=lambda t: len(t[1]))
    assert len(members) > 2

    def listed(uri_of) -> list[str]:
        views = [plan.views[uri_of(n)] for n in range(1, 200) if uri_of(n) in plan.views]
        assert len(views) == -(-len({r.src_uri for v in views for r in v.context["reports"]}) // 2)
        assert all(len(v.context["reports"]) <= 2 for v in views)
        return [r.src_uri for v in views for r in v.context["reports"]]

    for name, want in by_topic.items():
        got = listed(lambda n, name=name: pages.topic_uri(name, n))
        assert len(got) == len(set(got)) and set(got) == want, name
    for year, want in by_year.items():
        got = listed(lambda n, year=year: pages.year_uri(year, n))
        assert len(got) == len(set(got)) and set(got) == want, year
        views = [plan.views[pages.year_uri(year, n)] for n in range(1, 200) if pages.year_uri(year, n) in plan.views]
        assert all(v.context["total"] == len(want) for v in views)


def test_pager_links_do_not_grow_with_the_number_of_pages():
    from youfu.pages import Pager

    uris = tuple(f"p{n}.md" for n in range(1, 401))
    middle = Pager(uris=uris, number=200)
    assert [link and link[0] for link in middle.links] == [1, None, 198, 199, 200, 201, 202, None, 400]
    assert (middle.previous, middle.next) == ("p199.md", "p201.md")
    first = Pager(uris=uris, number=1)
    assert [link and link[0] for link in first.links] == [1, 2, 3, None, 400]
    assert first.previous is None
    assert [link and link[0] for link in Pager(uris=uris[:4], number=4).links] == [1, 2, 3, 4]


def test_lists_of_reports_are_not_searched_but_reports_are():
    from helpers import ROOT
    from youfu import pages
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    plan = pages.site_plan(catalog)
    report = next(iter(catalog.reports))
    assert pages.search_meta(catalog, plan, pages.archive_uri(1)) is None
    assert pages.search_meta(catalog, plan, pages.year_uri(report.meta.year)) is None
    assert pages.search_meta(catalog, plan, pages.topic_uri(report.meta.topics[0])) is None
    assert pages.search_meta(catalog, plan, report.src_uri)["kind"] == "报告"


def test_shipped_summaries_are_plain_language_length():
    from helpers import ROOT
    from youfu.catalog import load_or_fail

    for report in load_or_fail(ROOT).reports:
        if not report.meta.sample:
            assert 300 <= report.chars <= 800, (report.src_uri, report.chars)


def test_dangerous_links_and_remote_images_in_report_text_are_refused(repo):
    body = GOOD + ("\n[点这里](javascript:alert(1))\n\n[参考][1]\n\n[1]: data:text/html,hi\n\n"
                   "![图](https://evil.example/x.png)\n\n[正常链接](../../bureaus/test-city.md)\n")
    allowed = "链接只能写本站页面的相对路径，或以 https://、http://、mailto:、tel: 开头的网址"
    assert problems_for(repo, body) == [
        f"{P}:23: 报告正文里的链接不能用 javascript: 地址（第23行）；{allowed}",
        f"{P}:27: 报告正文里的链接不能用 data: 地址（第27行）；{allowed}",
        f"{P}:29: 报告正文里的图片只能用本站的文件（第29行的 https://evil.example/x.png）；请把图片放进 content/ 文件夹，"
        "用相对路径引用",
    ]


@pytest.mark.parametrize("body, expected", [
    # F24: a year written with its digits hidden must survive as written
    ("## 背景\n\n县名写作“XX县”，年份写作“20**”，都无法确定。\n", "县名写作“XX县”，年份写作“20**”，都无法确定。"),
    ("## 背景\n\n年份一律写成“20__”，本站推断为2012年。\n", "年份一律写成“20__”，本站推断为2012年。"),
    ("原文年份写作“20XX”。\n\n## 下一节\n\n别的。\n", "原文年份写作“20XX”。"),
    ("从“20**”到“20__”都不是强调。", "从“20**”到“20__”都不是强调。"),
    # real Markdown marks still go
    ("**组队**：约一千名*医护*人员，见[方案](other.md)。", "组队：约一千名医护人员，见方案。"),
    ("- 第一项\n- 第二项，__加粗__\n", "第一项 第二项，加粗"),
    ("1. 准备\n2. 实施\n", "准备 实施"),
    ("> 引用的话 `a<b` & c", "引用的话 a<b & c"),
    ("第一行\n第二行", "第一行 第二行"),
    ("## 只有标题\n", ""),
    ("甲" * 130, "甲" * 119 + "…"),
])
def test_excerpt_is_the_first_paragraph_as_plain_text(body, expected):
    from youfu.reports import excerpt

    assert excerpt(body) == expected
