"""Hostile files: each is answered with exactly these `path:line: message`s, never crashed or hung on.

A companion to the catalogue of malformed inputs (test_bad_input.py), kept apart so that
the two can evolve separately. Every case starts from one small valid repository and
breaks it the way a careless or hostile editor could: FIFOs and links to /dev/zero,
nesting 10,000 deep, alias bombs, YAML 1.1 surprises (`010` is 8, `33:26` is 2006),
invisible and control characters, absurd numbers and dates, cycles.

Every case runs `youfu validate` in a child process, with a time limit and a memory
limit, and checks: exactly the expected lines (written out by hand), exit status 1, no
traceback, no pydantic wording. Then the hook stops a real `mkdocs build` before it
writes anything, and hypothesis feeds the YAML reader text that nobody wrote by hand.
"""
from __future__ import annotations

import os
import re
import resource
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import pytest
from conftest import BUREAUS_YML, SOURCES_YML
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TODAY = date.today()
YEAR = TODAY.year
MEMORY = 1024 * 1024 * 1024  # address space of the child process: reading /dev/zero would pass it
TIMEOUT = 120  # seconds for one `youfu validate` (the machine may be busy; a hang is forever)

# ---------------------------------------------------------------------------
# The valid starting point (the same small repository as the catalogue's)
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
  in_force: 2021-01-01
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
DATA_FILES = (SOURCES, BUREAUS, GROUPS_F, LEGAL_F, GLOSSARY_F, BENEFITS, FACILITIES, BLOOD_F)
R = "content/reports/test-city/2014-zongjie.md"

VALID = {SOURCES: SOURCES_YML, BUREAUS: BUREAUS_YML, GROUPS_F: GROUPS, LEGAL_F: LEGAL, GLOSSARY_F: GLOSSARY,
         BENEFITS: PACKAGE, FACILITIES: FACILITY, BLOOD_F: BLOOD, R: REPORT}


