"""A catalogue of malformed inputs, each with exactly the `path:line: message`s it gives.

Every case starts from one small valid repository (every data kind and one report,
so that every kind of reference can dangle) and breaks one thing. A case with
`bug=` shows what the loader SHOULD print and is a strict xfail until the loader
is fixed. After the catalogue: every case loads without an exception and with
well-formed messages, and three cases break a real `mkdocs build --strict` cleanly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from conftest import BUREAUS_YML, SOURCES_YML
from helpers import build

from youfu.catalog import load_catalog

# ---------------------------------------------------------------------------
# The valid starting point
# ---------------------------------------------------------------------------

GROUPS = """\
- id: veteran
  name: 退役军人
  definition: 依法退出现役的军人。
- id: key-entitled
  name: 重点优抚对象
  definition: 享受抚恤补助的重点对象。
  parent: veteran
"""

LEGAL = """\
- id: veterans-law
  title: 《中华人民共和国退役军人保障法》
  short: 退役军人保障法
  issuer: 全国人民代表大会常务委员会
  adopted: 2020-11-11
  curated: 2026-11-22
"""

GLOSSARY = """\
- id: four-priorities
  term: 四优先
  plain: 挂号、就诊、取药、住院优先。
  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}]
"""

PACKAGE = """\
- id: test-package
  bureau: test-city
  claim: {kind: report, period: {year: 2014, certainty: stated}}
  title: 测试市优抚对象就医优惠
  legal:
    - {law: veterans-law, article: 第五十二条}
  curated: 2026-11-22
  sources:
    - {file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}
  items:
    - id: seven-cuts
      type: discount
      label: 七减
      rate_percent: 30
      groups: [key-entitled]
      facilities: [test-hospital]
"""

FACILITY = """\
- id: test-hospital
  name: 测试市人民医院
  kind: 综合医院
  bureau: test-city
  services: [绿色通道, 军人病房]
  phone: 0514-87654321
  curated: 2026-11-22
  status: unknown
  claim: {kind: report, period: {year: 2014, certainty: stated}}
  sources:
    - {file: 001_89d13becceec202a.txt, part: 篇1, where: 第二段}
"""

BLOOD = """\
- id: test-deposit
  bureau: test-city
  facility: test-hospital
  kind: deposit_exemption
  who: [veteran]
  who_detail: 退役军人
  what: 用血时不交保证金
  sources:
    - {file: 001_89d13becceec202a.txt, part: 篇2, where: 第三段}
  curated: 2026-11-22
  claim: {kind: report, period: {year: 2014, certainty: stated}}
"""

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

SOURCES = "data/sources.yml"
BUREAUS = "data/bureaus.yml"
GROUPS_F = "data/groups.yml"
LEGAL_F = "data/legal.yml"
GLOSSARY_F = "data/glossary.yml"
BENEFITS = "data/benefits.yml"
FACILITIES = "data/facilities.yml"
BLOOD_F = "data/blood_rules.yml"
R = "content/reports/test-city/2014-zongjie.md"

VALID = {SOURCES: SOURCES_YML, BUREAUS: BUREAUS_YML, GROUPS_F: GROUPS, LEGAL_F: LEGAL, GLOSSARY_F: GLOSSARY,
         BENEFITS: PACKAGE, FACILITIES: FACILITY, BLOOD_F: BLOOD, R: REPORT}

SERVICE_LIST = ("军人优先窗口, 绿色通道, 军人病房, 先诊疗后结算, 一站式结算, 优抚门诊, 优抚病房, 征兵体检定点, 征兵体检, 优先用血, "
                "惠民医院, 惠民门诊, 部队体检, 驻军饮水卫生, 驻军食品卫生, 传染病防控协作, 义诊巡诊, 对口支援 or 健康档案")
FACILITY_KEYS = ("id, name, kind, bureau, region, services, address, phone, hours, status, status_note, claim, "
                 "curated, checks, shared_text, sources, inferred, note, sample, change_note")
PROVINCE_RULE = "region.province must be the full name of a province-level region, like 江苏省"
NOT_UTF8 = "is not UTF-8; was it saved as GBK/GB2312? re-save it as UTF-8)"
FIX_FIGURE = "; correct the figure, or explain the source's own inconsistency in discrepancy"


def edit(text: str, old: str, new: str) -> str:
    """`text` with its one `old` replaced by `new` (fails loudly if a case has gone stale)."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def facility_with(line: str) -> str:
    """FACILITY with `line` inserted as line 7, before curated."""
    return edit(FACILITY, "  curated", f"  {line}\n  curated")


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]  # replaces these files of VALID
    expected: list[str]  # sorted `path:line: message`s
    setup: Callable[[Path], None] | None = None  # further changes to the written repository
    bug: str | None = None  # set when `expected` is what the loader SHOULD print, not what it prints
    bad_wording: bool = False  # today's message also breaks the rules of test_messages_are_well_formed


