"""Key figures: "其中" subsets, approximate numbers and percentages checked against
their two numbers. Every expectation here is written by hand from the sources
(001 篇10 Chengdu, 001 篇11 涞源, 003 篇三 扬州), never computed by the code under test."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from youfu import figures
from youfu.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent


def part(what: str, value, unit: str = "次", approx: str | None = None) -> figures.FigurePart:
    return figures.FigurePart(what=what, value=value, unit=unit, approx=approx)


def figure(fid: str, value, unit: str = "次", parts=(), **more) -> figures.Figure:
    return figures.Figure(id=fid, what=fid, value=value, unit=unit, parts=list(parts), **more)


# ---------------------------------------------------------------------------
# "其中": parts that are only some of the total
# ---------------------------------------------------------------------------

def test_subset_under_the_total_is_within_and_not_flagged():
    # 001 篇10: 60 emergencies, 其中 29 traffic, 12 food poisoning, 3 collapses, 2 AFP, 1 anthrax = 47
    result = figures.check(figure("by-type", 60, parts=[part("a", 29), part("b", 12), part("c", 3), part("d", 2),
                                                        part("e", 1)], parts_are="some"))
    assert result.status == "within" and not result.flagged
    assert result.parts_total == 47 and result.gap == 13


def test_subset_equal_to_the_total_is_within():
    result = figures.check(figure("x", 140, "项", [part("a", 37, "项"), part("b", 103, "项")], parts_are="some"))
    assert result.status == "within" and result.gap == 0 and not result.flagged


def test_subset_over_the_total_is_still_a_discrepancy():
    result = figures.check(figure("x", 100, "项", [part("a", 37, "项"), part("b", 103, "项")], parts_are="some"))
    assert result.status == "mismatch" and result.flagged and result.parts_total == 140
    assert result.message == ("数字 x：“其中”列出的分项加起来不能超过总数"
                              "（分项合计 140 项，总数是 100 项）；请对照资料核对")


def test_subset_in_other_units_is_converted_before_comparing():
    # 70,084万元 with 其中 55,922万元 online, the part written in 元
    assert figures.check(figure("x", 70084, "万元", [part("a", 559220000, "元")], parts_are="some")).status == "within"
    assert figures.check(figure("x", 70084, "万元", [part("a", 800000000, "元")], parts_are="some")).status == "mismatch"


def test_parts_are_all_by_default_so_a_subset_written_as_all_is_flagged():
    result = figures.check(figure("x", 60, parts=[part("a", 29), part("b", 18)]))
    assert result.status == "mismatch" and result.flagged


# ---------------------------------------------------------------------------
# Approximate numbers: 近、约、余、多、以上
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, approx, shown", [
    (1, "万元", "近", "近1万元"),          # 001 篇1: 慰问款近万元
    (200, "万元", "约", "约200万元"),
    (189, "项", "余", "189余项"),          # 001 篇10: 189余项
    (300, "万人次", "余", "300余万人次"),
    (5, "万元", "多", "5万多元"),           # 001 篇9: 5万多元
    (75.6, "万元", "余", "75.6万余元"),      # 001 篇11: 75.6万余元
    (70, "%", "以上", "70%以上"),
    (5000, "份", "余", "5,000余份"),
    (12113, "件", None, "12,113 件"),
    (89.43, "%", None, "89.43%"),
])
def test_approximate_figures_are_shown_with_their_hedge(value, unit, approx, shown):
    assert figures.Figure(id="x", what="x", value=value, unit=unit, approx=approx).amount == shown


@pytest.mark.parametrize("total, total_approx, parts, status", [
    (100, "近", [(60, None), (30, None)], "approx"),    # under 100, 90 may be all of it: cannot tell
    (100, "近", [(60, None), (50, None)], "mismatch"),  # under 100 can never be 110
    (100, "余", [(60, None), (30, None)], "mismatch"),  # at least 100 can never be 90
    (100, "余", [(60, None), (50, None)], "approx"),
    (100, "约", [(60, None), (50, None)], "approx"),    # 约 gives no bound
    (100, None, [(50, "余"), (40, None)], "approx"),    # 50余 + 40 is at least 90
    (100, None, [(60, "余"), (50, None)], "mismatch"),  # 60余 + 50 is at least 110
    (100, None, [(60, "近"), (50, None)], "approx"),    # under 60 + 50 may be 100
])
def test_an_approximate_number_is_only_a_bound_never_an_exact_term(total, total_approx, parts, status):
    result = figures.check(figure("x", total, approx=total_approx,
                                  parts=[part(f"p{i}", v, approx=a) for i, (v, a) in enumerate(parts)]))
    assert result.status == status
    assert result.status != "ok"  # never ✔ with an approximate number


def test_approximate_total_with_a_smaller_subset_is_within():
    # 001 篇10: 189余项, 其中 37 + 103
    result = figures.check(figure("tasks", 189, "项", [part("a", 37, "项"), part("b", 103, "项")],
                                  approx="余", parts_are="some"))
    assert result.status == "within" and result.parts_total == 140


def test_subset_against_an_approximate_total_that_may_be_exceeded_is_not_decided():
    result = figures.check(figure("x", 100, parts=[part("a", 99)], approx="约", parts_are="some"))
    assert result.status == "approx" and not result.flagged
    result = figures.check(figure("x", 100, parts=[part("a", 120)], approx="近", parts_are="some"))
    assert result.status == "mismatch"  # under 100 cannot hold a part of 120


# ---------------------------------------------------------------------------
# Percentages: ratio_of
# ---------------------------------------------------------------------------

def ratio(value, top, bottom, unit="万人", approx=None, top_approx=None):
    figs = [
        figures.Figure(id="top", what="分子", value=top, unit=unit, approx=top_approx),
        figures.Figure(id="bottom", what="分母", value=bottom, unit=unit),
        figures.Figure(id="rate", what="比例", value=value, unit="%", approx=approx,
                       ratio_of=figures.RatioOf(numerator="top", denominator="bottom")),
    ]
    return figures.check_all(figs)["rate"]


def test_percentage_that_matches_its_two_numbers():
    # 001 篇10: 办结43件 of 受理46件, stated 93.5% (43/46 = 0.93478…)
    result = ratio(93.5, 43, 46, "件")
    assert result.status == "ok" and result.computed == Decimal("93.48")
    # 001 篇11: 207654 of 210601, stated 98.6% (= 0.98600…)
    assert ratio(98.6, 207654, 210601, "人").status == "ok"


def test_percentage_that_contradicts_its_two_numbers_is_flagged():
    # 001 篇10: 505.45万 of 562.11万 is 89.92%, the source writes 89.43%
    result = ratio(89.43, 505.45, 562.11)
    assert result.status == "mismatch" and result.flagged and result.computed == Decimal("89.92")
    assert result.message == ("数字 rate：百分比必须等于 top ÷ bottom（算出来是 89.92 %，"
                              "写的是 89.43 %）；请对照资料核对")


def test_percentage_rounded_or_cut_off_by_the_source_is_accepted():
    assert ratio(93.4, 43, 46, "件").status == "ok"   # 93.478 cut off
    assert ratio(93.3, 43, 46, "件").status == "mismatch"


def test_approximate_percentage_or_numbers_are_bounds():
    assert ratio(91, 505.45, 562.11, approx="以上").status == "mismatch"  # 89.92 is not 91% or more (±1)
    assert ratio(90, 505.45, 562.11, approx="以上").status == "approx"    # within the one-unit allowance
    assert ratio(89, 505.45, 562.11, approx="以上").status == "approx"
    assert ratio(89.43, 505.45, 562.11, top_approx="近").status == "approx"    # under 505.45万: 89.43% possible
    assert ratio(89.43, 505.45, 562.11, top_approx="余").status == "mismatch"  # over 505.45万: at least 89.92%


@pytest.mark.parametrize("figs, message", [
    ([figures.Figure(id="rate", what="r", value=50, unit="%",
                     ratio_of=figures.RatioOf(numerator="nobody", denominator="rate"))],
     "数字 rate：ratio_of.numerator 必须是这篇报告里另一个数字的 id（nobody 不是）"),
    ([figures.Figure(id="a", what="a", value=1, unit="人"), figures.Figure(id="b", what="b", value=2, unit="元"),
      figures.Figure(id="rate", what="r", value=50, unit="%", ratio_of=figures.RatioOf(numerator="a", denominator="b"))],
     "数字 rate：ratio_of 的分子（人）和分母（元）的单位必须能互相换算"),
    ([figures.Figure(id="a", what="a", value=1, unit="人"), figures.Figure(id="b", what="b", value=2, unit="人"),
      figures.Figure(id="rate", what="r", value=50, unit="人", ratio_of=figures.RatioOf(numerator="a", denominator="b"))],
     "数字 rate：ratio_of 只用于百分比，unit 必须是 %（现在是 人）"),
])
def test_ratio_of_that_cannot_be_followed_is_invalid(figs, message):
    result = figures.check_all(figs)["rate"]
    assert result.status == "invalid" and result.message == message


# ---------------------------------------------------------------------------
# Chengdu (001 篇10), written by hand as the source gives it
# ---------------------------------------------------------------------------

CHENGDU = [
    figure("ncms-eligible", 562.11, "万人"),
    figure("ncms-enrolled", 505.45, "万人"),
    figure("ncms-participation-rate", 89.43, "%",
           ratio_of=figures.RatioOf(numerator="ncms-enrolled", denominator="ncms-eligible")),
    figure("rural-projects", 57, "个", [part("疾控", 5, "个"), part("传染病区", 5, "个"), part("国债乡镇", 33, "个"),
                                        part("重点镇", 14, "个")]),
    figure("emergencies-by-type", 60, "次", [part("交通", 29), part("食物中毒", 12), part("垮塌", 3),
                                             part("AFP", 2), part("炭疽", 1)], parts_are="some"),
    figure("emergencies-by-size", 60, "次", [part("6人以下", 14), part("6至10人", 7), part("10人以上", 39)]),
    figure("event-health-tasks", 189, "项", [part("接待", 37, "项"), part("大型活动", 103, "项")],
           approx="余", parts_are="some"),
    figure("window-approvals", 12113, "件", [part(w, v, "件") for w, v in [
        ("医师注册", 1432), ("医疗广告", 359), ("性病诊疗", 19), ("食品卫生", 860), ("供水", 55), ("护士", 8238),
        ("公共场所", 484), ("射线装置", 70), ("放射人员", 354), ("许可证变更", 237)]]),
    figure("drug-procurement", 70084, "万元", [part("网上采购", 55922, "万元")], parts_are="some"),
    figure("blood-sites-closed", 4, "个", [part("邛崃血站", 1, "个"), part("三个采血点", 3, "个")]),
    figure("petitions-accepted", 46, "件"),
    figure("petitions-closed", 43, "件"),
    figure("petitions-closure-rate", 93.5, "%",
           ratio_of=figures.RatioOf(numerator="petitions-closed", denominator="petitions-accepted")),
]


def test_chengdu_has_exactly_the_two_real_inconsistencies():
    checks = figures.check_all(CHENGDU)
    assert {fid for fid, c in checks.items() if c.flagged} == {"window-approvals", "ncms-participation-rate"}
    assert checks["window-approvals"].parts_total == 12108
    assert {fid for fid, c in checks.items() if c.status == "within"} == {
        "emergencies-by-type", "event-health-tasks", "drug-procurement"}
    assert {fid for fid, c in checks.items() if c.status == "ok"} == {
        "rural-projects", "emergencies-by-size", "blood-sites-closed", "petitions-closure-rate"}


def test_the_real_reports_flag_only_the_known_discrepancies():
    """Every figure of every report: only the two Chengdu contradictions and the
    Yangzhou 元/万元 slip are flagged; the Chengdu "其中" lists are not."""
    catalog, problems = load_catalog(ROOT)
    assert problems == []
    flagged = {(r.id, f.id) for r in catalog.reports for f, _ in r.flagged}
    assert flagged == {("chengdu-city/2005-zongjie", "window-approvals"),
                       ("chengdu-city/2005-zongjie", "ncms-participation-rate"),
                       ("yangzhou-city/unknown-zongjie", "relief-total")}
    chengdu = next(r for r in catalog.reports if r.id == "chengdu-city/2005-zongjie")
    for fid in ("emergencies-by-type", "event-health-tasks", "drug-procurement"):
        assert chengdu.checks[fid].status == "within", fid
    anon = next(r for r in catalog.reports if r.id == "anon-001-1/2005-zongjie")
    (money,) = [f for f in anon.meta.figures if f.id == "condolence-money"]
    assert (money.value, money.unit, money.approx, money.amount) == (1, "万元", "近", "近1万元")


# ---------------------------------------------------------------------------
# Messages for staff, on the right line
# ---------------------------------------------------------------------------

REPORT = """\
---
title: 测试市卫生局2014年工作总结
bureau: test-city
year: 2014
kind: 总结
topics: [征兵体检]
sources:
  - {file: 001_89d13becceec202a.txt, part: 篇1, where: 全篇}