def edit(text: str, old: str, new: str) -> str:
    """`text` with its one `old` replaced by `new` (fails loudly if a case has gone stale)."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def facility_with(line: str) -> str:
    """FACILITY with `line` inserted as line 7, before curated."""
    return edit(FACILITY, "  curated", f"  {line}\n  curated")


def glossary_with(line: str) -> str:
    """GLOSSARY with `line` as line 4 (before its sources line)."""
    return edit(GLOSSARY, "  sources:", f"  {line}\n  sources:")


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]  # replaces these files of VALID
    expected: list[str]  # `path:line: message`s in the order youfu prints them (path, line, message)
    setup: Callable[[Path], None] | None = field(default=None, compare=False)  # further changes to the repository


# ---------------------------------------------------------------------------
# Messages, written out once
# ---------------------------------------------------------------------------

FIFO = "必须是普通文件（这里是命名管道 FIFO，读取它会一直等下去）；请删除它，换成普通的文本文件"
SOCKET = "必须是普通文件（这里是套接字（socket））；请删除它，换成普通的文本文件"
DEVICE = "必须是普通文件（这里是字符设备）；请删除它，换成普通的文本文件"
DEEP = "列表和映射最多只能嵌套 20 层（这里已是第 21 层）；请检查是否多写了 [ 或 {、缩进是否过深，把结构写平"
SELF_ALIAS = "别名（*名称）不能出现在它所指的值里面（这样会无限展开）；请直接写出内容"
ALIAS_SIZE = "别名（*名称）展开后的内容合计不能超过 100,000 个字符；请不要反复引用长的文字，直接写出各处需要的内容"
SHORT_RULE = "名称、标题、地址这类文字要简短；请精简"
LONG_RULE = "说明、定义这类文字也要简明；请精简，或分成几条写"
PAST = f"不能晚于今天（{TODAY.isoformat()}）：这里记的是已经发生的事；请核对日期"
SUMMARY_YEAR = f"year（年份）不能晚于今年（{YEAR} 年）：总结、汇报、述职报告写的是已经发生的事；请核对年份"
PLAN_YEAR = f"year（年份）不能晚于明年（{YEAR + 1} 年）：计划、实施方案、工作要点最多写到明年；请核对年份"
PRACTICE_YEAR = f"year（年份）不能晚于明年（{YEAR + 1} 年）：这里记的是已经实行或已经计划的做法；请核对年份"
CONTROL_FIX = "网页和订阅源 feed.xml 都容不下它；请删除它（或删除写出它的转义，如 \\x07、\\u0000）"
INVISIBLE_FIX = "读者看到的文字会和实际内容不一样；请删除它（可在编辑器里显示不可见字符后删除）"
# Bounds of the Markdown check (sanitize.MAX_LINE_CHARS, MAX_BRACKETS_PER_PARAGRAPH), written out.
LONG_LINE = "报告正文的一行最多 20,000 个字符（第23行有 {:,} 个）；请分段"
BRACKETS = ("报告正文的一段里最多用 500 个方括号 [（第{}行起的这一段更多）：这么多链接或图片的写法无法检查；"
            "请分段，或删去多余的方括号")
TERM_KEYS = "可以用的键：id, term, plain, change_note, note, sources, legal"


def link(target: str) -> str:
    """Every symbolic link under content/ and data/ is refused, saying where it points: inside or
    outside the repository, dangling, looping, to a folder or to a FIFO, the site takes only real files."""
    return f"不能是符号链接（指向 {target}；网站只收录仓库里真正的文件）；请把文件本身复制到这里，或删除这个链接"


def too_big(size: int) -> str:
    return f"文件必须小于 5 MB（现在有 {size:,} 字节）；请拆成几个文件"


def invisible(code: str, where: str = "") -> str:
    return f"{where}不能含有看不见的字符 {code}：{INVISIBLE_FIX}"


def control(code: str, where: str = "") -> str:
    return f"{where}不能含有控制字符 {code}：{CONTROL_FIX}"


def octal(name: str, text: str) -> str:
    return (f"{name} 写的 {text} 以 0 开头，YAML 会把它当作八进制数；电话号码、编号等文字请加引号，"
            f'写成 "{text}"；数字请去掉开头的 0')


def sexagesimal(name: str, text: str, value: str) -> str:
    return (f"{name} 写的 {text} 会被 YAML 当作六十进制数（{text} = {value}）；时间、比分等文字请加引号，"
            f'写成 "{text}"；数字请直接写出')


def not_a_value(name: str, text: str, meaning: str) -> str:
    return f"{name} 写的 {text} 在 YAML 里表示{meaning}，不是一个数值；请写出具体的数字，原文没有写明时写 null"


def digits(name: str, count: int) -> str:
    return f"{name} 写的数字有 {count:,} 位，最多只能有 15 位；请核对数值（编号等文字请加引号）"


def radix(name: str, text: str, kind: str) -> str:
    return f'{name} 写的 {text} 会被 YAML 当作{kind}数；数字请写成十进制，文字请加引号，写成 "{text}"'


def word(name: str, text: str, meaning: str) -> str:
    return f'{name} 写的 {text} 会被 YAML 当作{meaning}，不是文字；作为文字请加引号，写成 "{text}"'


# ---------------------------------------------------------------------------
# Files that are not files: FIFOs, devices, sockets, links, sizes
# ---------------------------------------------------------------------------


def _replace(root: Path, relative: str, make: Callable[[Path], None]) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    make(path)


def fifo_at(relative: str) -> Callable[[Path], None]:
    return lambda root: _replace(root, relative, os.mkfifo)


def link_at(relative: str, target: str) -> Callable[[Path], None]:
    return lambda root: _replace(root, relative, lambda path: path.symlink_to(target))


def _outside_file(root: Path) -> None:
    (root.parent / "outside").mkdir(exist_ok=True)
    (root.parent / "outside/groups.yml").write_text(GROUPS, encoding="utf-8")
    link_at(GROUPS_F, "../../outside/groups.yml")(root)


def _data_folder_outside(root: Path) -> None:
    (root / "data").rename(root.parent / "outside-data")
    (root / "data").symlink_to("../outside-data")


def _data_folder_outside_expected(root: Path) -> list[str]:
    """The data folder itself is the link: refused once, and none of the files behind it is read."""
    return [f"data:1: {link(os.readlink(root / 'data'))}"]


def _socket_at(relative: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        here = os.getcwd()
        os.chdir(path.parent)  # a socket's path is limited to 108 bytes: bind by its short name
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(path.name)
        finally:
            os.chdir(here)
    return lambda root: _replace(root, relative, make)


def _zero_device(root: Path) -> None:
    def make(path: Path) -> None:
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
        except (PermissionError, OSError) as err:
            pytest.skip(f"cannot make a device node here ({err})")
    _replace(root, GLOSSARY_F, make)


def _sized(size: int) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        with open(root / GLOSSARY_F, "r+b") as file:
            file.truncate(size)  # sparse: takes no disk space, but reading it would take ages
    return make


def _report_link_to_fifo(root: Path) -> None:
    os.mkfifo(root / "pipe")
    link_at("content/reports/test-city/2015.md", "../../../pipe")(root)


FILES = [
    Case("fifo-as-data-file", {}, [f"{GLOSSARY_F}:1: {FIFO}"], setup=fifo_at(GLOSSARY_F)),
    Case("fifo-as-report", {}, [f"content/reports/test-city/2015-fifo.md:1: {FIFO}"],
         setup=fifo_at("content/reports/test-city/2015-fifo.md")),
    Case("fifo-among-content-assets", {}, [f"content/assets/logo.png:1: {FIFO}"],
         setup=fifo_at("content/assets/logo.png")),
    Case("report-link-to-a-fifo-inside-the-repository", {}, [f"content/reports/test-city/2015.md:1: {link('../../../pipe')}"],
         setup=_report_link_to_fifo),
    Case("socket-as-data-file", {}, [f"{GLOSSARY_F}:1: {SOCKET}"], setup=_socket_at(GLOSSARY_F)),
    Case("device-node-as-data-file", {}, [f"{GLOSSARY_F}:1: {DEVICE}"], setup=_zero_device),
    Case("data-file-links-to-dev-zero", {}, [f"{GLOSSARY_F}:1: {link('/dev/zero')}"],
         setup=link_at(GLOSSARY_F, "/dev/zero")),
    Case("report-links-to-dev-zero", {}, [f"content/reports/test-city/zero.md:1: {link('/dev/zero')}"],
         setup=link_at("content/reports/test-city/zero.md", "/dev/zero")),
    Case("data-file-links-outside-the-repository", {},
         [f"{GROUPS_F}:1: {link('../../outside/groups.yml')}"], setup=_outside_file),
    Case("asset-links-to-etc-passwd", {}, [f"content/assets/passwd.txt:1: {link('/etc/passwd')}"],
         setup=link_at("content/assets/passwd.txt", "/etc/passwd")),
    Case("data-folder-links-outside-the-repository", {}, [], setup=_data_folder_outside),  # expected: computed
    Case("dangling-link-as-data-file", {}, [f"{GLOSSARY_F}:1: {link('missing.yml')}"],
         setup=link_at(GLOSSARY_F, "missing.yml")),
    Case("link-loop-as-data-file", {}, [f"{GLOSSARY_F}:1: {link('glossary.yml')}"], setup=link_at(GLOSSARY_F, "glossary.yml")),
    Case("linked-folder-among-reports", {}, [f"content/reports/mirror:1: {link('test-city')}"],
         setup=link_at("content/reports/mirror", "test-city")),
    Case("data-file-over-the-size-limit", {}, [f"{GLOSSARY_F}:1: {too_big(6 * 1024 * 1024)}"],
         setup=_sized(6 * 1024 * 1024)),
    Case("sparse-64-gib-data-file", {}, [f"{GLOSSARY_F}:1: {too_big(64 * 1024 ** 3)}"],
         setup=_sized(64 * 1024 ** 3)),
]

# ---------------------------------------------------------------------------
# Nesting and aliases
# ---------------------------------------------------------------------------


def _block_mappings(levels: int) -> str:
    """GLOSSARY with a note nested `levels` mappings deep (the entry is level 2)."""
    lines = ["  note:"] + [" " * (4 + 2 * i) + f"k{i}:" for i in range(levels - 2)]
    return GLOSSARY + "\n".join(lines) + " x\n"


def _scalar_alias_bomb() -> str:
    """61 glossary terms sharing one 2,000-character explanation: the 51st alias passes 100,000."""
    cite = "\n  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}]"
    entries = ["- id: t0\n  term: 词0\n  plain: &long " + "长" * 2000 + cite]
    entries += [f"- id: t{i}\n  term: 词{i}\n  plain: *long" + cite for i in range(1, 61)]
    return "\n".join(entries) + "\n"


def _list_alias_bomb() -> str:
    """Groups sharing one list of 100 papers of 200 characters: the 6th alias passes 100,000."""
    papers = ", ".join(f"{i:03d}" + "证" * 197 for i in range(100))
    entries = [f"- id: g0\n  name: 群体0\n  definition: 定义。\n  aliases: &papers [{papers}]"]
    entries += [f"- id: g{i}\n  name: 群体{i}\n  definition: 定义。\n  aliases: *papers" for i in range(1, 9)]
    return GROUPS + "\n".join(entries) + "\n"


NESTING = [
    Case("10000-nested-lists-in-data",
         {GLOSSARY_F: glossary_with("note: " + "[" * 10_000 + "]" * 10_000)}, [f"{GLOSSARY_F}:4: {DEEP}"]),
    Case("10000-nested-lists-in-front-matter",
         {R: edit(REPORT, "topics: [征兵体检]", "topics: " + "[" * 10_000 + "征兵体检" + "]" * 10_000)},
         [f"{R}:6: {DEEP}"]),
    Case("10000-nested-mappings",
         {BLOOD_F: edit(BLOOD, "what: 用血时不交保证金", "what: " + "{a: " * 10_000 + "x" + "}" * 10_000)},
         [f"{BLOOD_F}:7: {DEEP}"]),
    Case("10000-nested-block-lists-on-one-line",
         {GLOSSARY_F: GLOSSARY + "  note:\n    " + "- " * 10_000 + "x\n"}, [f"{GLOSSARY_F}:6: {DEEP}"]),
    Case("998-nested-lists-just-under-libyaml-limit",  # libyaml composes these: the builder must stop at 21
         {GLOSSARY_F: glossary_with("note: " + "[" * 998 + "]" * 998)}, [f"{GLOSSARY_F}:4: {DEEP}"]),
    Case("999-nested-lists-at-libyaml-limit",  # libyaml refuses these: where the 21st level opens is told
         {GLOSSARY_F: glossary_with("note: " + "[" * 999 + "]" * 999)}, [f"{GLOSSARY_F}:4: {DEEP}"]),
    Case("500-nested-lists-before-a-syntax-error",  # the pure-Python parser, asked for its message, would recurse
         {GLOSSARY_F: glossary_with("note: " + "[" * 500 + "]" * 500) + "  more: [unclosed\n"},
         [f"{GLOSSARY_F}:4: {DEEP}"]),
    Case("21-levels-by-indentation", {GLOSSARY_F: _block_mappings(21)}, [f"{GLOSSARY_F}:24: {DEEP}"]),
    Case("20-levels-are-allowed", {GLOSSARY_F: _block_mappings(20)},
         [f"{GLOSSARY_F}:5: note 必须是文字（现在是「键: 值」的写法）"]),
    Case("alias-inside-its-own-value", {GLOSSARY_F: glossary_with("note: &loop [*loop]")},
         [f"{GLOSSARY_F}:4: {SELF_ALIAS}"]),
    Case("alias-inside-its-own-mapping", {GLOSSARY_F: glossary_with("note: &loop {again: *loop}")},
         [f"{GLOSSARY_F}:4: {SELF_ALIAS}"]),
    Case("aliases-of-a-long-text-over-the-size-cap", {GLOSSARY_F: _scalar_alias_bomb()},
         [f"{GLOSSARY_F}:207: {ALIAS_SIZE}"]),
    Case("aliases-of-a-long-list-over-the-size-cap", {GROUPS_F: _list_alias_bomb()},
         [f"{GROUPS_F}:35: {ALIAS_SIZE}"]),
]

# ---------------------------------------------------------------------------
# Numbers: non-finite, absurd, and what YAML 1.1 makes of digits
# ---------------------------------------------------------------------------

FIG = "figures[1].value"
PART = "figures[1].parts[1].value"
RATE = "items[1].rate_percent"

NUMBERS = [
    Case("nan-figure", {R: edit(REPORT, "value: 1.5", "value: .nan")},
         [f"{R}:12: {not_a_value(FIG, '.nan', '“不是数字”（NaN）')}"]),
    Case("inf-figure", {R: edit(REPORT, "value: 1.5", "value: .inf")},
         [f"{R}:12: {not_a_value(FIG, '.inf', '无穷大')}"]),
    Case("minus-inf-figure-part", {R: edit(REPORT, "value: 5000,", "value: -.inf,")},
         [f"{R}:15: {not_a_value(PART, '-.inf', '负无穷大')}"]),
    Case("nan-rate", {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: .NaN")},
         [f"{BENEFITS}:14: {not_a_value(RATE, '.NaN', '“不是数字”（NaN）')}"]),
    Case("inf-rate", {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: .inf")},
         [f"{BENEFITS}:14: {not_a_value(RATE, '.inf', '无穷大')}"]),
    Case("float-overflowing-to-infinity", {R: edit(REPORT, "value: 1.5", "value: 1.0e+400")},
         [f"{R}:12: {FIG} 写的 1.0e+400 超出了数字的范围；请核对数值"]),
    Case("5000-digit-figure", {R: edit(REPORT, "value: 1.5", "value: " + "9" * 5000)},
         [f"{R}:12: {digits(FIG, 5000)}"]),
    Case("5000-digit-name", {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: " + "1" * 5000)},
         [f"{FACILITIES}:2: {digits('name', 5000)}"]),
    Case("16-digit-order", {GROUPS_F: GROUPS + "  order: 1234567890123456\n"},
         [f"{GROUPS_F}:8: {digits('order', 16)}"]),
    Case("figure-of-a-hundred-quintillion", {R: edit(REPORT, "value: 1.5", "value: 1.0e+20")},
         [f"{R}:12: {FIG}（数值）必须小于 1,000,000,000,000,000（一千万亿）（现在写的是 1e+20）；"
          "请核对数值，大数请换用大的单位（万元、亿元、万人）"]),
    Case("negative-figure-part-over-the-bound", {R: edit(REPORT, "value: 5000,", "value: -2.0e+15,")},
         [f"{R}:15: {PART}（数值）必须小于 1,000,000,000,000,000（一千万亿）（现在写的是 -2e+15）；"
          "请核对数值，大数请换用大的单位（万元、亿元、万人）"]),
    Case("base-60-year", {R: edit(REPORT, "year: 2014", "year: 33:26")},
         [f"{R}:4: {sexagesimal('year', '33:26', '2006')}"]),
    Case("base-60-hours", {FACILITIES: facility_with("hours: 8:30")},
         [f"{FACILITIES}:7: {sexagesimal('hours', '8:30', '510')}"]),
    Case("base-60-float-figure", {R: edit(REPORT, "value: 1.5", "value: 1:20.5")},
         [f"{R}:12: {sexagesimal(FIG, '1:20.5', '80.5')}"]),
    Case("octal-looking-phone", {FACILITIES: edit(FACILITY, "0514-87654321", "05147654")},
         [f"{FACILITIES}:6: {octal('phone', '05147654')}"]),
    Case("octal-looking-year", {R: edit(REPORT, "year: 2014", "year: 02014")},
         [f"{R}:4: {octal('year', '02014')}"]),
    Case("octal-looking-rate", {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: 010")},
         [f"{BENEFITS}:14: {octal(RATE, '010')}"]),
    Case("yaml-1-2-octal-rate", {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: 0o17")},
         [f'{BENEFITS}:14: {RATE} 写的 "0o17" 是八进制写法，这里读不出数字；请直接写十进制数字']),
    Case("hexadecimal-figure", {R: edit(REPORT, "value: 1.5", "value: 0x1F")},
         [f"{R}:12: {radix(FIG, '0x1F', '十六进制')}"]),
    Case("binary-rate", {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: 0b101")},
         [f"{BENEFITS}:14: {radix(RATE, '0b101', '二进制')}"]),
    Case("exponent-without-sign", {R: edit(REPORT, "value: 1.5", "value: 1e5")},
         [f'{R}:12: {FIG} 写的 "1e5" 是科学计数法，这里读不出数字；请直接写出完整的数字']),
    Case("thousands-separator", {R: edit(REPORT, "value: 5000,", "value: '5,000',")},
         [f'{R}:15: {PART} 写的 "5,000" 带有千位分隔符，这里读不出数字；请去掉逗号，写成 5000']),
    Case("full-width-digits", {BENEFITS: edit(PACKAGE, "rate_percent: 30", "rate_percent: ３０")},
         [f'{BENEFITS}:14: {RATE} 写的 "３０" 用了全角数字；请改用半角数字，写成 30']),
    Case("explicit-float-tag-overflowing", {BENEFITS: edit(PACKAGE, "rate_percent: 30", 'rate_percent: !!float "1e999"')},
         [f"{BENEFITS}:14: {RATE} 写的 1e999 超出了数字的范围；请核对数值"]),
    Case("explicit-int-tag-on-words", {FACILITIES: facility_with('note: !!int "abc"')},
         [f"{FACILITIES}:7: note 写的 abc 不能按它的标记（tag:yaml.org,2002:int）转换；请去掉 !! 开头的标记，或给文字加引号"]),
    Case("lone-equals-sign", {FACILITIES: facility_with("hours: =")},
         [f'{FACILITIES}:7: hours 写的 = 在 YAML 里有特殊含义；作为文字请加引号，写成 "="']),
]

# ---------------------------------------------------------------------------
# Words YAML 1.1 turns into true/false
# ---------------------------------------------------------------------------

WORDS = [
    Case("yes-as-a-name", {FACILITIES: edit(FACILITY, "name: 测试市人民医院", "name: yes")},
         [f"{FACILITIES}:2: {word('name', 'yes', '是（true）')}"]),
    Case("on-as-a-city", {BUREAUS: edit(BUREAUS_YML, "city: 测试市", "city: on")},
         [f"{BUREAUS}:4: {word('region.city', 'on', '是（true）')}"]),
    Case("off-as-a-kind", {FACILITIES: edit(FACILITY, "kind: 综合医院", "kind: off")},
         [f"{FACILITIES}:3: {word('kind', 'off', '否（false）')}"]),
    Case("no-in-a-list-of-names", {GROUPS_F: edit(GROUPS, "  definition: 依法退出现役的军人。\n",
                                                  "  definition: 依法退出现役的军人。\n  aliases: [No]\n")},
         [f"{GROUPS_F}:4: {word('aliases[1]', 'No', '否（false）')}"]),
]

# ---------------------------------------------------------------------------
# Characters: invisible, direction-changing, control (as written and as escapes)
# ---------------------------------------------------------------------------

CHARACTERS = [
    Case("right-to-left-override-in-a-name",
         {FACILITIES: edit(FACILITY, "测试市人民医院", "测试市\u202e院医民人")},
         [f"{FACILITIES}:2: {invisible('U+202E（从右到左覆盖）')}"]),
    Case("zero-width-space-in-a-report-title",
         {R: edit(REPORT, "title: 测试市卫生局", "title: 测试市\u200b卫生局")},
         [f"{R}:2: {invisible('U+200B（零宽空格）')}"]),
    Case("isolates-in-a-definition",
         {GROUPS_F: edit(GROUPS, "依法退出现役的军人。", "依法\u2066退出\u2069现役的军人。")},
         [f"{GROUPS_F}:3: {invisible('U+2066（从左到右隔离）')}"]),
    Case("byte-order-mark-in-the-middle",
         {GLOSSARY_F: edit(GLOSSARY, "挂号、就诊", "挂号\ufeff、就诊")},
         [f"{GLOSSARY_F}:3: {invisible('U+FEFF（零宽不换行空格 BOM）')}"]),
    Case("soft-hyphen-in-a-bureau-name",
         {BUREAUS: edit(BUREAUS_YML, "测试市卫生局", "测试市卫\u00ad生局")},
         [f"{BUREAUS}:2: {invisible('U+00AD（软连字符）')}"]),
    Case("right-to-left-mark-in-a-report-body",
         {R: edit(REPORT, "测试正文。", "测试\u200f正文。")},
         [f"{R}:21: {invisible('U+200F（从右到左标记）')}"]),
    Case("line-separator-in-a-text", {GLOSSARY_F: edit(GLOSSARY, "挂号、就诊", "挂号\u2028就诊")},
         [f"{GLOSSARY_F}:3: {invisible('U+2028（行分隔符）')}"]),
    Case("tag-character-in-a-name",
         {FACILITIES: edit(FACILITY, "测试市人民医院", "测试市人民医院\U000e0041")},
         [f"{FACILITIES}:2: {invisible('U+E0041（标签字符）')}"]),
    Case("c1-control-next-line-in-a-name",
         {FACILITIES: edit(FACILITY, "测试市人民医院", "测试市\u0085人民医院")},
         [f"{FACILITIES}:2: {control('U+0085（下一行 NEL）')}"]),
    Case("invisible-characters-on-two-lines",
         {FACILITIES: edit(edit(FACILITY, "测试市人民医院", "测试市\u200d人民医院"), "综合医院", "综合\u200c医院")},
         [f"{FACILITIES}:2: {invisible('U+200D（零宽连字）')}",
          f"{FACILITIES}:3: {invisible('U+200C（零宽不连字）')}"]),
    Case("override-written-as-an-escape",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", 'name: "测试市\\u202e院医民人"')},
         [f"{FACILITIES}:2: {invisible('U+202E（从右到左覆盖）', 'name ')}"]),
    Case("bell-written-as-an-escape", {FACILITIES: facility_with('note: "请按铃\\x07"')},
         [f"{FACILITIES}:7: {control('U+0007（响铃）', 'note ')}"]),
    Case("nul-written-as-an-escape",
         {FACILITIES: edit(FACILITY, "name: 测试市人民医院", 'name: "测试市\\u0000人民医院"')},
         [f"{FACILITIES}:2: {control('U+0000（空字符 NUL）', 'name ')}"]),
    Case("escape-character-in-a-report-title",
         {R: edit(REPORT, "title: 测试市卫生局2014年工作总结", 'title: "测试市卫生局\\e[31m2014年工作总结"')},
         [f"{R}:2: {control('U+001B（转义符 ESC）', 'title ')}"]),
    Case("next-line-written-as-an-escape", {GLOSSARY_F: glossary_with('note: "第一行\\N第二行"')},
         [f"{GLOSSARY_F}:4: {control('U+0085（下一行 NEL）', 'note ')}"]),
    Case("paragraph-separator-written-as-an-escape", {GLOSSARY_F: glossary_with('note: "第一段\\P第二段"')},
         [f"{GLOSSARY_F}:4: {invisible('U+2029（段落分隔符）', 'note ')}"]),
    Case("lone-surrogate-written-as-an-escape",
         {R: edit(REPORT, "title: 测试市卫生局2014年工作总结", 'title: "测试\\ud800"')},
         [f"{R}:2: YAML 写法有误，请检查这一行的缩进、冒号、引号和括号（found invalid Unicode character escape code "
          "(while parsing a quoted scalar)）"]),
]

# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------

KEYS = [
    Case("nul-in-a-key-as-an-escape",
         {FACILITIES: edit(FACILITY, "  name: 测试市人民医院", '  "na\\0me": 测试市人民医院')},
         [f"{FACILITIES}:2: {control('U+0000（空字符 NUL）', '键名')}"]),
    Case("nul-in-a-key-as-written",
         {FACILITIES: edit(FACILITY, "  name: 测试市人民医院", "  na\x00me: 测试市人民医院")},
         [f"{FACILITIES}:2: 文件必须是纯文本（这里有空字节（NUL））；请删去它，或用文本编辑器重新保存"]),
    Case("line-break-in-a-key", {GLOSSARY_F: edit(GLOSSARY, "  plain:", '  "pl\\nain":')},
         [f"{GLOSSARY_F}:3: 键名不能换行；请把键名写在一行里"]),
    Case("key-that-is-a-number", {GLOSSARY_F: glossary_with("120: 急救电话")},
         [f"{GLOSSARY_F}:4: 这里不能有键 120；{TERM_KEYS}"]),
    Case("key-that-is-null", {GLOSSARY_F: glossary_with("~: 空")},
         [f'{GLOSSARY_F}:4: 这里不能有键 "~"；{TERM_KEYS}']),
    Case("key-that-is-a-date-in-front-matter", {R: edit(REPORT, "kind: 总结", "kind: 总结\n2014-01-01: 成立")},
         [f"{R}:6: 这里不能有键 2014-01-01；可以用的键：title, bureau, year, year_inferred, "
          "year_doubtful, shared_text, kind, topics, sources, figures, inferred, sample, draft, change_note"]),
    Case("empty-key", {GLOSSARY_F: glossary_with('"": 空')},
         [f'{GLOSSARY_F}:4: 这里不能有键 ""；{TERM_KEYS}']),
    Case("quoted-merge-key", {GLOSSARY_F: glossary_with('"<<": {note: 合并}')},
         [f'{GLOSSARY_F}:4: 这里不能有键 "<<"；{TERM_KEYS}']),
    Case("merge-key-with-a-mapping", {GLOSSARY_F: glossary_with("<<: {note: 合并}")},
         [f"{GLOSSARY_F}:4: 不能用合并键（<<）；请把每个键直接写出来"]),
    Case("key-of-100000-characters", {GLOSSARY_F: glossary_with("? " + "a" * 100_000 + "\n  : 长")},
         [f'{GLOSSARY_F}:4: 这里不能有键 "{"a" * 39}…"；{TERM_KEYS}']),
]

# ---------------------------------------------------------------------------
# Lengths of text
# ---------------------------------------------------------------------------

LENGTHS = [
    Case("name-of-201-characters", {FACILITIES: edit(FACILITY, "测试市人民医院", "院" * 201)},
         [f"{FACILITIES}:2: name（机构名称）最多 200 个字（现在有 201 个字）：{SHORT_RULE}"]),
    Case("name-of-200-characters-is-allowed", {FACILITIES: edit(FACILITY, "测试市人民医院", "院" * 200)}, []),
    Case("note-of-2001-characters", {FACILITIES: facility_with("note: " + "注" * 2001)},
         [f"{FACILITIES}:7: note（说明）最多 2,000 个字（现在有 2,001 个字）：{LONG_RULE}"]),
    Case("report-title-of-5000-characters", {R: edit(REPORT, "title: 测试市卫生局2014年工作总结", "title: " + "题" * 5000)},
         [f"{R}:2: title（标题）最多 200 个字（现在有 5,000 个字）：{SHORT_RULE}"]),
    Case("definition-of-100000-characters", {GROUPS_F: edit(GROUPS, "依法退出现役的军人。", "义" * 100_000)},
         [f"{GROUPS_F}:3: definition（通俗的说明）最多 2,000 个字（现在有 100,000 个字）：{LONG_RULE}"]),
    Case("line-break-in-a-name", {FACILITIES: edit(FACILITY, "name: 测试市人民医院", 'name: "测试市\\n人民医院"')},
         [f"{FACILITIES}:2: name（机构名称）不能换行：名称、标题、地址这类文字要写在一行里；请删掉换行"]),
]

# ---------------------------------------------------------------------------
# Dates and years of things that happened (and of plans)
# ---------------------------------------------------------------------------

TOMORROW = (TODAY + timedelta(days=1)).isoformat()

DATES = [
    Case("summary-of-next-year", {R: edit(REPORT, "year: 2014", f"year: {YEAR + 1}")}, [f"{R}:4: {SUMMARY_YEAR}"]),
    Case("plan-for-next-year-is-allowed",
         {R: edit(edit(REPORT, "year: 2014", f"year: {YEAR + 1}"), "kind: 总结", "kind: 计划")}, []),
    Case("plan-for-the-year-after-next",
         {R: edit(edit(REPORT, "year: 2014", f"year: {YEAR + 2}"), "kind: 总结", "kind: 工作要点")},
         [f"{R}:4: {PLAN_YEAR}"]),
    Case("package-year-after-next", {BENEFITS: edit(PACKAGE, "year: 2014", f"year: {YEAR + 2}")},
         [f"{BENEFITS}:3: claim.period.{PRACTICE_YEAR}"]),
    Case("blood-rule-far-in-the-future", {BLOOD_F: edit(BLOOD, "year: 2014", f"year: {YEAR + 40}")},
         [f"{BLOOD_F}:11: claim.period.{PRACTICE_YEAR}"]),
    Case("curated-tomorrow", {FACILITIES: edit(FACILITY, "curated: 2026-11-22", f"curated: {TOMORROW}")},
         [f"{FACILITIES}:7: curated（资料整理日期）{PAST}"]),
    Case("law-adopted-tomorrow", {LEGAL_F: edit(LEGAL, "adopted: 2020-11-11", f"adopted: {TOMORROW}")},
         [f"{LEGAL_F}:5: adopted（通过或印发日期）{PAST}"]),
    Case("law-in-force-before-it-was-adopted", {LEGAL_F: edit(LEGAL, "in_force: 2021-01-01", "in_force: 2019-12-31")},
         [f"{LEGAL_F}:6: in_force（施行日期）不能早于 adopted（通过日期）；请核对两个日期"]),
    Case("law-in-force-in-ten-years",
         {LEGAL_F: edit(LEGAL, "in_force: 2021-01-01", f"in_force: {YEAR + 10}-01-01")},
         [f"{LEGAL_F}:6: in_force（施行日期）最晚只能是五年后（{(TODAY + timedelta(days=5 * 366)).isoformat()}）；"
          "请核对日期"]),
    Case("law-in-force-next-year-is-allowed",
         {LEGAL_F: edit(LEGAL, "in_force: 2021-01-01", f"in_force: {YEAR + 1}-01-01")}, []),
    Case("law-curated-tomorrow", {LEGAL_F: edit(LEGAL, "curated: 2026-11-22", f"curated: {TOMORROW}")},
         [f"{LEGAL_F}:7: curated（资料整理日期）{PAST}"]),
]

# ---------------------------------------------------------------------------
# Repeats and cycles
# ---------------------------------------------------------------------------

THIRD_GROUP = """\
- id: martyr-family
  name: 烈士遗属
  definition: 烈士的家属。
  parent: key-entitled