# ---------------------------------------------------------------------------
# YAML syntax
# ---------------------------------------------------------------------------

YAML_SYNTAX = [
    Case("unclosed-bracket-at-end-of-file",
         {FACILITIES: edit(FACILITY, "where: 第二段}", "where: 第二段")},
         [f"{FACILITIES}:11: YAML syntax must be valid: expected ',' or '}}', but got '<stream end>' "
          "(while parsing a flow mapping)"]),
    Case("bad-indentation-deeper",
         {FACILITIES: edit(FACILITY, "  kind:", "   kind:")},
         [f"{FACILITIES}:3: YAML syntax must be valid: mapping values are not allowed here"]),
    Case("bad-indentation-shallower",
         {FACILITIES: edit(FACILITY, "  kind:", " kind:")},
         [f"{FACILITIES}:3: YAML syntax must be valid: expected <block end>, but found '<block mapping start>' "
          "(while parsing a block collection)"]),
    Case("stray-colon-in-value",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: 测试市: 人民医院")},
         [f"{FACILITIES}:2: YAML syntax must be valid: mapping values are not allowed here"]),
    Case("full-width-colon",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name：测试市人民医院")},
         [f"{FACILITIES}:2: YAML syntax must be valid: a key must be followed by an ASCII colon ':' "
          "(a full-width '：' found)"]),
    Case("full-width-space-indentation",
         {FACILITIES: edit(FACILITY, "  kind:", "\u3000kind:")},
         [f"{FACILITIES}:3: indentation must use spaces, not full-width spaces (U+3000)"]),
    Case("unterminated-quote",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", 'name: "测试市人民医院')},
         [f"{FACILITIES}:2: YAML syntax must be valid: found unexpected end of stream "
          "(while scanning a quoted scalar)"]),
    Case("document-is-a-scalar",
         {GLOSSARY_F: "四优先：挂号、就诊、取药、住院优先。\n"},
         [f"{GLOSSARY_F}:1: file must hold a YAML list of entries, each starting with '- '"]),
    Case("mapping-instead-of-list",
         {GLOSSARY_F: "id: four-priorities\nterm: 四优先\nplain: 挂号优先。\n"},
         [f"{GLOSSARY_F}:1: file must hold a YAML list of entries, each starting with '- '"]),
    Case("second-document",
         {FACILITIES: FACILITY + "---\n" + edit(FACILITY, "test-hospital", "second-hospital")},
         [f"{FACILITIES}:12: file must hold a single YAML document (remove the --- line)"]),
    Case("key-is-a-list",
         {FACILITIES: edit(FACILITY, "  kind: 综合医院", "  ? [kind]\n  : 综合医院")},
         [f"{FACILITIES}:1: kind is required",
          f"{FACILITIES}:3: keys must be plain words, not lists or mappings"]),
    Case("python-tag",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: !!python/object:os.system ls")},
         [f"{FACILITIES}:2: value must be plain YAML (could not determine a constructor for the tag "
          "'tag:yaml.org,2002:python/object:os.system')"]),
]

# ---------------------------------------------------------------------------
# Tabs
# ---------------------------------------------------------------------------

TABS = [
    Case("tab-indentation",
         {FACILITIES: edit(FACILITY, "  kind:", "\tkind:")},
         [f"{FACILITIES}:3: indentation must use spaces, not tabs"]),
    Case("tab-in-report-front-matter",
         {R: edit(REPORT, "kind: 总结", "\tkind: 总结")},
         [f"{R}:5: indentation must use spaces, not tabs"]),
    Case("tab-after-list-dash",
         {FACILITIES: edit(FACILITY, "- id: test-hospital", "-\tid: test-hospital")},
         [f"{FACILITIES}:1: indentation must use spaces, not tabs"]),
]

# ---------------------------------------------------------------------------
# Wrong types
# ---------------------------------------------------------------------------

