"""Starting a new record: a report file, or an entry appended to a data file.

Every argument is checked before anything is written (bureau, group, source and
its part, report kind in Chinese or pinyin, year); all problems are told at once,
in Chinese, and nothing is written. A data entry is valid as written; a report's
body holds placeholders (`records.placeholder`) that `youfu validate` and the build
refuse until they are rewritten. Nothing is ever overwritten: an existing report
file or an id already used is refused. Values are written as JSON strings, which YAML reads
back unchanged whatever characters they hold.
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import benefits, bureaus, facilities, reports
from .catalog import load_catalog
from .records import LEVEL_NAMES, placeholder


class ScaffoldError(Exception):
    """A scaffold that must not be written (it would overwrite, or it names unknown things)."""


@dataclass(frozen=True, kw_only=True)
class Citation:
    file: str
    part: str
    where: str = "全篇"


def q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _source_block(cite: Citation, indent: str) -> str:
    return (f"{(indent + 'sources:').ljust(32)}# 出处：资料文件、篇目、位置（用自己的话）\n"
            f"{indent}  - file: {q(cite.file)}\n{indent}    part: {q(cite.part)}\n{indent}    where: {q(cite.where)}\n")


_CLAIM = (
    "  claim:                           # 资料的性质和时期\n"
    "    kind: report                   # law 法律 | local_rule 地方规定 | plan 计划（要…、将…）| report 工作记录 | campaign 限期活动\n"
    "    period:\n"
    "      certainty: unknown           # stated 原文写明 | inferred 推断 | doubtful 存疑 | unknown 不详\n"
    "      evidence: 原文没有写年份       # 写了年份时加 year: 2014；推断或存疑时写明依据\n"
)


# Report kinds in Chinese (front matter) and in pinyin (file names): `--report-kind` takes either.
KIND_SLUGS = {"总结": "zongjie", "计划": "jihua", "汇报": "huibao", "述职报告": "shuzhi", "实施方案": "fangan",
              "半年总结": "bannian", "工作要点": "yaodian"}
_HAN = re.compile(r"[\u3400-\u9fff]")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def report_kind(value: str) -> str:
    """The Chinese kind for `value` given in Chinese or in the pinyin of file names."""
    value = (value or "").strip()
    if value in KIND_SLUGS:
        return value
    by_slug = {slug: kind for kind, slug in KIND_SLUGS.items()}
    if value.lower() in by_slug:
        return by_slug[value.lower()]
    choices = "、".join(f"{kind}（{slug}）" for kind, slug in KIND_SLUGS.items())
    raise ScaffoldError(f"--report-kind（文种）不认识“{value}”；请写其中一个的中文或拼音：{choices}，"
                        f"如 --report-kind 总结 或 --report-kind zongjie")


def report_year(value: str | None, kind: str | None = None, today: date | None = None) -> int | None:
    """`--year`: 2016 or 2016年 (None when not given, or written as unknown / 不详)."""
    if value is None:
        return None
    text = value.strip().removesuffix("年").strip()
    if text.lower() in ("", "unknown", "null", "不详", "未知"):
        return None
    this_year = (today or date.today()).year
    latest = this_year + 1 if kind in reports.PLAN_KINDS else this_year
    if not text.isdecimal() or len(text) != 4:
        raise ScaffoldError(f"--year（年份）要写四位数字，如 --year 2016（现在写的是“{value}”）；"
                            "原文没写年份就不写 --year")
    year = int(text)
    if not 1949 <= year <= latest:
        what = "计划、实施方案、工作要点最多写到明年" if latest > this_year else "总结、汇报、述职报告写的是已经发生的事"
        raise ScaffoldError(f"--year（年份）要在 1949 到 {latest} 之间（{what}；现在写的是 {year}）；请核对年份")
    return year


def report(root: Path, *, bureau: str, year: int | str | None, kind: str, title: str, cite: Citation) -> Path:
    """Write content/reports/<bureau>/<year>-<kind>.md. Every argument is checked first; on any
    problem ScaffoldError lists them all and nothing is written."""
    problems: list[str] = []

    def check(step, *args):
        try:
            return step(*args)
        except ScaffoldError as err:
            problems.append(str(err))
            return None

    kind = check(report_kind, kind) or kind
    if isinstance(year, str) or year is None:
        year = check(report_year, year, kind)
    check(_check_title, title)
    check(_require, root, bureau, None, cite)
    slug = KIND_SLUGS.get(kind, "x")
    path = root / reports.FOLDER / (bureau or "") / f"{year if year else 'unknown'}-{slug}.md"
    if not problems and path.exists():
        problems.append(f"{path.relative_to(root).as_posix()} 已经存在，没有覆盖它；"
                        f"同一部门同一年的第二篇同类报告请自己建文件，文件名加 -2，如 {path.stem}-2.md")
    if problems:
        raise ScaffoldError("\n".join(problems))

    def line(value: str, comment: str = "") -> str:  # comments line up in a monospace editor
        wide = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)
        return (value + " " * max(1, 32 - wide) + "# " + comment if comment else value) + "\n"

    text = (
        "---\n"
        + line(f"title: {q(title)}")
        + line(f"bureau: {bureau}", "data/bureaus.yml 中的 id")
        + line(f"year: {year if year else 'null'}", "年份；原文没写写 null；推断的年份另加 year_inferred: 依据")
        + line(f"kind: {kind}", " | ".join(reports.KINDS))
        + line("topics: [优抚医疗]", "从固定词表中选 1 到 8 个，见编辑指南")
        + _source_block(cite, "")
        + line("figures: []", "关键数字：id、what、value、unit、period，有分项时写 parts")
        + line("# draft: true", "去掉开头的 # 就是草稿：预览里能看到，发布的网站里没有")
        + "---\n\n"
        f"## 背景\n\n{placeholder('这是谁在哪一年写的什么文件')}\n\n"
        f"## 主要做法\n\n- {placeholder('做了什么，概括成几条，不要照抄原文')}\n\n"
        f"## 数字\n\n{placeholder('原文给出的关键数字')}\n\n"
        f"## 下一步\n\n{placeholder('文中提到的下一步打算')}\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _check_title(title: str | None, what: str = "--title（标题）") -> None:
    if not title or not title.strip():
        raise ScaffoldError(f"{what}不能是空的；请用自己的话写中文，如 --title 某市卫生局2016年双拥工作总结")
    if "<" in title or ">" in title:
        raise ScaffoldError(f"{what}不能有 < 或 >；文件名称请写在《》里")
    if title != title.strip() or "\n" in title:
        raise ScaffoldError(f"{what}前后不能有空格，也不能换行")
    if not _HAN.search(title):
        raise ScaffoldError(f"{what}要用中文写（现在写的是“{title}”）；如 --title 某市卫生局2016年双拥工作总结")


def _check_level(level: str) -> None:
    if level not in LEVEL_NAMES:
        names = "、".join(f"{key}（{name}）" for key, name in LEVEL_NAMES.items())
        raise ScaffoldError(f"--level（层级）“{level}”不认识；请写其中一个：{names}")


def bureau(root: Path, *, bureau_id: str, name: str, level: str, province: str | None, city: str | None,
           county: str | None, cite: Citation) -> Path:
    problems = []
    for step, *args in ((_check_title, name, "--title（名称）"), (_check_level, level)):
        try:
            step(*args)
        except ScaffoldError as err:
            problems.append(str(err))
    try:
        _require(root, cite=cite, new_id=(bureaus.FILE, "bureaus", bureau_id))
    except ScaffoldError as err:
        problems.append(str(err))
    if problems:
        raise ScaffoldError("\n".join(problems))
    def opt(value): return q(value) if value else "null"
    entry = (
        f"\n- id: {bureau_id}                # 小写字母、数字和连字符，定下后不再改\n"
        f"  name: {q(name)}\n"
        f"  level: {level}                   # province | city | district | county\n"
        "  region:                          # 未知的部分写 null；推断的写进 inferred\n"
        f"    province: {opt(province)}\n    city: {opt(city)}\n    county: {opt(county)}\n"
        + _source_block(cite, "  ")
    )
    return _append(root, bureaus.FILE, entry)


def facility(root: Path, *, facility_id: str, name: str, kind: str, bureau: str, cite: Citation,
             today: date | None = None) -> Path:
    problems = []
    if kind not in facilities.KINDS:
        problems.append(f"--facility-kind（机构类别）“{kind}”不在词表里；请写其中一个：{'、'.join(facilities.KINDS)}")
    for step, args in ((_check_title, (name, "--title（名称）")),
                       (_require, (root, bureau, None, cite, (facilities.FACILITIES_FILE, "facilities", facility_id)))):
        try:
            step(*args)
        except ScaffoldError as err:
            problems.append(str(err))
    if problems:
        raise ScaffoldError("\n".join(problems))
    entry = (
        f"\n- id: {facility_id}\n"
        f"  name: {q(name)}\n"
        f"  kind: {kind}\n"
        f"  bureau: {bureau}\n"
        "  services: []                     # 从固定词表中选，如 [绿色通道, 军人优先窗口]\n"
        "  address: null                    # 只有资料写明时才填；否则页面显示“未公布”\n"
        "  phone: null\n"
        "  hours: null\n"
        "  status: unknown                  # 资料所述状态：in_use 在用 | under_construction 在建 | planned 计划中 | closed 已关闭 | unknown 不详\n"
        "                                   # 不是 unknown 时加 status_note: 资料的哪句话写了这个状态\n"
        + _CLAIM
        + f"  curated: {(today or date.today()).isoformat()}           # 资料整理日期；向机构核实过才另写 checks\n"
        + _source_block(cite, "  ")
    )
    return _append(root, facilities.FACILITIES_FILE, entry)


def package(root: Path, *, package_id: str, title: str, bureau: str, group: str, cite: Citation,
            today: date | None = None) -> Path:
    problems = []
    for step, args in ((_check_title, (title, "--title（标题）")),
                       (_require, (root, bureau, group, cite, (benefits.BENEFITS_FILE, "packages", package_id)))):
        try:
            step(*args)
        except ScaffoldError as err:
            problems.append(str(err))
    if problems:
        raise ScaffoldError("\n".join(problems))
    entry = (
        f"\n- id: {package_id}\n"
        "  scope: local\n"
        f"  bureau: {bureau}\n"
        + _CLAIM
        + f"  title: {q(title)}\n"
        "  cards: []                        # 就医时出示的证件，按原文名称\n"
        "  where_to_go: null\n"
        f"  curated: {(today or date.today()).isoformat()}           # 资料整理日期；向机构核实过才另写 checks\n"
        + _source_block(cite, "  ")
        + "  items:                           # 每一项优待；各地说法不同时分别写，不要合并\n"
        "    - id: item-1\n"
        "      type: priority               # priority | fee_waiver | discount | one_stop | …（见编辑指南）\n"
        "      label: 四优先                 # 当地的叫法\n"
        "      covers: []                   # 具体包括的项目\n"
        f"      groups: [{group}]\n"
    )
    return _append(root, benefits.BENEFITS_FILE, entry)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


_NO_BUREAU = object()


def _require(root: Path, bureau=_NO_BUREAU, group: str | None = None, cite: Citation | None = None,
             new_id: tuple[str, str, str | None] | None = None) -> None:
    """The bureau, group and cited source and part must exist, and `new_id` (file, kind, id)
    must be a new, well-formed id; all problems at once."""
    catalog, _ = load_catalog(root)
    problems = []
    if new_id is not None:
        relative, kind, record_id = new_id
        if not record_id or not _ID.match(record_id):
            problems.append(f"--id（标识）要用小写字母 a-z、数字和单个连字符，如 --id xinxian-renmin-yiyuan"
                            f"（现在写的是“{record_id or ''}”）；定下后不再改")
        elif record_id in getattr(catalog, kind).ids():
            problems.append(f"--id {record_id} 在 {relative} 里已经用过了，没有写入任何内容；请换一个 id")
    if bureau is not _NO_BUREAU:
        ids = list(catalog.bureaus.ids())
        if not bureau or bureau not in ids:
            problems.append(f"--bureau（卫生部门）“{bureau or ''}”不在 {bureaus.FILE} 里；请写其中一个 id"
                            f"{_suggest(bureau or '', ids)}，或先用 youfu new bureau 登记这个部门")
    if group is not None and group not in catalog.groups.ids():
        problems.append(f"--group（适用群体）“{group}”不在 {benefits.GROUPS_FILE} 里；请写其中一个 id"
                        f"{_suggest(group, list(catalog.groups.ids()))}")
    if cite is not None:
        docs = {doc.file: doc for doc in catalog.sources}
        doc = docs.get(cite.file)
        if doc is None:
            by_id = {d.id: d.file for d in catalog.sources}
            hint = (f"；编号 {cite.file} 的资料文件名是 {by_id[cite.file]}，请写 --source {by_id[cite.file]}"
                    if cite.file in by_id else _suggest(cite.file, list(docs)))
            problems.append(f"--source（资料）“{cite.file}”不在 data/sources.yml 里{hint}；"
                            "要写已登记的资料文件名，如 --source 001_89d13becceec202a.txt；没登记的资料请维护人员先登记")
        elif cite.part not in doc.parts:
            problems.append(f"--part（篇目）“{cite.part}”不是资料 {cite.file} 的篇目；这份资料的篇目有："
                            f"{'、'.join(doc.parts)}，请写其中一个，如 --part {doc.parts[0]}")
    if problems:
        raise ScaffoldError("\n".join(problems))


def _suggest(value: str, ids: list[str]) -> str:
    close = difflib.get_close_matches(value, ids, n=3, cutoff=0.5)
    if close:
        return f"（是不是 {'、'.join(close)}？）"
    shown = "、".join(ids[:8])
    return f"（有 {shown}{' 等' if len(ids) > 8 else ''}）" if ids else "（现在一个也没有）"


def _append(root: Path, relative: str, entry: str) -> Path:
    path = root / relative
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text.strip() in ("", "[]") or text.rstrip().endswith("[]"):
        text = text.rstrip()
        text = text[: -2].rstrip() + "\n" if text.endswith("[]") else text
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + entry, encoding="utf-8")
    return path
