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

SERVICE_LIST = ("军人优先窗口、绿色通道、军人病房、先诊疗后结算、一站式结算、优抚门诊、优抚病房、征兵体检定点、征兵体检、优先用血、"
                "惠民医院、惠民门诊、部队体检、驻军饮水卫生、驻军食品卫生、传染病防控协作、义诊巡诊、对口支援、健康档案")
FACILITY_KEYS = ("id, name, kind, bureau, region, services, address, phone, hours, status, status_note, claim, "
                 "curated, checks, shared_text, sources, inferred, note, sample, draft, change_note")
PROVINCE_RULE = "region.province 必须是省级行政区的全称，例如 江苏省"
NOT_UTF8 = "不是 UTF-8；可能存成了 GBK/GB2312，请另存为 UTF-8）"
FIX_FIGURE = "；请改正数字，或者在 discrepancy 里说明资料本身的不一致"


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
         [f"{FACILITIES}:11: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（expected ',' or '}}', but got '<stream end>' "
          "(while parsing a flow mapping)）"]),
    Case("bad-indentation-deeper",
         {FACILITIES: edit(FACILITY, "  kind:", "   kind:")},
         [f"{FACILITIES}:3: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（mapping values are not allowed here）"]),
    Case("bad-indentation-shallower",
         {FACILITIES: edit(FACILITY, "  kind:", " kind:")},
         [f"{FACILITIES}:3: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（expected <block end>, but found '<block mapping start>' "
          "(while parsing a block collection)）"]),
    Case("stray-colon-in-value",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: 测试市: 人民医院")},
         [f"{FACILITIES}:2: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（mapping values are not allowed here）"]),
    Case("full-width-colon",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name：测试市人民医院")},
         [f"{FACILITIES}:2: 键名后面必须是半角冒号 :（这里是全角冒号“：”）；请换成半角冒号"]),
    Case("full-width-space-indentation",
         {FACILITIES: edit(FACILITY, "  kind:", "\u3000kind:")},
         [f"{FACILITIES}:3: 缩进只能用半角空格，不能用全角空格（U+3000）；请换成半角空格"]),
    Case("unterminated-quote",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", 'name: "测试市人民医院')},
         [f"{FACILITIES}:2: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（found unexpected end of stream "
          "(while scanning a quoted scalar)）"]),
    Case("document-is-a-scalar",
         {GLOSSARY_F: "四优先：挂号、就诊、取药、住院优先。\n"},
         [f"{GLOSSARY_F}:1: 文件必须是一个 YAML 列表，每一条以“- ”开头"]),
    Case("mapping-instead-of-list",
         {GLOSSARY_F: "id: four-priorities\nterm: 四优先\nplain: 挂号优先。\n"},
         [f"{GLOSSARY_F}:1: 文件必须是一个 YAML 列表，每一条以“- ”开头"]),
    Case("second-document",
         {FACILITIES: FACILITY + "---\n" + edit(FACILITY, "test-hospital", "second-hospital")},
         [f"{FACILITIES}:12: 文件里只能有一份 YAML 文档；请删去这一行 ---"]),
    Case("key-is-a-list",
         {FACILITIES: edit(FACILITY, "  kind: 综合医院", "  ? [kind]\n  : 综合医院")},
         [f"{FACILITIES}:1: kind 必须填写：请补上这一项",
          f"{FACILITIES}:3: 键名只能是普通文字，不能是列表或「键: 值」"]),
    Case("python-tag",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: !!python/object:os.system ls")},
         [f"{FACILITIES}:2: 值必须是普通的 YAML 写法（could not determine a constructor for the tag "
          "'tag:yaml.org,2002:python/object:os.system'）；请去掉特殊标记"]),
]

# ---------------------------------------------------------------------------
# Tabs
# ---------------------------------------------------------------------------

TABS = [
    Case("tab-indentation",
         {FACILITIES: edit(FACILITY, "  kind:", "\tkind:")},
         [f"{FACILITIES}:3: 缩进只能用空格，不能用 Tab；请把行首的 Tab 换成空格"]),
    Case("tab-in-report-front-matter",
         {R: edit(REPORT, "kind: 总结", "\tkind: 总结")},
         [f"{R}:5: 缩进只能用空格，不能用 Tab；请把行首的 Tab 换成空格"]),
    Case("tab-after-list-dash",
         {FACILITIES: edit(FACILITY, "- id: test-hospital", "-\tid: test-hospital")},
         [f"{FACILITIES}:1: 缩进只能用空格，不能用 Tab；请把行首的 Tab 换成空格"]),
]

