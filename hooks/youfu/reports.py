"""Annual work reports: Markdown summaries under `content/reports/<bureau>/`.

Each file's front matter is validated like the YAML data (same loader, same
messages, real line numbers); the body is checked for what a summary must not
contain (HTML, a second title). Figures are checked by `figures`.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from datetime import date
from pathlib import Path
from typing import Annotated, Iterable, Iterator, Literal

import markdown
from pydantic import Field

from . import figures as fig
from .problems import Problem
from .records import CERTAINTY_NAMES, PLACEHOLDER, PLACEHOLDER_MESSAGE, ChangeNote, Id, Inferences, Period, Record, Sources, Text, convert
from .sanitize import check_markdown
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
    draft: bool = Field(default=False, description="草稿：true 时只在预览（youfu serve）里显示，不发布")
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
_H1 = re.compile(r"^# ", re.MULTILINE)


def load_reports(root: Path, memo: dict | None = None, *,
                 paths: Iterable[Path] | None = None) -> tuple[ReportSet, list[Problem]]:
    """The reports at `paths`: the files `content.scan_content` accepted as reports
    (content/reports/<bureau>/<slug>.md, regular files, no symlinks), found by that
    scan when not given. With `memo` (a dict kept by the caller, as the preview does
    between rebuilds), a file whose size and modification time are unchanged is not
    read again: its earlier result is reused."""
    found = ReportSet()
    problems: list[Problem] = []
    if paths is None:
        from .content import scan_content

        paths = [root / file.shown for file in scan_content(root)[0].reports]
    for path in sorted(paths):
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
    try:
        stat = os.stat(path)
    except OSError:  # a dangling link: read_text says so
        return _load_one(root, path, found)
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
    text, problems = read_text(path, shown, root)
    if text is None:
        return None, problems
    front, body, body_line = split_front_matter(text)
    if front is None:
        if text.startswith("---"):
            return None, [Problem(path=shown, line=1, message="开头的信息（front matter）必须以一行 --- 结束"
                                                               "（第 1 行的 --- 没有对应的结束行）")]
        return None, [Problem(path=shown, line=1,
                              message="报告必须以两行 --- 之间的开头信息（front matter）开始")]
    loaded, problems = parse_yaml(front, shown, first_line=2)
    if loaded is None:
        return None, problems
    if loaded.value is None:
        loaded.value = {}
    if not isinstance(loaded.value, dict):
        return None, problems + [Problem(path=shown, line=2, message=(
            f"开头信息（front matter）必须是「键: 值」的写法（现在是{'列表' if isinstance(loaded.value, list) else '单个值'}）"))]
    meta, more = convert(ReportMeta, loaded.value, loaded, (), shown)
    problems += more
    problems += list(check_body(body, body_line, shown))
    if meta is None:
        return None, problems
    found.lines[src_uri] = (shown, loaded)
    report = Report(src_uri=src_uri, meta=meta, chars=len(_HAN.findall(body)), excerpt=excerpt(body),
                    checks=fig.check_all(meta.figures))
    problems += list(_check_meta(report, shown, loaded))
    return report, problems


def excerpt(body: str, limit: int = 120) -> str:
    """The first paragraph that is not a heading, as plain text.

    The paragraph is rendered with Python-Markdown (as the page itself is) and its
    text is taken, so that only real Markdown marks go: "20**", "20__" and "20XX"
    stay as written, while **bold**, links and list bullets lose their marks."""
    for block in re.split(r"\n\s*\n", body):
        text = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("#")).strip()
        if not text:
            continue
        # enough for the first `limit` characters, and it bounds the rendering time of a
        # hostile paragraph (a megabyte of brackets)
        text = " ".join(_markdown_text(text[: 20 * limit]).split())
        if not text:
            continue
        return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in {"li", "p", "br", "dt", "dd", "td", "th", "tr"}:
            self.parts.append(" ")


_MD = markdown.Markdown(extensions=["abbr", "def_list", "tables"])
_MD_LOCK = threading.Lock()


# Text without these is the same before and after Markdown (a fast path for most paragraphs)
_MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]<>&!{}|:=]|^\s*(?:[-+]|\d+[.)])(?:\s|$)|^\s*-{3,}\s*$|^ {4}|\t| {2}$",
                             re.MULTILINE)


def _markdown_text(text: str) -> str:
    if not _MARKDOWN_SIGNS.search(text):
        return text
    with _MD_LOCK:
        html = _MD.reset().convert(text)
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def check_body(body: str, first_line: int, shown: str) -> Iterator[Problem]:
    # HTML, script and addresses the site does not allow: the same check as every page (sanitize.py).
    yield from check_markdown(body, shown, first_line)
    for number, line in enumerate(body.splitlines(), start=first_line):
        if PLACEHOLDER.search(line):
            yield Problem(path=shown, line=number, message=PLACEHOLDER_MESSAGE)
        if _H1.match(line):
            yield Problem(path=shown, line=number,
                          message="报告正文不能有 # 一级标题（标题写在开头信息的 title 里）；小标题请用 ##")


def _check_meta(report: Report, shown: str, loaded: Loaded) -> Iterator[Problem]:
    meta = report.meta

    def at(*inner) -> int:
        return loaded.line_of(inner)

    folder = report.src_uri.split("/")[1] if report.src_uri.count("/") >= 2 else ""
    if folder != meta.bureau:
        yield Problem(path=shown, line=at("bureau"),
                      message=f"报告必须放在它所属部门的文件夹 content/reports/{meta.bureau}/ 里")
    if meta.year_inferred and meta.year is None:
        yield Problem(path=shown, line=at("year_inferred"),
                      message="year_inferred（推断年份的依据）必须和 year 一起写：把推断的年份填在 year")
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
    if meta.year is not None:
        yield from _check_year(meta, at("year"), shown)
    first_topic: dict[str, int] = {}
    for index, topic in enumerate(meta.topics):
        if topic in first_topic:
            yield Problem(path=shown, line=at("topics", index), message=(
                f"topics[{index + 1}]（主题）不能重复：“{topic}”已经是第 {first_topic[topic] + 1} 项；请删掉重复的一项"))
        first_topic.setdefault(topic, index)
    seen: dict[str, int] = {}
    for index, figure in enumerate(meta.figures):
        if figure.id in seen:
            yield Problem(path=shown, line=at("figures", index, "id"),
                          message=f"数字的 id {figure.id} 在一篇报告里只能用一次（第 {seen[figure.id]} 行已经用过）；请换一个 id")
        seen.setdefault(figure.id, at("figures", index, "id"))
        result = report.checks[figure.id]
        where = ("figures", index, *(result.at or ("value",)))
        if result.status == "invalid":
            yield Problem(path=shown, line=at(*where), message=result.message)
        elif result.flagged and not figure.discrepancy:
            yield Problem(path=shown, line=at(*where),
                          message=result.message + "；请改正数字，或者在 discrepancy 里说明资料本身的不一致")


def _check_year(meta: ReportMeta, line: int, shown: str) -> Iterator[Problem]:
    """A summary tells what happened: its year is at most this year. A plan may be
    written for next year, not later."""
    this_year = date.today().year
    if meta.kind in PLAN_KINDS and meta.year > this_year + 1:
        yield Problem(path=shown, line=line, message=(
            f"year（年份）不能晚于明年（{this_year + 1} 年）：计划、实施方案、工作要点最多写到明年；请核对年份"))
    elif meta.kind not in PLAN_KINDS and meta.year > this_year:
        yield Problem(path=shown, line=line, message=(
            f"year（年份）不能晚于今年（{this_year} 年）：总结、汇报、述职报告写的是已经发生的事；请核对年份"))