"""

CYCLES = [
    Case("duplicate-topic", {R: edit(REPORT, "topics: [征兵体检]", "topics: [征兵体检, 征兵体检]")},
         [f"{R}:6: topics[2]（主题）不能重复：“征兵体检”已经是第 1 项；请删掉重复的一项"]),
    Case("duplicate-topic-in-a-block-list",
         {R: edit(REPORT, "topics: [征兵体检]", "topics:\n  - 征兵体检\n  - 优抚医疗\n  - 征兵体检")},
         [f"{R}:9: topics[3]（主题）不能重复：“征兵体检”已经是第 1 项；请删掉重复的一项"]),
    Case("group-is-its-own-parent", {GROUPS_F: edit(GROUPS, "parent: veteran", "parent: key-entitled")},
         [f"{GROUPS_F}:7: parent（上级群体）不能是自己（key-entitled → key-entitled）；请删掉 parent 或改成真正的上级群体"]),
    Case("two-groups-are-each-others-parent",
         {GROUPS_F: edit(GROUPS, "现役的军人。\n", "现役的军人。\n  parent: key-entitled\n")},
         [f"{GROUPS_F}:4: parent（上级群体）不能绕成环（veteran → key-entitled → veteran）；请改正其中一个群体的 parent"]),
    Case("three-groups-in-a-cycle",
         {GROUPS_F: edit(GROUPS, "现役的军人。\n", "现役的军人。\n  parent: martyr-family\n") + THIRD_GROUP},
         [f"{GROUPS_F}:4: parent（上级群体）不能绕成环（veteran → martyr-family → key-entitled → veteran）；"
          "请改正其中一个群体的 parent"]),
    Case("cycle-with-a-group-hanging-on-it",
         {GROUPS_F: THIRD_GROUP + edit(GROUPS, "parent: veteran", "parent: key-entitled")},
         [f"{GROUPS_F}:11: parent（上级群体）不能是自己（key-entitled → key-entitled）；请删掉 parent 或改成真正的上级群体"]),
]

# ---------------------------------------------------------------------------
# Line endings, and report bodies that would take a regular expression forever
# ---------------------------------------------------------------------------

MIXED_ENDINGS = ("- id: four-priorities\r\n  term: 四优先\r  plain: 挂号、就诊、取药、住院优先。\r\n"
                 "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}]\r  note: yes\r")

BODIES = [
    Case("mixed-crlf-and-cr-line-endings", {GLOSSARY_F: MIXED_ENDINGS},
         [f"{GLOSSARY_F}:5: {word('note', 'yes', '是（true）')}"]),
    Case("old-mac-line-endings-in-a-report", {R: edit(REPORT, "kind: 总结", "kind: yes").replace("\n", "\r")},
         [f"{R}:5: {word('kind', 'yes', '是（true）')}"]),
    Case("a-megabyte-of-image-openings", {R: REPORT + "\n" + "![" * 500_000 + "](//evil.example/x.png)\n"},
         [f"{R}:23: {BRACKETS.format(23)}", f"{R}:23: {LONG_LINE.format(1_000_023)}"]),
    Case("a-megabyte-of-spaces-before-a-script-address",
         {R: REPORT + "\n[点击](" + " " * 1_000_000 + "javascript:alert(1))\n"},
         [f"{R}:23: {LONG_LINE.format(1_000_025)}"]),
    Case("a-megabyte-of-tag-openings", {R: REPORT + "\n" + "<a" * 500_000 + ">\n"},
         [f"{R}:23: {LONG_LINE.format(1_000_001)}"]),
    Case("a-megabyte-first-paragraph-of-brackets", {R: REPORT.replace("测试正文。", "[" * 1_000_000)},
         [f"{R}:21: {BRACKETS.format(21)}", f"{R}:21: 报告正文的一行最多 20,000 个字符（第21行有 1,000,000 个）；请分段"]),
    Case("four-megabytes-of-front-matter-never-closed", {R: REPORT.replace("---\n\n## 背景", "x: y\n" * 700_000)},
         [f"{R}:1: 开头的信息（front matter）必须以一行 --- 结束（第 1 行的 --- 没有对应的结束行）"]),
]

CASES = [*FILES, *NESTING, *NUMBERS, *WORDS, *CHARACTERS, *KEYS, *LENGTHS, *DATES, *CYCLES, *BODIES]
COMPUTED = {"data-folder-links-outside-the-repository": _data_folder_outside_expected}


def make(tmp_path: Path, case: Case) -> Path:
    """The broken repository of `case`, in tmp_path/repo (tmp_path itself is 'outside')."""
    root = tmp_path / "repo"
    for relative, content in {**VALID, **case.files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            with open(path, "w", encoding="utf-8", newline="") as file:  # line endings as written
                file.write(content)
    if case.setup:
        case.setup(root)
    return root


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def validate(root: Path) -> subprocess.CompletedProcess:
    """`youfu validate` on `root` in a child process, with a time and a memory limit."""
    return subprocess.run(
        [sys.executable, "-m", "youfu", "validate", "--root", str(root)], stdin=subprocess.DEVNULL,
        capture_output=True, encoding="utf-8", errors="replace", timeout=TIMEOUT, preexec_fn=_limits,
        env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})


_PYDANTIC = re.compile(r"Input should|validation error|Value error|Assertion failed|type=|errors\.pydantic|"
                       r"\b(?:NoneType|Decimal|InvalidOperation|RecursionError|ValueError|OSError)\b")


def check_output(result: subprocess.CompletedProcess, expected: list[str]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    if not expected:
        assert result.returncode == 0, output[-3000:]
        assert "data OK" in result.stdout
        return
    count = len(expected)
    assert result.returncode == 1, output[-3000:]
    assert result.stderr.splitlines() == [*expected, f"数据中共有 {count} 个问题，网站没有生成（{count} problem{'s' if count != 1 else ''} "
                                                     "found in the data; nothing was built）。"]
    for line in expected:
        assert not _PYDANTIC.search(line), line


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def deadline():
    """No test of this file may hang: SIGALRM ends one that runs for more than 10 minutes."""
    def stop(signum, frame):
        raise TimeoutError("the test ran for more than 10 minutes: something hangs")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(600)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_there_are_many_cases_and_their_ids_are_unique():
    assert len({c.id for c in CASES}) == len(CASES) >= 100


def test_the_starting_point_is_valid(tmp_path):
    check_output(validate(make(tmp_path, Case("valid", {}, []))), [])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_gives_exactly_these_messages(tmp_path, case):
    root = make(tmp_path, case)
    expected = COMPUTED[case.id](root) if case.id in COMPUTED else case.expected
    check_output(validate(root), expected)


def test_a_file_growing_after_its_size_was_checked_is_read_no_further(tmp_path):
    """The size is checked before reading, and at most 5 MB + 1 byte is ever read: here the
    file claims 10 bytes (as if it had grown since) but is 64 GiB long."""
    root = make(tmp_path, Case("growing", {}, [], setup=_sized(64 * 1024 ** 3)))
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "def small(real):\n"
        "    def look(*args, **kwargs):\n"
        "        s = real(*args, **kwargs)\n"
        "        return os.stat_result((s.st_mode, s.st_ino, s.st_dev, s.st_nlink, s.st_uid, s.st_gid, 10,\n"
        "                               int(s.st_atime), int(s.st_mtime), int(s.st_ctime)))\n"
        "    return look\n"
        "os.lstat, os.stat, os.fstat = small(os.lstat), small(os.stat), small(os.fstat)\n"
        "from youfu.yamlio import read_text\n"
        "text, problems = read_text(Path(sys.argv[1]), 'data/glossary.yml', Path(sys.argv[2]))\n"
        "print(text is None, *[str(p) for p in problems], sep='\\n')\n")
    result = subprocess.run([sys.executable, "-c", script, str(root / GLOSSARY_F), str(root)],
                            capture_output=True, encoding="utf-8", timeout=TIMEOUT, preexec_fn=_limits,
                            env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == ["True", f"data/glossary.yml:1: {too_big(5 * 1024 * 1024 + 1)}"]


def test_without_libyaml_deep_nesting_is_refused_before_the_composer_recurses(monkeypatch):
    """PyYAML built without libyaml composes in Python, recursively: the depth is read from
    the parser's events first, which stop at the 21st level."""
    import yaml
    from youfu import yamlio

    monkeypatch.setattr(yamlio, "_LOADER", yaml.SafeLoader)
    for text, line in (("- " + "[" * 10_000 + "]" * 10_000 + "\n", 1), ("a:\n" + "- " * 10_000 + "x\n", 2),
                       ("a: &x [*x]\n", 1)):
        loaded, problems = yamlio.parse_yaml(text, "data/x.yml")
        assert loaded is None
        assert [str(p) for p in problems] == [f"data/x.yml:{line}: {DEEP if line == 2 or '[[' in text else SELF_ALIAS}"]