# ---------------------------------------------------------------------------
# Wrong types
# ---------------------------------------------------------------------------

WRONG_TYPES = [
    Case("text-where-number-expected",
         {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: 三成")},
         [f"{BENEFITS}:14: items[1].rate_percent 必须是数字（现在是文字）"]),
    Case("number-where-text-expected",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: 120")},
         [f"{FACILITIES}:2: name 必须是文字（现在是数字）"]),
    Case("list-where-mapping-expected",
         {FACILITIES: facility_with("region: [江苏省, 测试市]")},
         [f"{FACILITIES}:7: region 必须是「键: 值」的写法（现在是列表）"]),
    Case("mapping-where-list-expected",
         {BENEFITS: edit(PACKAGE, "groups: [key-entitled]", "groups: {key-entitled: yes}")},
         [f"{BENEFITS}:15: items[1].groups 必须是列表（每项一行，以 - 开头）（现在是「键: 值」的写法）"]),
    Case("true-false-where-text-expected",
         {FACILITIES: facility_with("note: no")},
         [f'{FACILITIES}:7: note 写的 no 会被 YAML 当作否（false），不是文字；作为文字请加引号，写成 "no"']),
    Case("nothing-where-text-expected",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name:")},
         [f"{FACILITIES}:2: name 必须是文字（现在是空的）"]),
    Case("phone-written-as-a-number",
         {FACILITIES: edit(FACILITY, "0514-87654321", "87654321")},
         [f'{FACILITIES}:6: phone 只有数字时要加引号，请写成 "87654321"']),
]

# ---------------------------------------------------------------------------
# Unknown keys, missing fields, duplicates
# ---------------------------------------------------------------------------

KEYS_AND_IDS = [
    Case("unknown-key-typo",
         {FACILITIES: facility_with("adress: 测试路1号")},
         [f"{FACILITIES}:7: 这里不能有键 adress（是不是要写 address？）；可以用的键：{FACILITY_KEYS}"]),
    Case("unknown-key-in-a-source",
         {FACILITIES: edit(FACILITY, "where: 第二段", "were: 第二段")},
         [f"{FACILITIES}:11: sources[1] 里不能有键 were（是不是要写 where？）；"
          "可以用的键：file, part, where",
          f"{FACILITIES}:11: sources[1].where 必须填写：请补上这一项"]),
    Case("unknown-key-without-a-suggestion",
         {BENEFITS: edit(PACKAGE, "      rate_percent: 30", "      rate: 30")},
         [f"{BENEFITS}:14: items[1] 里不能有键 rate；可以用的键：id, type, label, covers, "
          "rate_percent, groups, who_detail, claim, facilities, legal, sources, inferred, note"]),
    Case("missing-required-fields",
         {FACILITIES: edit(edit(FACILITY, "  kind: 综合医院\n", ""), "  curated: 2026-11-22\n", "")},
         [f"{FACILITIES}:1: curated 必须填写：请补上这一项", f"{FACILITIES}:1: kind 必须填写：请补上这一项"]),
    Case("missing-sources",
         {BUREAUS: BUREAUS_YML.split("  sources:")[0]},
         [f"{BUREAUS}:1: sources 必须填写：请补上这一项"]),
    Case("empty-report-front-matter",
         {R: "---\n---\n\n测试正文。\n"},
         [f"{R}:2: {name} 必须填写：请补上这一项" for name in ("bureau", "kind", "sources", "title", "topics", "year")]),
    Case("duplicate-id",
         {FACILITIES: FACILITY + FACILITY},
         [f"{FACILITIES}:12: id test-hospital 只能用一次（第 1 行已经用过）；请换一个 id"]),
    Case("duplicate-item-id-in-a-package",
         {BENEFITS: PACKAGE + "    - id: seven-cuts\n      type: priority\n      label: 四优先\n"
                              "      groups: [veteran]\n"},
         [f"{BENEFITS}:17: items 的 id seven-cuts 在同一套优待里只能用一次（第 11 行已经用过）；请换一个 id"]),
    Case("duplicate-figure-id",
         {R: edit(REPORT, "---\n\n## 背景", "  - {id: subsidy, what: 又一项, value: 3, unit: 人}\n---\n\n## 背景")},
         [f"{R}:17: 数字的 id subsidy 在一篇报告里只能用一次（第 10 行已经用过）；请换一个 id"]),
    Case("duplicate-key",
         {FACILITIES: edit(FACILITY, "  kind: 综合医院\n", "  kind: 综合医院\n  kind: 专科医院\n")},
         [f"{FACILITIES}:4: 键 kind 在同一处只能写一次（第 3 行已经写过）；请删去重复的一个"]),
    Case("duplicate-key-in-front-matter",
         {R: edit(REPORT, "kind: 总结", "kind: 总结\nkind: 计划")},
         [f"{R}:6: 键 kind 在同一处只能写一次（第 5 行已经写过）；请删去重复的一个"]),
]

# ---------------------------------------------------------------------------
# Dangling references
# ---------------------------------------------------------------------------

REFERENCES = [
    Case("unknown-bureau",
         {FACILITIES: edit(FACILITY, "bureau: test-city", "bureau: test-county")},
         [f"{FACILITIES}:4: bureau 写的 test-county 在 data/bureaus.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/bureaus.yml 里添加"]),
    Case("unknown-group",
         {BENEFITS: edit(PACKAGE, "groups: [key-entitled]", "groups: [key-entitlde]")},
         [f"{BENEFITS}:15: group 写的 key-entitlde 在 data/groups.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/groups.yml 里添加"]),
    Case("unknown-parent-group",
         {GROUPS_F: edit(GROUPS, "parent: veteran", "parent: veterans")},
         [f"{GROUPS_F}:7: group 写的 veterans 在 data/groups.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/groups.yml 里添加"]),
    Case("unknown-law",
         {BENEFITS: edit(PACKAGE, "law: veterans-law", "law: veteran-law")},
         [f"{BENEFITS}:6: law 写的 veteran-law 在 data/legal.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/legal.yml 里添加"]),
    Case("unknown-facility",
         {BENEFITS: edit(PACKAGE, "facilities: [test-hospital]", "facilities: [test-hospita]")},
         [f"{BENEFITS}:16: facility 写的 test-hospita 在 data/facilities.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/facilities.yml 里添加"]),
    Case("blood-rule-with-unknown-facility-and-group",
         {BLOOD_F: edit(edit(BLOOD, "facility: test-hospital", "facility: blood-bank"), "[veteran]", "[veterans]")},
         [f"{BLOOD_F}:3: facility 写的 blood-bank 在 data/facilities.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/facilities.yml 里添加",
          f"{BLOOD_F}:5: group 写的 veterans 在 data/groups.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/groups.yml 里添加"]),
    Case("unknown-source-file",
         {FACILITIES: edit(FACILITY, "001_89d13becceec202a.txt", "002_89d13becceec202a.txt")},
         [f"{FACILITIES}:11: 资料文件 002_89d13becceec202a.txt 必须先登记在 data/sources.yml 里；请核对文件名"]),
    Case("badly-named-source-file",
         {FACILITIES: edit(FACILITY, "001_89d13becceec202a.txt", "001.txt")},
         [f'{FACILITIES}:11: sources[1].file 必须是资料文件名，例如 001_89d13becceec202a.txt（现在写的是 "001.txt"）']),
    Case("unknown-source-part",
         {FACILITIES: edit(FACILITY, "part: 篇1", "part: 篇3")},
         [f"{FACILITIES}:11: part 写的 篇3 不是 001_89d13becceec202a.txt 里的一篇：只能是 篇1、篇2 之一"]),
    Case("unknown-source-part-in-report",
         {R: edit(REPORT, "part: 篇1", "part: 篇9")},
         [f"{R}:8: part 写的 篇9 不是 001_89d13becceec202a.txt 里的一篇：只能是 篇1、篇2 之一"]),
    Case("unknown-report-bureau",
         {"content/reports/test-county/2014.md": edit(REPORT, "bureau: test-city", "bureau: test-county")},
         ["content/reports/test-county/2014.md:3: bureau 写的 test-county 在 data/bureaus.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/bureaus.yml 里添加"]),
    # One broken file or entry must not also break every reference into it.
    Case("empty-bureaus-file-does-not-cascade",
         {BUREAUS: ""},
         [f"{BUREAUS}:1: 文件必须是一个 YAML 列表（现在是空的；没有条目就写 []）"]),
    Case("facilities-file-as-mapping-does-not-cascade",
         {FACILITIES: "id: test-hospital\nname: 测试市人民医院\n"},
         [f"{FACILITIES}:1: 文件必须是一个 YAML 列表，每一条以“- ”开头"]),
    Case("missing-legal-file-does-not-cascade",
         {}, [f"{LEGAL_F}:1: 缺少这个文件：它是网站数据的一部分，请恢复它"],
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
         [f"{FACILITIES}:7: 日期 2026-02-30 不存在：必须是日历上真有的日期（YYYY-MM-DD）"]),
    Case("month-13",
         {LEGAL_F: edit(LEGAL, "2020-11-11", "2026-13-01")},
         [f"{LEGAL_F}:5: 日期 2026-13-01 不存在：必须是日历上真有的日期（YYYY-MM-DD）"]),
    Case("date-written-in-chinese",
         {FACILITIES: edit(FACILITY, "2026-11-22", "2026年11月22日")},
         [f"{FACILITIES}:7: curated 必须是日期，写成 YYYY-MM-DD（现在是文字）"]),
    Case("date-in-quotes",
         {FACILITIES: edit(FACILITY, "2026-11-22", '"2026-11-22"')},
         [f'{FACILITIES}:7: curated 必须是日期，写成 YYYY-MM-DD，不加引号（现在写的是 "2026-11-22"）']),
    Case("date-with-a-time",
         {FACILITIES: edit(FACILITY, "2026-11-22", "2026-11-22 10:00:00")},
         [f"{FACILITIES}:7: curated 必须是日期，写成 YYYY-MM-DD（现在是日期加时间）"]),
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


EMPTY = f"{GLOSSARY_F}:1: 文件必须是一个 YAML 列表（现在是空的；没有条目就写 []）"

FILES = [
    Case("empty-file-0-bytes", {GLOSSARY_F: b""}, [EMPTY]),
    Case("empty-file-only-a-comment", {GLOSSARY_F: "# 暂无词条\n"}, [EMPTY]),
    Case("empty-file-only-whitespace", {GLOSSARY_F: "  \n\n   \n"}, [EMPTY]),
    Case("gbk-encoded",
         {FACILITIES: FACILITY.encode("gbk")},
         [f"{FACILITIES}:2: 文件必须以 UTF-8 编码保存（字节 0xb2 {NOT_UTF8}"]),
    Case("gbk-encoded-report",
         {R: REPORT.encode("gbk")},
         [f"{R}:2: 文件必须以 UTF-8 编码保存（字节 0xb2 {NOT_UTF8}"]),
    Case("latin-1-encoded",
         {GLOSSARY_F: edit(GLOSSARY, "挂号、就诊、取药、住院优先。", "Café 挂号优先。").encode().replace(
             "é".encode(), "é".encode("latin-1"))},
         [f"{GLOSSARY_F}:3: 文件必须以 UTF-8 编码保存（字节 0xe9 {NOT_UTF8}"]),
    Case("nul-byte",
         {FACILITIES: edit(FACILITY, "测试市人民医院", "测试市\x00人民医院")},
         [f"{FACILITIES}:2: 文件必须是纯文本（这里有空字节（NUL））；请删去它，或用文本编辑器重新保存"]),
    Case("control-character",
         {FACILITIES: edit(FACILITY, "测试市人民医院", "测试市\x07人民医院")},
         [f"{FACILITIES}:2: 文件必须是纯文本（这里有控制字符 U+0007）；请删去它，或用文本编辑器重新保存"]),
    Case("over-5-mb", {}, [f"{GLOSSARY_F}:1: 文件必须小于 5 MB（现在有 5,242,881 字节）；请拆成几个文件"],
         setup=_enormous),
    Case("data-file-is-a-folder", {}, [f"{FACILITIES}:1: 这里必须是文件，不能是文件夹"],
         setup=_folder_instead_of_file),
    Case("report-is-a-folder", {}, ["content/reports/test-city/old.md:1: content/reports/test-city/ 里不能再分文件夹；"
                                    "报告直接放在部门文件夹里，如 content/reports/test-city/2014-zongjie.md"],
         setup=lambda root: (root / "content/reports/test-city/old.md").mkdir()),
]

# ---------------------------------------------------------------------------
# Ids, text and fixed vocabularies
# ---------------------------------------------------------------------------

ID_RULE = "id 只能用小写字母 a-z、数字和单个短横线"

VALUES = [
    Case("han-characters-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: 四优先")},
         [f'{GLOSSARY_F}:1: {ID_RULE}（现在写的是 "四优先"）']),
    Case("traditional-simplified-mix-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: 四優先-优待")},
         [f'{GLOSSARY_F}:1: {ID_RULE}（现在写的是 "四優先-优待"）']),
    Case("capitals-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: Four-Priorities")},
         [f'{GLOSSARY_F}:1: {ID_RULE}（现在写的是 "Four-Priorities"）']),
    Case("underscore-in-id",
         {GLOSSARY_F: edit(GLOSSARY, "id: four-priorities", "id: four_priorities")},
         [f'{GLOSSARY_F}:1: {ID_RULE}（现在写的是 "four_priorities"）']),
    Case("html-in-text",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: <b>测试市人民医院</b>")},
         [f"{FACILITIES}:2: name 只能是纯文字，不能有 < 或 >（不能写 HTML；书名请用《》）"]),
    Case("greater-than-sign-in-text",
         {BLOOD_F: edit(BLOOD, "who_detail: 退役军人", "who_detail: 年龄>60岁的退役军人")},
         [f"{BLOOD_F}:6: who_detail 只能是纯文字，不能有 < 或 >（不能写 HTML；书名请用《》）"]),
    Case("empty-text",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", 'name: ""')},
         [f"{FACILITIES}:2: name 不能是空的"]),
    Case("province-without-suffix",
         {FACILITIES: facility_with("region: {province: 江苏}")},
         [f"{FACILITIES}:7: {PROVINCE_RULE}（是不是要写 江苏省？）"]),
    Case("city-written-as-province",
         {BUREAUS: edit(BUREAUS_YML, "province: 江苏省", "province: 扬州省")},
         [f"{BUREAUS}:4: {PROVINCE_RULE}"]),
    Case("unknown-service",
         {FACILITIES: edit(FACILITY, "军人病房", "军人食堂")},
         [f'{FACILITIES}:5: services[2] 只能是 {SERVICE_LIST} 之一（现在写的是 "军人食堂"）']),
    Case("phone-with-letters",
         {FACILITIES: edit(FACILITY, "0514-87654321", "0514-8765ABCD")},
         [f'{FACILITIES}:6: phone 只能有数字和短横线（现在写的是 "0514-8765ABCD"）']),
    Case("negative-rate-percent",
         {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: -5")},
         [f"{BENEFITS}:14: items[1].rate_percent 必须大于 0（现在写的是 -5）"]),
    Case("rate-percent-over-100",
         {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: 150")},
         [f"{BENEFITS}:14: items[1].rate_percent 不能大于 100（现在写的是 150）"]),
    Case("year-before-1949",
         {BENEFITS: edit(PACKAGE, "year: 2014", "year: 1800")},
         [f"{BENEFITS}:3: claim.period.year 不能小于 1949（现在写的是 1800）"]),
    Case("year-after-2100",
         {BLOOD_F: edit(BLOOD, "year: 2014", "year: 3000")},
         [f"{BLOOD_F}:11: claim.period.year 不能大于 2100（现在写的是 3000）"]),
]

# ---------------------------------------------------------------------------
# Reports: front matter and body
# ---------------------------------------------------------------------------

REPORTS = [
    Case("report-without-front-matter",
         {R: "## 只有正文\n\n测试正文。\n"},
         [f"{R}:1: 报告必须以两行 --- 之间的开头信息（front matter）开始"]),
    Case("report-with-unclosed-front-matter",
         {R: edit(REPORT, "---\n\n## 背景", "\n## 背景")},
         [f"{R}:1: 开头的信息（front matter）必须以一行 --- 结束（第 1 行的 --- 没有对应的结束行）"]),
    Case("report-front-matter-is-a-list",
         {R: "---\n- title: 测试\n---\n\n测试正文。\n"},
         [f"{R}:2: 开头信息（front matter）必须是「键: 值」的写法（现在是列表）"]),
    Case("report-unknown-kind",
         {R: edit(REPORT, "kind: 总结", "kind: 总节")},
         [f'{R}:5: kind 只能是 总结、计划、汇报、述职报告、实施方案、半年总结、工作要点 之一（现在写的是 "总节"）']),
    Case("report-unknown-topic",
         {R: edit(REPORT, "[征兵体检]", "[征兵体检, 养老]")},
         [f"{R}:6: topics[2] 只能是 征兵体检、优抚医疗、绿色通道、献血用血、国防教育、走访慰问、退役安置、"
          "军民共建、对口支援、新农合、惠民医疗、纠风、医疗服务、公共卫生、卫生改革、基层卫生、人才培训、卫生监督"
          ' 之一（现在写的是 "养老"）']),
    Case("report-year-as-text",
         {R: edit(REPORT, "year: 2014", "year: 二〇一四年")},
         [f"{R}:4: year 必须是整数（现在是文字）"]),
    Case("report-year-inferred-without-year",
         {R: edit(REPORT, "year: 2014", "year: null\nyear_inferred: 文中提到十八大")},
         [f"{R}:5: year_inferred（推断年份的依据）必须和 year 一起写：把推断的年份填在 year"]),
    Case("report-in-wrong-folder",
         {"content/reports/other-city/2014-zongjie.md": REPORT},
         ["content/reports/other-city/2014-zongjie.md:3: 报告必须放在它所属部门的文件夹 content/reports/test-city/ 里"]),
    Case("report-body-with-html",
         {R: REPORT + "\n<div>加粗</div>\n"},
         [f"{R}:23: 报告正文不能包含 HTML 标签或脚本（第23行的 <div>）；请只用 Markdown"]),
    Case("report-body-with-h1-title",
         {R: REPORT + "\n# 另一个标题\n"},
         [f"{R}:23: 报告正文不能有 # 一级标题（标题写在开头信息的 title 里）；小标题请用 ##"]),
    Case("figure-total-does-not-add-up",
         {R: edit(REPORT, "value: 1.5", "value: 2.5")},
         [f"{R}:12: 数字 subsidy：分项加起来必须等于总数（分项合计 1.5 万元，总数是 2.5 万元）；"
          f"请对照资料核对，资料本身不一致就写 note 说明{FIX_FIGURE}"]),
    Case("figure-unit-not-in-list",
         {R: edit(REPORT, "unit: 万元\n    parts", "unit: 万斤\n    parts")},
         [f"{R}:13: figures[1].unit 只能是 元、万元、亿元、人、万人、人次、万人次、个、家、所、次、项、张、台、"
          '件、名、户、批、场、天、支、辆、套、床、篇、期、份、名次、平方米、公里、%、万册 之一（现在写的是 "万斤"）']),
    Case("figure-part-unit-does-not-convert",
         {R: edit(REPORT, "value: 5000, unit: 元", "value: 5000, unit: 人")},
         [f"{R}:15: 数字 subsidy：分项 第一年 的单位 人 必须能换算成总数的单位 万元；请核对单位{FIX_FIGURE}"]),
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
         [f"{FACILITIES}:11: part 写的 篇7 不是 001_89d13becceec202a.txt 里的一篇：只能是 篇1、篇2 之一"] * 2),
    Case("merge-key",
         {FACILITIES: edit(FACILITY, "- id: test-hospital", "- &base\n  id: test-hospital")
          + "- <<: *base\n  id: second-hospital\n"},
         [f"{FACILITIES}:13: 不能用合并键（<<）；请把每个键直接写出来"]),
    Case("alias-expansion-bomb",
         {GLOSSARY_F: _alias_bomb(5)},
         [f"{GLOSSARY_F}:5: note 必须是文字（现在是「键: 值」的写法）",
          f"{GLOSSARY_F}:6: 别名（*名称）展开后不能超过 10,000 个值；请直接写出各处需要的内容"]),
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
    return f"{FACILITIES}:{text[:at].count(chr(10)) + 2}: 缩进只能用空格，不能用 Tab；请把行首的 Tab 换成空格"


def _gbk_groups(project: Path) -> str:
    path = project / GROUPS_F
    raw = path.read_text(encoding="utf-8").encode("gbk")
    start = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    line = raw[:start].count(b"\n") + 1
    path.write_bytes(raw)
    return f"{GROUPS_F}:{line}: 文件必须以 UTF-8 编码保存（字节 0x{raw[start]:02x} {NOT_UTF8}"


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
    assert "数据中共有 1 个问题，网站没有生成（1 problem found in the data; nothing was built）。" in result.stderr
    assert _snapshot(out) == before


# Chinese first: after the names of the fields or keys a message is about (ASCII, as staff
# type them in the file), the first thing said is Chinese. Checked on every message these
# catalogues expect word for word (and the tests above check that exactly these are given).
_CHINESE_FIRST = re.compile(r"(?:[A-Za-z_][\w./\[\]\-]*\s*)*[\u3400-\u9fff（“《「]")


def test_every_expected_message_is_chinese_first():
    import test_hostile_files

    expected = [m for case in [*CASES, *test_hostile_files.CASES] for m in case.expected]
    assert len(expected) >= 150
    english = [m for m in expected if not _CHINESE_FIRST.match(m.split(": ", 1)[1])]
    assert english == []
