"""Starting a new record: a report file, or an entry appended to a data file.

Every scaffold is valid as written (it passes `youfu validate`), carries comments
saying what to fill in, and never overwrites: an existing report file or an id
already used is refused. Values are written as JSON strings, which YAML reads
back unchanged whatever characters they hold.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import benefits, bureaus, facilities, reports
from .catalog import load_catalog


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
    return (f"{indent}sources:                      # 出处：资料文件、篇目、位置（用自己的话）\n"
            f"{indent}  - file: {q(cite.file)}\n{indent}    part: {q(cite.part)}\n{indent}    where: {q(cite.where)}\n")


_CLAIM = (
    "  claim:                           # 资料的性质和时期\n"
    "    kind: report                   # law 法律 | local_rule 地方规定 | plan 计划（要…、将…）| report 工作记录 | campaign 限期活动\n"
    "    period:\n"
    "      certainty: unknown           # stated 原文写明 | inferred 推断 | doubtful 存疑 | unknown 不详\n"
    "      evidence: 原文没有写年份       # 写了年份时加 year: 2014；推断或存疑时写明依据\n"
)


def report(root: Path, *, bureau: str, year: int | None, kind: str, title: str, cite: Citation) -> Path:
    _require(root, bureau=bureau)
    if kind not in reports.KINDS:
        raise ScaffoldError(f"kind must be one of {', '.join(reports.KINDS)}")
    slug = {"总结": "zongjie", "计划": "jihua", "汇报": "huibao", "述职报告": "shuzhi", "实施方案": "fangan",
            "半年总结": "bannian", "工作要点": "yaodian"}[kind]
    path = root / reports.FOLDER / bureau / f"{year if year else 'unknown'}-{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(root).as_posix()} already exists; it was not overwritten")
    text = (
        "---\n"
        f"title: {q(title)}\n"
        f"bureau: {bureau}                 # data/bureaus.yml 中的 id\n"
        f"year: {year if year else 'null'}                     # 年份；原文没写写 null；推断的年份另加 year_inferred: 依据\n"
        f"kind: {kind}                     # {' | '.join(reports.KINDS)}\n"
        "topics: [优抚医疗]                # 从固定词表中选 1 到 8 个，见编辑指南\n"
        + _source_block(cite, "")
        + "figures: []                      # 关键数字：id、what、value、unit、period，有分项时写 parts\n"
        "---\n\n"
        "## 背景\n\n（用自己的话写：这是谁在哪一年写的什么文件。）\n\n"
        "## 主要做法\n\n- （用自己的话概括做了什么，不要照抄原文。）\n\n"
        "## 数字\n\n（原文给出的关键数字。）\n\n"
        "## 下一步\n\n（文中提到的下一步打算。）\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def bureau(root: Path, *, bureau_id: str, name: str, level: str, province: str | None, city: str | None,
           county: str | None, cite: Citation) -> Path:
    _require_new(root, bureaus.FILE, "bureaus", bureau_id)
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
    _require(root, bureau=bureau)
    _require_new(root, facilities.FACILITIES_FILE, "facilities", facility_id)
    if kind not in facilities.KINDS:
        raise ScaffoldError(f"kind must be one of {', '.join(facilities.KINDS)}")
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
    _require(root, bureau=bureau, group=group)
    _require_new(root, benefits.BENEFITS_FILE, "packages", package_id)
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


def _require(root: Path, *, bureau: str | None = None, group: str | None = None) -> None:
    catalog, _ = load_catalog(root)
    if bureau is not None and bureau not in catalog.bureaus.ids():
        raise ScaffoldError(f"bureau {bureau} must be the id of an entry in {bureaus.FILE}")
    if group is not None and group not in catalog.groups.ids():
        raise ScaffoldError(f"group {group} must be the id of an entry in {benefits.GROUPS_FILE}")


def _require_new(root: Path, relative: str, kind: str, record_id: str) -> None:
    catalog, _ = load_catalog(root)
    if record_id in getattr(catalog, kind).ids():
        raise ScaffoldError(f"id {record_id} is already used in {relative}; nothing was written")


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