# ---------------------------------------------------------------------------
# End to end: the hook stops `mkdocs build` before it writes anything
# ---------------------------------------------------------------------------


def _fifo_glossary(project: Path) -> str:
    fifo_at(GLOSSARY_F)(project)
    return f"{GLOSSARY_F}:1: {FIFO}"


def _glossary_to_dev_zero(project: Path) -> str:
    link_at(GLOSSARY_F, "/dev/zero")(project)
    return f"{GLOSSARY_F}:1: {link('/dev/zero')}"


def _deep_report(project: Path) -> str:
    path = min(p for p in (project / "content/reports").glob("*/*.md") if p.name != "index.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n", "\nnote: " + "[" * 10_000 + "]" * 10_000 + "\n", 1), encoding="utf-8")
    return f"{path.relative_to(project).as_posix()}:2: {DEEP}"


def _group_cycle(project: Path) -> str:
    """The first group's parent set to the group itself (a line added right after its id)."""
    path = project / GROUPS_F
    text = path.read_text(encoding="utf-8")
    group = re.search(r"^- id: (\S+)$", text, re.MULTILINE)
    assert "parent:" not in text[group.end(): text.find("\n- id:", group.end())], "the first group has no parent yet"
    line = text[: group.end()].count("\n") + 2
    path.write_text(text[: group.end()] + f"\n  parent: {group.group(1)}" + text[group.end():], encoding="utf-8")
    name = group.group(1)
    return f"{GROUPS_F}:{line}: parent（上级群体）不能是自己（{name} → {name}）；请删掉 parent 或改成真正的上级群体"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.build