figures:
  - id: tasks
    what: 保障任务
    value: 100
    unit: 项
    parts_are: some
    parts:
      - {what: 接待, value: 37, unit: 项}
      - {what: 活动, value: 103, unit: 项}
  - id: rate
    what: 比例
    value: 50
    unit: '%'
    ratio_of: {numerator: tasks, denominator: nobody}
---

## 背景

测试正文。
"""
P = "content/reports/test-city/2014-zongjie.md"


def problems_for(repo, text: str) -> list[str]:
    _, problems = load_catalog(repo({P: text}))
    return [str(p) for p in sorted(problems)]


def test_messages_for_a_subset_over_its_total_and_a_broken_ratio(repo):
    assert problems_for(repo, REPORT) == [
        f"{P}:12: 数字 tasks：“其中”列出的分项加起来不能超过总数（分项合计 "
        f"140 项，总数是 100 项）；请对照资料核对；请改正数字，或者在 discrepancy 里说明资料本身的不一致",
        f"{P}:22: 数字 rate：ratio_of.denominator 必须是这篇报告里另一个数字的 id（nobody 不是）",
    ]


def test_a_broken_ratio_cannot_be_excused_as_a_source_discrepancy(repo):
    text = REPORT.replace("    parts_are: some\n", "    parts_are: some\n    discrepancy: 原文如此\n").replace(
        "    ratio_of:", "    discrepancy: 原文如此\n    ratio_of:")
    assert problems_for(repo, text) == [
        f"{P}:24: 数字 rate：ratio_of.denominator 必须是这篇报告里另一个数字的 id（nobody 不是）"]


def test_unknown_hedge_and_parts_are_values_are_refused(repo):
    text = REPORT.replace("    parts_are: some\n", "    parts_are: 部分\n    approx: 大约\n")
    assert problems_for(repo, text) == [
        f"{P}:14: figures[1].parts_are 只能是 all、some 之一（现在写的是 \"部分\"）",
        f"{P}:15: figures[1].approx 只能是 近、约、余、多、以上 之一（现在写的是 \"大约\"）",
    ]  # figures are checked once the front matter is valid


# ---------------------------------------------------------------------------
# Exact outcomes at the edges (each written by hand; found by mutation testing,
# tests/benchmark/mutation.py figures)
# ---------------------------------------------------------------------------


def rate(value, top, bottom, *, approx=None, top_approx=None, bottom_approx=None, unit="人"):
    figs = [figures.Figure(id="top", what="分子", value=top, unit=unit, approx=top_approx),
            figures.Figure(id="bottom", what="分母", value=bottom, unit=unit, approx=bottom_approx),
            figures.Figure(id="rate", what="比例", value=value, unit="%", approx=approx,
                           ratio_of=figures.RatioOf(numerator="top", denominator="bottom"))]
    return figures.check_all(figs)["rate"]


@pytest.mark.parametrize("value, top, bottom, more, status", [
    (60, 50, 100, {"bottom_approx": "近"}, "approx"),      # under 100: 50% or more
    (9000, 50, 100, {"bottom_approx": "近"}, "approx"),    # the denominator may be tiny: no upper bound
    (0.5, 1, 100, {"top_approx": "近"}, "approx"),          # under 1 of 100: 0 to 1%
    (0.5, 1, 100, {"bottom_approx": "余"}, "approx"),       # over 100: at most 1%
    (95, 505.45, 562.11, {"approx": "近"}, "approx"),       # 89.92% is under 95%
    (95, 505.45, 562.11, {}, "mismatch"),
    (300, 1, 0.5, {}, "mismatch"),                          # 200%
    (200, 1, 0.5, {}, "ok"),
    (50.1, 50.195, 100, {}, "ok"),                          # one unit of the last place: 0.1
    (50.1, 50.205, 100, {}, "mismatch"),
    (24, 1, 4, {}, "ok"),                                   # 25% written as 24: exactly one unit off
    (26, 1, 4, {}, "ok"),
    (23, 1, 4, {}, "mismatch"),
    (27, 1, 4, {}, "mismatch"),
    (0, 0, 4, {}, "ok"),                                    # a numerator of 0 is a percentage of 0
    (50, 0.5, 1, {}, "ok"),                                 # a denominator of 1
])
def test_percentage_bounds_exactly(value, top, bottom, more, status):
    result = rate(value, top, bottom, **more)
    assert result.status == status
    assert (result.numerator.id, result.denominator.id) == ("top", "bottom")


def test_integer_percentages_allow_one_unit():
    assert rate(93, 43, 46).status == "ok"  # 93.48% written as 93
    assert rate(92, 43, 46).status == "mismatch"


@pytest.mark.parametrize("figs, at, message", [
    ([figure("a", 1, "人"), figure("b", 2, "人"),
      figure("rate", 50, "%", [part("x", 1, "%")], ratio_of=figures.RatioOf(numerator="a", denominator="b"))],
     ("parts",), "数字 rate：写了 ratio_of 的百分比不能再列 parts；请删去其一"),
    ([figure("a", 1, "人"), figure("b", 2, "人"), figure("rate", 50, "人", ratio_of=figures.RatioOf(numerator="a", denominator="b"))],
     ("unit",), "数字 rate：ratio_of 只用于百分比，unit 必须是 %（现在是 人）"),
    ([figure("a", 1, "人"), figure("rate", 50, "%", ratio_of=figures.RatioOf(numerator="a", denominator="rate"))],
     ("ratio_of", "denominator"),
     "数字 rate：ratio_of.denominator 必须是这篇报告里另一个数字的 id（rate 不是）"),
    ([figure("a", 1, "人"), figure("b", 2, "元"), figure("rate", 50, "%", ratio_of=figures.RatioOf(numerator="a", denominator="b"))],
     ("ratio_of", "denominator"),
     "数字 rate：ratio_of 的分子（人）和分母（元）的单位必须能互相换算"),
    ([figure("a", 1, "人"), figure("b", 0, "人"), figure("rate", 50, "%", ratio_of=figures.RatioOf(numerator="a", denominator="b"))],
     ("ratio_of", "denominator"),
     "数字 rate：ratio_of 的分母必须大于 0，分子不能小于 0"),
    ([figure("a", -1, "人"), figure("b", 2, "人"), figure("rate", 50, "%", ratio_of=figures.RatioOf(numerator="a", denominator="b"))],
     ("ratio_of", "denominator"),
     "数字 rate：ratio_of 的分母必须大于 0，分子不能小于 0"),
])
def test_a_ratio_that_cannot_be_checked_says_where_and_why(figs, at, message):
    result = figures.check_all(figs)["rate"]
    assert (result.status, result.at, result.message) == ("invalid", at, message)


def test_each_outcome_of_a_sum_carries_its_numbers():
    nothing = figures.check(figure("x", 10))
    assert (nothing.status, nothing.total, nothing.parts_total) == ("no-parts", None, None)
    unit = figures.check(figure("x", 10, "人", [part("a", 5, "人"), part("b", 5, "元")]))
    assert (unit.status, unit.at) == ("unit", ("parts", 1, "unit"))
    missing = figures.check(figure("x", 10, parts=[part("a", 5), figures.FigurePart(what="b", value=None, unit="次")]))
    assert missing.status == "incomplete"
    ok = figures.check(figure("x", 10, parts=[part("a", 4), part("b", 6)]))
    assert (ok.status, ok.total, ok.parts_total, ok.parts_approx) == ("ok", Decimal(10), Decimal(10), False)
    hedged = figures.check(figure("x", 10, parts=[part("a", 4, approx="约"), part("b", 6)]))
    assert (hedged.status, hedged.total, hedged.parts_total, hedged.parts_approx) == (
        "approx", Decimal(10), Decimal(10), True)
    some = figures.check(figure("x", 10, parts=[part("a", 4, approx="约")], parts_are="some"))
    assert (some.status, some.total, some.parts_total, some.parts_approx) == ("approx", Decimal(10), Decimal(4), True)


@pytest.mark.parametrize("total, parts, parts_are, status", [
    (10.5, [10.5], "some", "within"),       # decimals: equal is within, not over
    (10.5, [10.3, 0.1], "all", "ok"),       # 0.1 short: two parts may each be off by 0.05
    (10.5, [10.2, 0.1], "all", "mismatch"),  # 0.2 short
])
def test_rounding_allowance_of_decimal_sums(total, parts, parts_are, status):
    assert figures.check(figure("x", total, parts=[part(str(i), v) for i, v in enumerate(parts)],
                                parts_are=parts_are)).status == status


@pytest.mark.parametrize("value, unit, approx, shown", [
    (10, "项", "余", "10余项"), (9, "项", "余", "9项余"), (5.5, "人次", "余", "5.5人次余"),
    (5, "万元", "多", "5万多元"), (12345.6, "元", None, "12,345.6 元"), (1500, "元", None, "1,500 元"),
])
def test_hedges_and_separators_in_amounts(value, unit, approx, shown):
    assert figures.format_amount(value, unit, approx) == shown


@pytest.mark.parametrize("value, message", [
    (float("nan"), "必须是一个具体的数字（不能是无穷大或 NaN）；请写出原文的数值，原文没有写明时写 null"),
    (float("inf"), "必须是一个具体的数字（不能是无穷大或 NaN）；请写出原文的数值，原文没有写明时写 null"),
    (1e15, "必须小于 1,000,000,000,000,000（一千万亿）（现在写的是 1e+15）；请核对数值，大数请换用大的单位（万元、亿元、万人）"),
    (-1e15, "必须小于 1,000,000,000,000,000（一千万亿）（现在写的是 -1e+15）；请核对数值，大数请换用大的单位（万元、亿元、万人）"),
])
def test_numbers_that_are_not_figures(value, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as error:
        figure("x", value)
    assert [e["ctx"]["message"] for e in error.value.errors()] == [message]
    assert figure("x", 10**15 - 1).value == 10**15 - 1