WRONG_TYPES = [
    Case("text-where-number-expected",
         {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: 三成")},
         [f"{BENEFITS}:14: items[1].rate_percent must be a number (text found)"]),
    Case("number-where-text-expected",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: 120")},
         [f"{FACILITIES}:2: name must be text (a number found)"]),
    Case("list-where-mapping-expected",
         {FACILITIES: facility_with("region: [江苏省, 测试市]")},
         [f"{FACILITIES}:7: region must be a mapping of keys (a list found)"]),
    Case("mapping-where-list-expected",
         {BENEFITS: edit(PACKAGE, "groups: [key-entitled]", "groups: {key-entitled: yes}")},
         [f"{BENEFITS}:15: items[1].groups must be a list (a mapping found)"]),
    Case("true-false-where-text-expected",
         {FACILITIES: facility_with("note: no")},
         [f'{FACILITIES}:7: note 写的 no 会被 YAML 当作否（false），不是文字；作为文字请加引号，写成 "no"']),
    Case("nothing-where-text-expected",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name:")},
         [f"{FACILITIES}:2: name must be text (nothing found)"]),
    Case("phone-written-as-a-number",
         {FACILITIES: edit(FACILITY, "0514-87654321", "87654321")},
         [f'{FACILITIES}:6: phone must be written in quotes when it is only digits (write "87654321")']),
]

# ---------------------------------------------------------------------------
# Unknown keys, missing fields, duplicates
# ---------------------------------------------------------------------------

KEYS_AND_IDS = [
    Case("unknown-key-typo",
         {FACILITIES: facility_with("adress: 测试路1号")},
         [f"{FACILITIES}:7: key adress is not allowed (did you mean address?); allowed keys: {FACILITY_KEYS}"]),
    Case("unknown-key-in-a-source",
         {FACILITIES: edit(FACILITY, "where: 第二段", "were: 第二段")},
         [f"{FACILITIES}:11: key were is not allowed in sources[1] (did you mean where?); "
          "allowed keys: file, part, where",
          f"{FACILITIES}:11: sources[1].where is required"]),
    Case("unknown-key-without-a-suggestion",
         {BENEFITS: edit(PACKAGE, "      rate_percent: 30", "      rate: 30")},
         [f"{BENEFITS}:14: key rate is not allowed in items[1]; allowed keys: id, type, label, covers, "
          "rate_percent, groups, who_detail, claim, facilities, legal, sources, inferred, note"]),
    Case("missing-required-fields",
         {FACILITIES: edit(edit(FACILITY, "  kind: 综合医院\n", ""), "  curated: 2026-11-22\n", "")},
         [f"{FACILITIES}:1: curated is required", f"{FACILITIES}:1: kind is required"]),
    Case("missing-sources",
         {BUREAUS: BUREAUS_YML.split("  sources:")[0]},
         [f"{BUREAUS}:1: sources is required"]),
    Case("empty-report-front-matter",
         {R: "---\n---\n\n测试正文。\n"},
         [f"{R}:2: {name} is required" for name in ("bureau", "kind", "sources", "title", "topics", "year")]),
    Case("duplicate-id",
         {FACILITIES: FACILITY + FACILITY},
         [f"{FACILITIES}:12: id test-hospital must be unique (already used at line 1)"]),
    Case("duplicate-item-id-in-a-package",
         {BENEFITS: PACKAGE + "    - id: seven-cuts\n      type: priority\n      label: 四优先\n"
                              "      groups: [veteran]\n"},
         [f"{BENEFITS}:17: item id seven-cuts must be unique in the package (already used at line 11)"]),
    Case("duplicate-figure-id",
         {R: edit(REPORT, "---\n\n## 背景", "  - {id: subsidy, what: 又一项, value: 3, unit: 人}\n---\n\n## 背景")},
         [f"{R}:17: figure id subsidy must be unique in the report (already used at line 10)"]),
    Case("duplicate-key",
         {FACILITIES: edit(FACILITY, "  kind: 综合医院\n", "  kind: 综合医院\n  kind: 专科医院\n")},
         [f"{FACILITIES}:4: key kind must appear only once in a mapping (first at line 3)"]),
    Case("duplicate-key-in-front-matter",
         {R: edit(REPORT, "kind: 总结", "kind: 总结\nkind: 计划")},
         [f"{R}:6: key kind must appear only once in a mapping (first at line 5)"]),
]

# ---------------------------------------------------------------------------
# Dangling references
# ---------------------------------------------------------------------------

REFERENCES = [
    Case("unknown-bureau",
         {FACILITIES: edit(FACILITY, "bureau: test-city", "bureau: test-county")},
         [f"{FACILITIES}:4: bureau test-county must be the id of an entry in data/bureaus.yml"]),
    Case("unknown-group",
         {BENEFITS: edit(PACKAGE, "groups: [key-entitled]", "groups: [key-entitlde]")},
         [f"{BENEFITS}:15: group key-entitlde must be the id of an entry in data/groups.yml"]),
    Case("unknown-parent-group",
         {GROUPS_F: edit(GROUPS, "parent: veteran", "parent: veterans")},
         [f"{GROUPS_F}:7: group veterans must be the id of an entry in data/groups.yml"]),
    Case("unknown-law",
         {BENEFITS: edit(PACKAGE, "law: veterans-law", "law: veteran-law")},
         [f"{BENEFITS}:6: law veteran-law must be the id of an entry in data/legal.yml"]),
    Case("unknown-facility",
         {BENEFITS: edit(PACKAGE, "facilities: [test-hospital]", "facilities: [test-hospita]")},
         [f"{BENEFITS}:16: facility test-hospita must be the id of an entry in data/facilities.yml"]),
    Case("blood-rule-with-unknown-facility-and-group",
         {BLOOD_F: edit(edit(BLOOD, "facility: test-hospital", "facility: blood-bank"), "[veteran]", "[veterans]")},
         [f"{BLOOD_F}:3: facility blood-bank must be the id of an entry in data/facilities.yml",
          f"{BLOOD_F}:5: group veterans must be the id of an entry in data/groups.yml"]),
    Case("unknown-source-file",
         {FACILITIES: edit(FACILITY, "001_89d13becceec202a.txt", "002_89d13becceec202a.txt")},
         [f"{FACILITIES}:11: source file 002_89d13becceec202a.txt must be listed in data/sources.yml"]),
    Case("badly-named-source-file",
         {FACILITIES: edit(FACILITY, "001_89d13becceec202a.txt", "001.txt")},
         [f'{FACILITIES}:11: sources[1].file must name a source file like 001_89d13becceec202a.txt (got "001.txt")']),
    Case("unknown-source-part",
         {FACILITIES: edit(FACILITY, "part: 篇1", "part: 篇3")},
         [f"{FACILITIES}:11: part 篇3 must be one of the parts of 001_89d13becceec202a.txt: 篇1, 篇2"]),
    Case("unknown-source-part-in-report",
         {R: edit(REPORT, "part: 篇1", "part: 篇9")},
         [f"{R}:8: part 篇9 must be one of the parts of 001_89d13becceec202a.txt: 篇1, 篇2"]),
    Case("unknown-report-bureau",
         {"content/reports/test-county/2014.md": edit(REPORT, "bureau: test-city", "bureau: test-county")},
         ["content/reports/test-county/2014.md:3: bureau test-county must be the id of an entry in data/bureaus.yml"]),
    # One broken file or entry must not also break every reference into it.
    Case("empty-bureaus-file-does-not-cascade",
         {BUREAUS: ""},
         [f"{BUREAUS}:1: file must hold a YAML list of entries (it is empty; write [] for none)"]),
    Case("facilities-file-as-mapping-does-not-cascade",
         {FACILITIES: "id: test-hospital\nname: 测试市人民医院\n"},
         [f"{FACILITIES}:1: file must hold a YAML list of entries, each starting with '- '"]),
    Case("missing-legal-file-does-not-cascade",
         {}, [f"{LEGAL_F}:1: file must exist (it is part of the data)"],
         setup=lambda root: (root / LEGAL_F).unlink()),
    Case("broken-source-entry-does-not-cascade",
         {SOURCES: edit(SOURCES_YML, 'id: "001"', "id: 001")},
         [f'{SOURCES}:1: id 写的 001 以 0 开头，YAML 会把它当作八进制数；电话号码、编号等文字请加引号，写成 "001"；'
          "数字请去掉开头的 0"]),
]

# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

DATES = [
    Case("february-30",
         {FACILITIES: edit(FACILITY, "2026-11-22", "2026-02-30")},
         [f"{FACILITIES}:7: date 2026-02-30 must be a real calendar date (YYYY-MM-DD)"]),
    Case("month-13",
         {LEGAL_F: edit(LEGAL, "2020-11-11", "2026-13-01")},
         [f"{LEGAL_F}:5: date 2026-13-01 must be a real calendar date (YYYY-MM-DD)"]),
    Case("date-written-in-chinese",
         {FACILITIES: edit(FACILITY, "2026-11-22", "2026年11月22日")},
         [f"{FACILITIES}:7: curated must be a date written YYYY-MM-DD (text found)"]),
    Case("date-in-quotes",
         {FACILITIES: edit(FACILITY, "2026-11-22", '"2026-11-22"')},
         [f'{FACILITIES}:7: curated must be a date written YYYY-MM-DD without quotes (got "2026-11-22")']),
    Case("date-with-a-time",
         {FACILITIES: edit(FACILITY, "2026-11-22", "2026-11-22 10:00:00")},
         [f"{FACILITIES}:7: curated must be a date written YYYY-MM-DD (a date and time found)"]),
]

# ---------------------------------------------------------------------------
# Files: empty, encodings, NUL, size, a folder
# ---------------------------------------------------------------------------


def _enormous(root: Path) -> None:
    head = GLOSSARY.encode()
    (root / GLOSSARY_F).write_bytes(head + b"#" * (5 * 1024 * 1024 + 1 - len(head)))


def _folder_instead_of_file(root: Path) -> None:
    (root / FACILITIES).unlink()
    (root / FACILITIES).mkdir()


EMPTY = f"{GLOSSARY_F}:1: file must hold a YAML list of entries (it is empty; write [] for none)"

FILES = [
    Case("empty-file-0-bytes", {GLOSSARY_F: b""}, [EMPTY]),
    Case("empty-file-only-a-comment", {GLOSSARY_F: "# 暂无词条\n"}, [EMPTY]),
    Case("empty-file-only-whitespace", {GLOSSARY_F: "  \n\n   \n"}, [EMPTY]),
    Case("gbk-encoded",
         {FACILITIES: FACILITY.encode("gbk")},
         [f"{FACILITIES}:2: file must be saved as UTF-8 (byte 0xb2 {NOT_UTF8}"]),
    Case("gbk-encoded-report",
         {R: REPORT.encode("gbk")},
         [f"{R}:2: file must be saved as UTF-8 (byte 0xb2 {NOT_UTF8}"]),
    Case("latin-1-encoded",
         {GLOSSARY_F: edit(GLOSSARY, "挂号、就诊、取药、住院优先。", "Café 挂号优先。").encode().replace(
             "é".encode(), "é".encode("latin-1"))},
         [f"{GLOSSARY_F}:3: file must be saved as UTF-8 (byte 0xe9 {NOT_UTF8}"]),
    Case("nul-byte",
         {FACILITIES: edit(FACILITY, "测试市人民医院", "测试市\x00人民医院")},
         [f"{FACILITIES}:2: file must be text (it contains a NUL byte)"]),
    Case("control-character",
         {FACILITIES: edit(FACILITY, "测试市人民医院", "测试市\x07人民医院")},
         [f"{FACILITIES}:2: file must be text (it contains the control character U+0007)"]),
    Case("over-5-mb", {}, [f"{GLOSSARY_F}:1: file must be smaller than 5 MB (it has 5,242,881 bytes); split it"],
         setup=_enormous),
    Case("data-file-is-a-folder", {}, [f"{FACILITIES}:1: file must be readable (Is a directory)"],
         setup=_folder_instead_of_file),
    Case("report-is-a-folder", {}, ["content/reports/test-city/old.md:1: content/reports/test-city/ 里不能再分文件夹；"
                                    "报告直接放在部门文件夹里，如 content/reports/test-city/2014-zongjie.md"],
         setup=lambda root: (root / "content/reports/test-city/old.md").mkdir()),
]

# ---------------------------------------------------------------------------
# Ids, text and fixed vocabularies
# ---------------------------------------------------------------------------

ID_RULE = "id must use only lowercase letters a-z, digits and single dashes"

VALUES = [
    Case("han-characters-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: 四优先")},
         [f'{GLOSSARY_F}:1: {ID_RULE} (got "四优先")']),
    Case("traditional-simplified-mix-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: 四優先-优待")},
         [f'{GLOSSARY_F}:1: {ID_RULE} (got "四優先-优待")']),
    Case("capitals-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: Four-Priorities")},
         [f'{GLOSSARY_F}:1: {ID_RULE} (got "Four-Priorities")']),
    Case("underscore-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: four_priorities")},
         [f'{GLOSSARY_F}:1: {ID_RULE} (got "four_priorities")']),
    Case("html-in-text",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: <b>测试市人民医院</b>")},
         [f"{FACILITIES}:2: name must be plain text without < or > (no HTML; write titles in 《》)"]),
    Case("greater-than-sign-in-text",
         {BLOOD_F: edit(BLOOD, "who_detail: 退役军人", "who_detail: 年龄>60岁的退役军人")},
         [f"{BLOOD_F}:6: who_detail must be plain text without < or > (no HTML; write titles in 《》)"]),
    Case("empty-text",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", 'name: ""')},
         [f"{FACILITIES}:2: name must not be empty"]),
    Case("province-without-suffix",
         {FACILITIES: facility_with("region: {province: 江苏}")},
         [f"{FACILITIES}:7: {PROVINCE_RULE} (did you mean 江苏省?)"]),
    Case("city-written-as-province",
         {BUREAUS: edit(BUREAUS_YML, "province: 江苏省", "province: 扬州省")},
         [f"{BUREAUS}:4: {PROVINCE_RULE}"]),
    Case("unknown-service",
         {FACILITIES: edit(FACILITY, "军人病房", "军人食堂")},
         [f'{FACILITIES}:5: services[2] must be one of {SERVICE_LIST} (got "军人食堂")']),
    Case("phone-with-letters",
         {FACILITIES: edit(FACILITY, "0514-87654321", "0514-8765ABCD")},
         [f'{FACILITIES}:6: phone must be digits and dashes only (got "0514-8765ABCD")']),
    Case("negative-rate-percent",
         {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: -5")},
         [f"{BENEFITS}:14: items[1].rate_percent must be greater than 0"]),
    Case("rate-percent-over-100",
         {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: 150")},
         [f"{BENEFITS}:14: items[1].rate_percent must be less than or equal to 100"]),
    Case("year-before-1949",
         {BENEFITS: edit(PACKAGE, "year: 2014", "year: 1800")},
         [f"{BENEFITS}:3: claim.period.year must be greater than or equal to 1949"]),
    Case("year-after-2100",
         {BLOOD_F: edit(BLOOD, "year: 2014", "year: 3000")},
         [f"{BLOOD_F}:11: claim.period.year must be less than or equal to 2100"]),
]

# ---------------------------------------------------------------------------
# Reports: front matter and body
# ---------------------------------------------------------------------------

REPORTS = [
    Case("report-without-front-matter",
         {R: "## 只有正文\n\n测试正文。\n"},
         [f"{R}:1: report must start with front matter between two lines of ---"]),
    Case("report-with-unclosed-front-matter",
         {R: edit(REPORT, "---\n\n## 背景", "\n## 背景")},
         [f"{R}:1: front matter must end with a line of --- (the --- on line 1 is never closed)"]),
    Case("report-front-matter-is-a-list",
         {R: "---\n- title: 测试\n---\n\n测试正文。\n"},
         [f"{R}:2: front matter must be a mapping of keys (a list found)"]),
    Case("report-unknown-kind",
         {R: edit(REPORT, "kind: 总结", "kind: 总节")},
         [f'{R}:5: kind must be one of 总结, 计划, 汇报, 述职报告, 实施方案, 半年总结 or 工作要点 (got "总节")']),
    Case("report-unknown-topic",
         {R: edit(REPORT, "[征兵体检]", "[征兵体检, 养老]")},
         [f"{R}:6: topics[2] must be one of 征兵体检, 优抚医疗, 绿色通道, 献血用血, 国防教育, 走访慰问, 退役安置, "
          "军民共建, 对口支援, 新农合, 惠民医疗, 纠风, 医疗服务, 公共卫生, 卫生改革, 基层卫生, 人才培训 or 卫生监督 "
          '(got "养老")']),
    Case("report-year-as-text",
         {R: edit(REPORT, "year: 2014", "year: 二〇一四年")},
         [f"{R}:4: year must be a whole number (text found)"]),
    Case("report-year-inferred-without-year",
         {R: edit(REPORT, "year: 2014", "year: null\nyear_inferred: 文中提到十八大")},
         [f"{R}:5: year_inferred must go with a year (write the inferred year in year)"]),
    Case("report-in-wrong-folder",
         {"content/reports/other-city/2014-zongjie.md": REPORT},
         ["content/reports/other-city/2014-zongjie.md:3: report must be in the folder content/reports/test-city/ "
          "of its bureau"]),
    Case("report-body-with-html",
         {R: REPORT + "\n<div>加粗</div>\n"},
         [f"{R}:23: 报告正文不能包含 HTML 标签或脚本（第23行的 <div>）；请只用 Markdown"]),
    Case("report-body-with-h1-title",
         {R: REPORT + "\n# 另一个标题\n"},
         [f"{R}:23: report text must not have a # title (the title comes from front matter; use ## )"]),
    Case("figure-total-does-not-add-up",
         {R: edit(REPORT, "value: 1.5", "value: 2.5")},
         [f"{R}:12: figure subsidy: parts must add up to the value (they add up to 1.5 万元, the value is "
          f"2.5 万元){FIX_FIGURE}"]),
    Case("figure-unit-not-in-list",
         {R: edit(REPORT, "unit: 万元\n    parts", "unit: 万斤\n    parts")},
         [f"{R}:13: figures[1].unit must be one of 元, 万元, 亿元, 人, 万人, 人次, 万人次, 个, 家, 所, 次, 项, 张, 台, "
          '件, 名, 户, 批, 场, 天, 支, 辆, 套, 床, 篇, 期, 份, 名次, 平方米, 公里, % or 万册 (got "万斤")']),
    Case("figure-part-unit-does-not-convert",
         {R: edit(REPORT, "value: 5000, unit: 元", "value: 5000, unit: 人")},
         [f"{R}:15: figure subsidy: part 第一年 is in 人, which must convert to the total's unit 万元{FIX_FIGURE}"]),
    Case("report-with-windows-line-endings",
         {R: REPORT.replace("\n", "\r\n")}, []),
]

# ---------------------------------------------------------------------------
# Anchors, aliases, merge keys
# ---------------------------------------------------------------------------

SECOND_FACILITY = """\
- id: second-hospital
  name: 测试市第二医院
  kind: 综合医院
  bureau: test-city
  curated: 2026-11-22
  sources: *src
  status: unknown
  claim: {kind: report, period: {year: 2014, certainty: stated}}
"""


def _alias_bomb(levels: int) -> str:
    """A glossary note whose aliases expand to 10**levels values from a few hundred bytes."""
    lines = ["    a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return GLOSSARY + "  note:\n" + "\n".join(lines) + "\n"


ANCHORS = [
    Case("anchor-and-alias-are-accepted",
         {FACILITIES: edit(FACILITY, "  sources:\n", "  sources: &src\n") + SECOND_FACILITY}, []),
    Case("error-inside-an-aliased-value",
         # The value is used twice, so it is reported twice (DataError prints it once); the line is where it is written.
         {FACILITIES: edit(edit(FACILITY, "  sources:\n", "  sources: &src\n"), "part: 篇1", "part: 篇7")
          + SECOND_FACILITY},
         [f"{FACILITIES}:11: part 篇7 must be one of the parts of 001_89d13becceec202a.txt: 篇1, 篇2"] * 2),
    Case("merge-key",
         {FACILITIES: edit(FACILITY, "- id: test-hospital", "- &base\n  id: test-hospital")
          + "- <<: *base\n  id: second-hospital\n"},
         [f"{FACILITIES}:13: merge keys (<<) must not be used; write each key out"]),
    Case("alias-expansion-bomb",
         {GLOSSARY_F: _alias_bomb(5)},
         [f"{GLOSSARY_F}:5: note must be text (a mapping found)",
          f"{GLOSSARY_F}:6: aliases (*name) must not expand into more than 10,000 values; write the values out"]),
]

# ---------------------------------------------------------------------------
# Accepted silently
# ---------------------------------------------------------------------------

ACCEPTED = [
    Case("utf-8-bom-in-data-file", {FACILITIES: "\ufeff" + FACILITY}, []),
    Case("utf-8-bom-in-report", {R: "\ufeff" + REPORT}, []),
    Case("windows-line-endings-in-data-file", {FACILITIES: FACILITY.replace("\n", "\r\n")}, []),
    Case("traditional-characters-in-text", {FACILITIES: edit(FACILITY, "测试市人民医院", "測試市人民醫院")}, []),
]

CASES = [*YAML_SYNTAX, *TABS, *WRONG_TYPES, *KEYS_AND_IDS, *REFERENCES, *DATES, *FILES, *VALUES, *REPORTS,
         *ANCHORS, *ACCEPTED]


def _params(rule: Callable[[Case], str | None]) -> list:
    return [pytest.param(case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=rule(case))]
                         if rule(case) else []) for case in CASES]