@pytest.mark.parametrize("breaker", [_fifo_glossary, _glossary_to_dev_zero, _deep_report, _group_cycle],
                         ids=["fifo-glossary", "glossary-to-dev-zero", "10000-deep-front-matter", "group-cycle"])
def test_hostile_real_data_stops_the_build_before_it_writes(site_copy, tmp_path, breaker):
    expected = breaker(site_copy)
    out = tmp_path / "previous-site"
    (out / "assets").mkdir(parents=True)
    (out / "index.html").write_text("<h1>上一版网站</h1>", encoding="utf-8")
    before = _snapshot(out)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out),
         "--config-file", str(site_copy / "mkdocs.yml")], cwd=site_copy, stdin=subprocess.DEVNULL,
        capture_output=True, encoding="utf-8", timeout=TIMEOUT, preexec_fn=_limits,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(rf"^ERROR\s+-\s+{re.escape(expected)}$", result.stderr, re.MULTILINE), result.stderr[-3000:]
    assert "数据中共有 1 个问题，网站没有生成（1 problem found in the data; nothing was built）。" in result.stderr
    assert _snapshot(out) == before


# ---------------------------------------------------------------------------
# Property: any text gives records or `path:line` problems, never an exception
# ---------------------------------------------------------------------------

from youfu import benefits, bureaus, facilities, reports, sources  # noqa: E402
from youfu.dataset import load_list  # noqa: E402
from youfu.yamlio import parse_yaml  # noqa: E402

