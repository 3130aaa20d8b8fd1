"""Annual work reports: Markdown summaries under `content/reports/<bureau>/`.

Each file's front matter is validated like the YAML data (same loader, same
messages, real line numbers); the body is checked for what a summary must not
contain (HTML, a second title). Figures are checked by `figures`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Iterator, Literal

from pydantic import Field

from . import figures as fig
from .problems import Problem
from .records import CERTAINTY_NAMES, ChangeNote, Id, Inferences, Period, Record, Sources, Text, convert
from .yamlio import Loaded, parse_yaml, read_text, split_front_matter

FOLDER = "content/reports"

KINDS = ("总结", "计划", "汇报", "述职报告", "实施方案", "半年总结", "工作要点")
Kind = Literal["总结", "计划", "汇报", "述职报告", "实施方案", "半年总结", "工作要点"]

TOPICS = ("征兵体检", "优抚医疗", "绿色通道", "献血用血", "国防教育", "走访慰问", "退役安置", "军民共建",
          "对口支援", "新农合", "惠民医疗", "纠风", "医疗服务", "公共卫生", "卫生改革", "基层卫生",
          "人才培训", "卫生监督")
Topic = Literal["征兵体检", "优抚医疗", "绿色通道", "献血用血", "国防教育", "走访慰问", "退役安置", "军民共建",
                "对口支援", "新农合", "惠民医疗", "纠风", "医疗服务", "公共卫生", "卫生改革", "基层卫生",
                "人才培训", "卫生监督"]

# Plans and the summaries of the same bureau and year point at each other.
PLAN_KINDS = {"计划", "实施方案", "工作要点"}
SUMMARY_KINDS = {"总结", "半年总结", "汇报", "述职报告"}


class ReportMeta(Record):
    title: Text = Field(description="标题（自己的话）")
    bureau: Id = Field(description="卫生部门 id，见 data/bureaus.yml")
    year: Annotated[int, Field(ge=1949, le=2100)] | None = Field(description="年份；未知时写 null")
    year_inferred: Text | None = Field(default=None, description="年份是推断的：写明依据")
    year_doubtful: Text | None = Field(default=None, description="原文写了年份但不可靠：写明为什么存疑")
    shared_text: bool = Field(default=False, description="同一段文字见于多份资料时为 true（sources 列出全部）")
    kind: Kind = Field(description="文种")
    topics: Annotated[list[Topic], Field(min_length=1, max_length=8, description="主题（固定词表）")]
    sources: Sources
    figures: Annotated[list[fig.Figure], Field(default_factory=list, description="关键数字")]
    inferred: Inferences
    sample: bool = Field(default=False, description="示例数据（并非来自资料）时为 true")
    change_note: ChangeNote | None = None


@dataclass(frozen=True, kw_only=True)
class Report:
    src_uri: str  # relative to content/, e.g. "reports/datong-city/2014-fangan.md"
    meta: ReportMeta
    chars: int  # Han characters in the body
    excerpt: str  # the first paragraph, as plain text, for lists and the feed
    checks: dict[str, fig.FigureCheck] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.src_uri.removeprefix("reports/").removesuffix(".md")

    @property
    def period(self) -> Period:
        """The report's year as a period (stated, inferred, doubtful or unknown)."""
        meta = self.meta
        if meta.year is None:
            return Period(certainty="unknown")
        if meta.year_doubtful:
            return Period(year=meta.year, certainty="doubtful", evidence=meta.year_doubtful)
        if meta.year_inferred:
            return Period(year=meta.year, certainty="inferred", evidence=meta.year_inferred)
        return Period(year=meta.year, certainty="stated")

    @property
    def year_label(self) -> str:
        """The year with its certainty in words, for places that cannot hold a note (feeds, filters)."""
        period = self.period
        if period.certainty in {"inferred", "doubtful"}:
            return f"{period.label}（{CERTAINTY_NAMES[period.certainty]}）"
        return period.label

    @property
    def flagged(self) -> list[tuple[fig.Figure, fig.FigureCheck]]:
        return [(f, self.checks[f.id]) for f in self.meta.figures if self.checks[f.id].flagged]


@dataclass
class ReportSet:
    reports: list[Report] = field(default_factory=list)
    lines: dict[str, tuple[str, Loaded]] = field(default_factory=dict)  # src_uri → (shown path, front matter)

    def __iter__(self) -> Iterator[Report]:
        return iter(self.reports)

    def __len__(self) -> int:
        return len(self.reports)

    def problem(self, report: Report, inner: tuple, message: str) -> Problem:
        shown, loaded = self.lines[report.src_uri]
        return Problem(path=shown, line=loaded.line_of(inner), message=message)


_HAN = re.compile(r"[\u3400-\u9fff]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!--")
_H1 = re.compile(r"^# ", re.MULTILINE)
_BAD_URL = re.compile(r"(?:\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?)\s*(?:javascript|vbscript|data|file):", re.I | re.M)
_REMOTE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?\s*(?:https?:)?//", re.I)


def load_reports(root: Path, memo: dict | None = None) -> tuple[ReportSet, list[Problem]]:
    """Every report under content/reports/. With `memo` (a dict kept by the caller, as
    the preview does between rebuilds), a file whose size and modification time are
    unchanged is not read again: its earlier result is reused."""
    found = ReportSet()
    problems: list[Problem] = []
    folder = root / FOLDER
    if not folder.is_dir():
        return found, problems
    for path in sorted(folder.rglob("*.md")):
        if memo is None:
            report, more = _load_one(root, path, found)
        else:
            report, more = _load_memo(root, path, found, memo)
        problems += more
        if report is not None:
            found.reports.append(report)
    return found, problems