def make(repo, case: Case) -> Path:
    """The broken repository of `case`."""
    root = repo({**VALID, **case.files})
    if case.setup:
        case.setup(root)
    return root


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_case_ids_are_unique_and_the_catalogue_is_large():
    assert len({c.id for c in CASES}) == len(CASES) >= 45


def test_the_starting_point_is_valid(repo):
    catalog, problems = load_catalog(repo(VALID))
    assert problems == []
    assert len(catalog.reports) == 1 and len(catalog.facilities) == 1


@pytest.mark.parametrize("case", _params(lambda c: c.bug))
def test_bad_input_gives_exactly_these_messages(repo, case):
    _, problems = load_catalog(make(repo, case))
    assert [str(p) for p in sorted(problems)] == case.expected


_TYPE_NAME = re.compile(r"\b(?:NoneType|datetime|bytearray|frozenset|Decimal)\b"
                        r"|\((?:bytes|dict|str|int|float|bool|tuple|set|list) found\)")
_RULE = re.compile(r"must|is required|is not allowed|必须|只能|不能|请")


@pytest.mark.parametrize("case", _params(lambda c: c.bug if c.bad_wording else None))
def test_messages_are_well_formed(repo, case):
    """No exception escapes, and every message is one line that names a rule, in plain words."""
    root = make(repo, case)
    try:
        _, problems = load_catalog(root)
    except Exception as err:  # noqa: BLE001 - the point is that nothing escapes
        pytest.fail(f"{type(err).__name__} escaped load_catalog: {err}")
    for problem in problems:
        message = problem.message
        assert problem.line >= 1 and not problem.path.startswith("/"), str(problem)
        assert "\n" not in message, f"message must be one line: {message!r}"
        assert "Traceback" not in message and "Error(" not in message, message
        assert not _TYPE_NAME.search(message), f"message names a Python type: {message!r}"
        assert not message.endswith((".", "。")), f"message ends with a period: {message!r}"
        assert _RULE.search(message), f"message names no rule: {message!r}"