MODELS = [sources.SourceDoc, bureaus.Bureau, benefits.Group, benefits.LegalInstrument, benefits.Term,
          benefits.Package, facilities.Facility, facilities.BloodRule]
ODD_KEYS = ["<<", "?", "", "~", "120", "2014-01-01", '"na\\0me"', "x" * 50, "province", "file", "part", "where",
            "law", "article"]
KEYS_SEEN = sorted({key for model in MODELS for key in model.model_fields} | set(ODD_KEYS))
SCALARS = [
    "yes", "no", "on", "off", "Off", "~", "null", ".nan", ".inf", "-.inf", ".NaN", "0x1F", "0b11", "010", "0o17",
    "1:20", "33:26", "1:20.5", "1e5", "1.0e+400", "1.0e+20", "9" * 30, "9" * 5000, "-0", "+5", "1_000", "3.14",
    '"\\x07"', '"\\u0000"', '"\\ud800"', '"\\u202e"', '"\\e"', '"\\N"', '"\\L"', "'a''b'", '"a\\nb"',
    "&a x", "*a", "&b [1, 2]", "*b", "&c {k: v}", "*c", "*missing", "!!int abc", "!!timestamp x", "!!binary aGk=",
    "!!python/name:os.system", "!!float x", "!!str 1", "!!set {a}", "!!omap [{a: 1}]", "[", "]", "{", "}", "|",
    ">", "|-", "[1, [2, [3]]]", "{a: {b: c}}", "2026-02-30", "2026-11-22", "2099-01-01", "2026-11-22 10:00:00",
    "测试", "<b>x</b>", "=", "<<", "- x", "? x", "%YAML 1.1", "---", "...", "#", "\t", "\u3000", "：", "id", "篇1",
    "001_89d13becceec202a.txt", "test-city", "veteran", "征兵体检", "总结", "万元", "综合医院", "city", "江苏省",
    "\u202e", "\u200b", "\ufeff", "\u00ad", "\u0085", "\u2028", "a" * 300, "长" * 2100, "'", '"', "`", "@", "%",
    "{province: 江苏省, city: on}", "[{file: 001_89d13becceec202a.txt, part: 篇1, where: .nan}]", "[yes, 010]",
    "{law: veterans-law, article: 0x1F}", "[{id: a, type: other, label: 1:20, groups: [veteran]}]",
]
NESTED = st.integers(0, 1500).map(lambda n: "[" * n + "]" * n)
SCALAR = st.one_of(st.sampled_from(SCALARS), st.sampled_from(SCALARS), st.sampled_from(SCALARS), NESTED,
                   st.text(max_size=12))