def _load_memo(root: Path, path: Path, found: ReportSet, memo: dict) -> tuple[Report | None, list[Problem]]:
    src_uri = path.relative_to(root / "content").as_posix()
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = memo.get(path)
    if cached is None or cached[0] != key:
        report, problems = _load_one(root, path, found)
        memo[path] = cached = (key, report, problems, found.lines.get(src_uri))
    _, report, problems, lines = cached
    if lines is not None:
        found.lines[src_uri] = lines
    return report, list(problems)


def _load_one(root: Path, path: Path, found: ReportSet) -> tuple[Report | None, list[Problem]]:
    shown = path.relative_to(root).as_posix()
    src_uri = path.relative_to(root / "content").as_posix()
    if path.name == "index.md":
        return None, []  # a hand-written section page, not a report
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    front, body, body_line = split_front_matter(text)
    if front is None:
        if text.startswith("---"):
            return None, [Problem(path=shown, line=1, message="front matter must end with a line of --- "
                                                               "(the --- on line 1 is never closed)")]
        return None, [Problem(path=shown, line=1,
                              message="report must start with front matter between two lines of ---")]
    loaded, problems = parse_yaml(front, shown, first_line=2)
    if loaded is None:
        return None, problems
    if loaded.value is None:
        loaded.value = {}
    if not isinstance(loaded.value, dict):
        return None, problems + [Problem(path=shown, line=2, message=(
            f"front matter must be a mapping of keys ({'a list' if isinstance(loaded.value, list) else 'a single value'} found)"))]
    meta, more = convert(ReportMeta, loaded.value, loaded, (), shown)
    problems += more
    problems += list(_check_body(body, body_line, shown))
    if meta is None:
        return None, problems
    found.lines[src_uri] = (shown, loaded)
    report = Report(src_uri=src_uri, meta=meta, chars=len(_HAN.findall(body)), excerpt=excerpt(body),
                    checks={f.id: fig.check(f) for f in meta.figures})
    problems += list(_check_meta(report, shown, loaded))
    return report, problems


def excerpt(body: str, limit: int = 120) -> str:
    """The first paragraph that is not a heading, without Markdown marks."""
    for block in re.split(r"\n\s*\n", body):
        text = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("#")).strip()
        if not text:
            continue
        text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.MULTILINE)
        text = re.sub(r"[*_`>#]|\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


def _check_body(body: str, first_line: int, shown: str) -> Iterator[Problem]:
    for number, line in enumerate(body.splitlines(), start=first_line):
        if _HTML_TAG.search(line):
            yield Problem(path=shown, line=number,
                          message="report text must be Markdown without HTML tags")
        if _BAD_URL.search(line):
            yield Problem(path=shown, line=number,
                          message="links in report text must not use javascript:, data: or file: addresses")
        if _REMOTE_IMAGE.search(line):
            yield Problem(path=shown, line=number,
                          message="images in report text must be files of this site, not from other websites")
        if _H1.match(line):
            yield Problem(path=shown, line=number,
                          message="report text must not have a # title (the title comes from front matter; use ## )")


def _check_meta(report: Report, shown: str, loaded: Loaded) -> Iterator[Problem]:
    meta = report.meta

    def at(*inner) -> int:
        return loaded.line_of(inner)

    folder = report.src_uri.split("/")[1] if report.src_uri.count("/") >= 2 else ""
    if folder != meta.bureau:
        yield Problem(path=shown, line=at("bureau"),
                      message=f"report must be in the folder content/reports/{meta.bureau}/ of its bureau")
    if meta.year_inferred and meta.year is None:
        yield Problem(path=shown, line=at("year_inferred"),
                      message="year_inferred must go with a year (write the inferred year in year)")
    if meta.year_doubtful and meta.year is None:
        yield Problem(path=shown, line=at("year_doubtful"),
                      message="year_doubtful（年份存疑的理由）必须和 year 一起写：把原文写的年份填在 year")
    if meta.year_doubtful and meta.year_inferred:
        yield Problem(path=shown, line=at("year_doubtful"),
                      message="year_doubtful 和 year_inferred 只能写一个：原文写了年份但不可靠写前者，原文没写、由线索推断写后者")
    if meta.year is not None and (meta.year_doubtful or meta.year_inferred) and f"{meta.year}年" in meta.title:
        yield Problem(path=shown, line=at("title"),
                      message=f"title（标题）不能写推断或存疑的年份“{meta.year}年”：年份只写在 year，页面会标明推断或存疑")
    if meta.shared_text and len({(s.file, s.part, s.where) for s in meta.sources}) < 2:
        yield Problem(path=shown, line=at("shared_text"),
                      message="shared_text: true 表示同一段文字见于多份资料，sources 至少要列出两处")
    seen: dict[str, int] = {}
    for index, figure in enumerate(meta.figures):
        if figure.id in seen:
            yield Problem(path=shown, line=at("figures", index, "id"),
                          message=f"figure id {figure.id} must be unique in the report (already used at line {seen[figure.id]})")
        seen.setdefault(figure.id, at("figures", index, "id"))
        result = report.checks[figure.id]
        if result.flagged and not figure.discrepancy:
            where = ("figures", index, "parts", result.part, "unit") if result.part is not None else ("figures", index, "value")
            yield Problem(path=shown, line=at(*where),
                          message=result.message + "; correct the figure, or explain the source's own "
                                                   "inconsistency in discrepancy")