# ---------------------------------------------------------------------------
# End to end: mkdocs build --strict on a broken copy of the real project
# ---------------------------------------------------------------------------


def _tab_in_facilities(project: Path) -> str:
    path = project / FACILITIES
    text = path.read_text(encoding="utf-8")
    at = text.index("\n  name: ")
    path.write_text(text[:at] + "\n\tname: " + text[at + len("\n  name: "):], encoding="utf-8")
    return f"{FACILITIES}:{text[:at].count(chr(10)) + 2}: indentation must use spaces, not tabs"


def _gbk_groups(project: Path) -> str:
    path = project / GROUPS_F
    raw = path.read_text(encoding="utf-8").encode("gbk")
    start = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    line = raw[:start].count(b"\n") + 1
    path.write_bytes(raw)
    return f"{GROUPS_F}:{line}: file must be saved as UTF-8 (byte 0x{raw[start]:02x} {NOT_UTF8}"


def _html_in_a_report(project: Path) -> str:
    path = min(p for p in (project / "content/reports").glob("*/*.md") if p.name != "index.md")
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n<script>alert(1)</script>\n"
    path.write_text(text, encoding="utf-8")
    shown = path.relative_to(project).as_posix()
    line = text.count(chr(10))
    return f"{shown}:{line}: 报告正文不能包含 HTML 标签或脚本（第{line}行的 <script>）；请只用 Markdown"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.build
@pytest.mark.parametrize("breaker", [_tab_in_facilities, _gbk_groups, _html_in_a_report],
                         ids=["tab-in-facilities", "gbk-groups", "html-in-a-report"])
def test_broken_real_data_stops_the_build_cleanly(site_copy, tmp_path, breaker):
    expected = breaker(site_copy)
    _, problems = load_catalog(site_copy)
    assert [str(p) for p in problems] == [expected]
    out = tmp_path / "previous-site"
    (out / "assets").mkdir(parents=True)
    (out / "index.html").write_text("<h1>上一版网站</h1>", encoding="utf-8")
    (out / "assets/keep.txt").write_text("previous site", encoding="utf-8")
    before = _snapshot(out)

    result = build(site_copy, out)

    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(rf"^{re.escape(expected)}$", result.stderr, re.MULTILINE), result.stderr
    assert "1 problem found in the data; nothing was built." in result.stderr
    assert _snapshot(out) == before