LINE = st.tuples(st.integers(0, 8), st.sampled_from(["", "- ", "- - ", "? "]),
                 st.one_of(st.just(""), st.sampled_from(KEYS_SEEN).map(lambda k: f"{k}: ")), SCALAR)
YAMLISH = st.lists(LINE, max_size=25).map(lambda lines: "".join(" " * i + d + k + v + "\n" for i, d, k, v in lines))


def records(keys: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A YAML list of 1 to 3 entries, each a few `key: value` lines."""
    entry = st.lists(st.tuples(keys, SCALAR), min_size=1, max_size=12).map(
        lambda pairs: "- " + "\n  ".join(f"{k}: {v}" for k, v in pairs) + "\n")
    return st.lists(entry, min_size=1, max_size=3).map("".join)


PROPERTY = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_WELL_FORMED = re.compile(r"[^\n]+")


def _well_formed(problems, shown: str, text: str) -> None:
    last = len(re.findall(r"\r\n|[\n\r\x85\u2028\u2029]", text)) + 2  # what YAML counts as line breaks
    for problem in problems:
        assert problem.path == shown, str(problem)
        assert 1 <= problem.line <= last, str(problem)
        assert _WELL_FORMED.fullmatch(problem.message), repr(problem.message)
        assert "Traceback" not in problem.message and not _PYDANTIC.search(problem.message), problem.message


@PROPERTY
@given(text=st.text(max_size=400))
def test_any_text_parses_or_gives_problems(text):
    loaded, problems = parse_yaml(text, "data/x.yml")
    assert loaded is not None or problems
    _well_formed(problems, "data/x.yml", text)


def _load(text: str | bytes, model) -> tuple:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "data").mkdir()
        path = root / "data/x.yml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        return load_list(root, "data/x.yml", model)


@PROPERTY
@given(data=st.data())
def test_any_yaml_gives_records_or_problems(data):
    model = data.draw(st.sampled_from(MODELS), label="model")
    keys = st.one_of(st.sampled_from(sorted(model.model_fields)), st.sampled_from(ODD_KEYS))
    text = data.draw(st.one_of(YAMLISH, records(keys), records(keys)), label="text")
    _, problems = _load(text, model)
    _well_formed(problems, "data/x.yml", text)


@PROPERTY
@given(raw=st.binary(max_size=300), model=st.sampled_from(MODELS))
def test_any_bytes_give_records_or_problems(raw, model):
    _, problems = _load(raw, model)
    _well_formed(problems, "data/x.yml", raw.decode("utf-8", "replace"))


@PROPERTY
@given(front=st.one_of(YAMLISH, records(st.one_of(st.sampled_from(sorted(reports.ReportMeta.model_fields)),
                                                 st.sampled_from(ODD_KEYS))).map(
           lambda t: t.split("\n- ")[0].removeprefix("- ").replace("\n  ", "\n"))),
       body=st.sampled_from(["", "正文。\n", "<b>x</b>\n", "# 标题\n", "![a](//x)\n", "\u202e\n"]))
def test_any_front_matter_gives_a_report_or_problems(front, body):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "content/reports/test-city/x.md"
        path.parent.mkdir(parents=True)
        text = "---\n" + front + "---\n" + body
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        found, problems = reports.load_reports(root)
    _well_formed(problems, "content/reports/test-city/x.md", text)
