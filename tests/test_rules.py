"""Every bounded rule both ways: the last value it accepts gives no message, the first it refuses
gives exactly this message (written here by hand, on the line of the field)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import test_bad_input as catalogue
from youfu.catalog import load_catalog

F, R, B = catalogue.FACILITIES, catalogue.R, catalogue.BENEFITS
TODAY = dt.date.today()


def messages(tmp_path: Path, files: dict[str, str]) -> list[str]:
    base = {"data/sources.yml": catalogue.SOURCES_YML, "data/bureaus.yml": catalogue.BUREAUS_YML,
            **catalogue.VALID, **files}
    for relative, text in base.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _, problems = load_catalog(tmp_path)
    return [str(p) for p in sorted(problems)]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old  # a case whose text has gone away fails loudly
    return text.replace(old, new)


def facility(old: str, new: str) -> dict[str, str]:
    return {F: edit(catalogue.FACILITY, old, new)}


def facility_plus(lines: str) -> dict[str, str]:
    return {F: catalogue.FACILITY + lines}


CASES = [
    # short text: 200 characters at most, on one line
    ("short-text-200", facility("name: 测试市人民医院", "name: " + "院" * 200), []),
    ("short-text-201", facility("name: 测试市人民医院", "name: " + "院" * 201),
     [f"{F}:2: name（机构名称）最多 200 个字（现在有 201 个字）：名称、标题、地址这类文字要简短；请精简"]),
    ("short-text-one-line", facility("name: 测试市人民医院", 'name: "测试市\\n人民医院"'),
     [f"{F}:2: name（机构名称）不能换行：名称、标题、地址这类文字要写在一行里；请删掉换行"]),
    ("short-text-inner-space", facility("name: 测试市人民医院", "name: 测试市 人民医院"), []),
    ("short-text-edge-space", facility("name: 测试市人民医院", "name: ' 测试市人民医院'"),
     [f"{F}:2: name 开头和结尾不能有空格，请删去"]),
    ("text-markup", facility("name: 测试市人民医院", "name: 测试市<b>人民医院"),
     [f"{F}:2: name 只能是纯文字，不能有 < 或 >（不能写 HTML；书名请用《》）"]),
    ("text-title-marks", facility("name: 测试市人民医院", "name: 《测试市人民医院》"), []),
    # long text: 2,000 characters at most, several lines allowed
    ("long-text-2000", facility_plus("  note: " + "注" * 2000 + "\n"), []),
    ("long-text-2001", facility_plus("  note: " + "注" * 2001 + "\n"),
     [f"{F}:12: note（说明）最多 2,000 个字（现在有 2,001 个字）：说明、定义这类文字也要简明；请精简，或分成几条写"]),
    ("long-text-lines", facility_plus('  note: "第一行\\n第二行"\n'), []),
    # ids: lowercase, digits, single dashes, 80 characters at most
    ("id-80", facility("id: test-hospital", "id: " + "a" * 80), []),
    ("id-81", facility("id: test-hospital", "id: " + "a" * 81), [f"{F}:1: id 最多 80 个字符，请缩短"]),
    # dates of things done: today at the latest
    ("curated-today", facility("curated: 2026-11-22", f"curated: {TODAY.isoformat()}"), []),
    ("curated-tomorrow", facility("curated: 2026-11-22", f"curated: {(TODAY + dt.timedelta(days=1)).isoformat()}"),
     [f"{F}:7: curated（资料整理日期）不能晚于今天（{TODAY.isoformat()}）：这里记的是已经发生的事；请核对日期"]),
    # years of practice: 1949 to next year
    ("year-1949", facility("period: {year: 2014", "period: {year: 1949"), []),
    ("year-1948", facility("period: {year: 2014", "period: {year: 1948"),
     [f"{F}:9: claim.period.year 不能小于 1949（现在写的是 1948）"]),
    ("year-next", facility("period: {year: 2014", f"period: {{year: {TODAY.year + 1}"), []),
    ("year-after-next", facility("period: {year: 2014", f"period: {{year: {TODAY.year + 2}"),
     [f"{F}:9: claim.period.year（年份）不能晚于明年（{TODAY.year + 1} 年）：这里记的是已经实行或已经计划的做法；请核对年份"]),
    # change notes: 200 characters at most
    ("change-note-200", facility_plus("  change_note: " + "改" * 200 + "\n"), []),
    ("change-note-201", facility_plus("  change_note: " + "改" * 201 + "\n"),
     [f"{F}:12: change_note （更新说明）最多 200 个字（现在 201 个字）"]),
    # item-level law references resolve like the package's own
    ("item-law-known", {B: catalogue.PACKAGE + "      legal:\n        - {law: veterans-law, article: 第一条}\n"}, []),
    ("item-law-unknown", {B: catalogue.PACKAGE + "      legal:\n        - {law: no-such-law, article: 第一条}\n"},
     [f"{B}:18: law 写的 no-such-law 在 data/legal.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/legal.yml 里添加"]),
    # figures: 15 digits at most
    ("figure-15-digits", {R: edit(edit(edit(catalogue.REPORT,
     "value: 1.5\n    unit: 万元\n", "value: 999999999999999\n    unit: 元\n"),
     "{what: 第一年, value: 5000, unit: 元}", "{what: 第一年, value: 999999999999998, unit: 元}"),
     "{what: 第二年, value: 1, unit: 万元}", "{what: 第二年, value: 1, unit: 元}")}, []),
    ("figure-16-digits", {R: edit(catalogue.REPORT, "value: 1.5\n", "value: 1000000000000000\n")},
     [f"{R}:12: figures[1].value 写的数字有 16 位，最多只能有 15 位；请核对数值（编号等文字请加引号）"]),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_both_ways(tmp_path, files, expected):
    found = messages(tmp_path, files)
    # an id change leaves the references to the old id dangling: those messages are not this rule's
    found = [m for m in found if "facility 写的 test-hospital 在" not in m]
    assert found == expected


def test_figure_limit_for_numbers_written_with_an_exponent(tmp_path):
    """10**15 written as 1.0e+15 passes the digit count and is stopped by the figure's own bound."""
    ok = edit(catalogue.REPORT, "value: 1.5\n", "value: 9.0e+14\n")
    too_big = edit(catalogue.REPORT, "value: 1.5\n", "value: 1.0e+15\n")
    assert [m for m in messages(tmp_path / "ok", {R: ok}) if "1,000,000,000,000,000" in m] == []
    assert [m for m in messages(tmp_path / "big", {R: too_big}) if ":12:" in m] == [
        f"{R}:12: figures[1].value（数值）必须小于 1,000,000,000,000,000（一千万亿）（现在写的是 1e+15）；"
        "请核对数值，大数请换用大的单位（万元、亿元、万人）"]
