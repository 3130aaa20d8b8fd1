"""Every file under `content/` is a checked page, an allowed file, or refused.

MkDocs builds whatever it finds in its docs_dir (`content/`), following symlinks;
youfu's loaders read only the files they know. `scan_content(root)` closes the gap:
it walks `content/` and `data/` without following anything (`os.lstat` semantics,
never opening a file that is not a regular file) and sorts every entry into

- reports: `content/reports/<bureau id>/<slug>.md`, read and checked by `reports`;
- hand-written pages: `content/*.md`, `content/guide/*.md`, `content/tech/*.md`,
  read and checked here (UTF-8, front matter keys, the Markdown body check);
- static files: images beside the pages that show them (png, jpg, jpeg, webp, gif;
  no SVG outside assets/, as an SVG opened directly can run script), and under
  `content/assets/` stylesheets, scripts, images, icons and fonts;
- problems, as `path:line: message`, for everything else: other file types and
  places, `.markdown` files, dotfiles and dot-folders, symlinks (all of them, in
  `content/` and `data/`), FIFOs, devices and sockets.

`check_addresses` then makes sure no two things claim the same address in the
built site (a bureau with id `index` would replace the list of bureaus).
"""
from __future__ import annotations

import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Iterable, Iterator, Literal

from pydantic import Field

from .problems import Problem
from .records import Record, Text, convert
from .yamlio import not_regular, special_target, parse_yaml, read_text, split_front_matter

CONTENT = "content"
DATA = "data"

PAGE_FOLDERS = ("", "guide", "tech")  # where hand-written pages may go ("" is content/ itself)
REPORTS = "reports"
ASSETS = "assets"
# Folders under content/reports/ that hold generated lists (pages.archive_uri, year_uri, topic_uri).
GENERATED_REPORT_FOLDERS = ("page", "years", "topics")
# Material's own folders in the built site: a file of ours there would replace the theme's.
THEME_ASSET_FOLDERS = ("javascripts", "stylesheets")

IMAGE_TYPES = ("png", "jpg", "jpeg", "webp", "gif")
ASSET_TYPES = ("css", "js", "svg", *IMAGE_TYPES, "ico", "woff", "woff2")
MARKDOWN_LIKE = (".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext", ".text")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ASSET_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")

# MkDocs reads "key: value" lines at the top of a page without --- as page settings.
_MULTIMARKDOWN_META = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:")


@dataclass(frozen=True)
class ContentFile:
    src_uri: str  # relative to content/, e.g. "guide/errors.md"
    kind: Literal["report", "page", "file"]
    body: str | None = None  # hand-written pages only: the Markdown after the front matter
    body_line: int = 1  # the file line the body starts on

    @property
    def shown(self) -> str:
        return f"{CONTENT}/{self.src_uri}"

    @property
    def is_markdown(self) -> bool:
        return self.kind in ("report", "page")


@dataclass
class Scan:
    """What `scan_content` found: every accepted file, and what was refused."""

    files: list[ContentFile] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # repository paths no loader may open

    @property
    def reports(self) -> list[ContentFile]:
        return [f for f in self.files if f.kind == "report"]

    @property
    def pages(self) -> list[ContentFile]:
        return [f for f in self.files if f.kind == "page"]


class PageMeta(Record):
    """Front matter a hand-written page may have (anything else, e.g. `template`, is refused)."""

    title: Text | None = Field(default=None, description="页面标题")
    description: Text | None = Field(default=None, description="页面说明（搜索引擎和分享时显示）")
    hide: Annotated[list[Literal["navigation", "toc", "footer", "path", "tags", "feedback"]],
                    Field(default_factory=list, description="不显示的部分")]


def scan_content(root: Path) -> tuple[Scan, list[Problem]]:
    """Sort every entry under content/ and data/; read and check the hand-written pages."""
    scan = Scan()
    problems: list[Problem] = []

    def refuse(relative: str, problem: Problem) -> None:
        problems.append(problem)
        scan.refused.add(relative)

    for top in (CONTENT, DATA):
        for relative, mode in _walk(root, top, refuse, scan.refused):
            problem = _special(relative, mode, root)
            if relative == top and problem is None and not stat.S_ISDIR(mode):
                problem = Problem(path=top, line=1, message=f"{top} 必须是文件夹；请恢复它")
            if problem is None and top == CONTENT and relative != top:
                src_uri = relative.removeprefix(CONTENT + "/")
                kind, problem = _place(src_uri, mode)
                if kind == "page":
                    page, found = _read_page(root, src_uri)
                    problems += found
                    scan.files.append(page)
                elif kind is not None:
                    scan.files.append(ContentFile(src_uri=src_uri, kind=kind))
            if problem is not None:
                refuse(relative, problem)  # and, for a folder, nothing in it is looked at
    return scan, problems


def _walk(root: Path, top: str, refuse, refused: set[str]) -> Iterator[tuple[str, int]]:
    """(repository path, lstat mode) of `top` and every entry under it, a folder before
    its contents, sorted by name. Never follows a symlink, and enters a folder only
    if the caller did not refuse it when it was yielded. Under content/, names
    starting with "." are refused here and not yielded."""
    base = os.fspath(root)
    try:
        mode = os.lstat(os.path.join(base, top)).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        refuse(top, Problem(path=top, line=1, message=f"文件夹无法读取（{err.strerror}）；请检查权限"))
        return
    yield top, mode
    if not stat.S_ISDIR(mode) or top in refused:
        return
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(os.path.join(base, folder)) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as err:
            refuse(folder, Problem(path=shown_path(folder), line=1,
                                   message=f"文件夹无法读取（{err.strerror}）；请检查权限"))
            continue
        below = []
        for name in names:
            relative = f"{folder}/{name}"
            try:
                mode = os.lstat(os.path.join(base, relative)).st_mode
            except OSError as err:
                refuse(relative, Problem(path=shown_path(relative), line=1,
                                         message=f"文件无法读取（{err.strerror}）；请检查权限"))
                continue
            if top == CONTENT and name.startswith("."):
                what = "文件夹" if stat.S_ISDIR(mode) else "文件"
                refuse(relative, Problem(path=shown_path(relative), line=1, message=(
                    f"content/ 里不能有以“.”开头的{what}（网站不会收录它，链接到它也会失效）；"
                    "请去掉名字开头的“.”，或删除它")))
                continue
            yield relative, mode
            if stat.S_ISDIR(mode) and relative not in refused:
                below.append(relative)
        stack.extend(reversed(below))  # depth first, in name order


def _special(relative: str, mode: int, root: Path) -> Problem | None:
    """Symlinks and anything that is neither a regular file nor a folder are refused, saying
    what they are (a link says where it points; a FIFO, that reading it would wait forever)."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(root / relative)
        except OSError:
            target = "？"
        return Problem(path=shown_path(relative), line=1, message=(
            f"不能是符号链接（指向 {special_target(target)}；网站只收录仓库里真正的文件）；"
            "请把文件本身复制到这里，或删除这个链接"))
    return Problem(path=shown_path(relative), line=1, message=not_regular(mode) or
                   "必须是普通文件或文件夹（这是管道、设备或套接字之类的特殊文件）；请删除它")


def _place(src_uri: str, mode: int) -> tuple[str | None, Problem | None]:
    """(kind, None) for an accepted entry, (None, None) for an accepted folder, or
    (None, problem). `src_uri` is relative to content/."""
    shown = shown_path(f"{CONTENT}/{src_uri}")
    parts = src_uri.split("/")
    is_dir = stat.S_ISDIR(mode)
    name = parts[-1]

    def refuse(message: str) -> tuple[None, Problem]:
        return None, Problem(path=shown, line=1, message=message)

    if parts[0] == REPORTS:
        return _place_report(parts, is_dir, refuse)
    if parts[0] == ASSETS:
        if len(parts) >= 2 and parts[1] in THEME_ASSET_FOLDERS:
            return refuse(f"content/assets/{parts[1]}/ 是网站主题自己的文件夹，放在这里会替换主题的文件；"
                          "请把文件直接放在 content/assets/ 下，或换一个文件夹名")
        if is_dir:
            if not ASSET_NAME.match(name):
                return refuse(_bad_name(name, folder=True))
            return None, None
        return _place_file(name, ASSET_TYPES, "content/assets/", refuse, pages=False)
    folder = "/".join(parts[:-1])
    if is_dir:
        if len(parts) == 1 and name in PAGE_FOLDERS:
            return None, None
        if len(parts) == 1:
            return refuse("content/ 里只能有 assets/、guide/、reports/、tech/ 这几个文件夹；页面放在 content/、"
                          "content/guide/ 或 content/tech/ 下，报告放在 content/reports/<部门 id>/ 下")
        return refuse(f"content/{folder}/ 里不能再分文件夹；页面直接放在 content/{folder}/ 下")
    where = f"content/{folder}/" if folder else "content/"
    return _place_file(name, IMAGE_TYPES, where, refuse, pages=True)


def _place_report(parts: list[str], is_dir: bool, refuse) -> tuple[str | None, Problem | None]:
    rule = "报告必须放在 content/reports/<部门 id>/<文件名>.md（部门 id 见 data/bureaus.yml）"
    name = parts[-1]
    if len(parts) == 1:
        return None, None  # content/reports/ itself
    if len(parts) == 2 and is_dir:
        if name in GENERATED_REPORT_FOLDERS:
            return refuse(f"content/reports/{name}/ 是自动生成的报告列表所用的地址，不能用作部门文件夹；"
                          f"部门 id 不能是 {'、'.join(GENERATED_REPORT_FOLDERS)}")
        if not SLUG.match(name):
            return refuse(f"content/reports/ 下的文件夹名必须是部门 id：只用小写字母 a-z、数字和单个连字符"
                          f"（现在是 {_quoted(name)}）；{rule}")
        return None, None
    if len(parts) == 2:
        if name == "index.md":
            return refuse(f"content/reports/index.md 会与自动生成的报告列表页重名，网站不能收录它；{rule}")
        return refuse(f"content/reports/ 下不能直接放文件；{rule}")
    if is_dir or len(parts) > 3:
        return refuse(f"content/reports/{parts[1]}/ 里不能再分文件夹；报告直接放在部门文件夹里，"
                      f"如 content/reports/{parts[1]}/2014-zongjie.md")
    return _place_file(name, IMAGE_TYPES, f"content/reports/{parts[1]}/", refuse, pages=True, reports=True)


def _place_file(name: str, allowed: tuple[str, ...], where: str, refuse, *, pages: bool,
                reports: bool = False) -> tuple[str | None, Problem | None]:
    stem, dot, extension = name.rpartition(".")
    suffix = "." + extension.lower() if dot else ""
    if pages and suffix in MARKDOWN_LIKE + (".md",) and (suffix != ".md" or extension != "md"):
        return refuse(f"Markdown 文件的扩展名必须是 .md（现在是 .{extension}），否则不会被检查；"
                      f"请改名为 {_quoted(stem + '.md')}")
    if pages and extension == "md":
        if not SLUG.match(stem):
            what = "报告文件名" if reports else "页面文件名"
            example = "2014-zongjie.md" if reports else "add-report.md"
            return refuse(f"{what}只能用小写字母 a-z、数字和单个连字符，以 .md 结尾（现在是 {_quoted(name)}）；"
                          f"请改名，如 {example}")
        return ("report" if reports else "page"), None
    if not dot or extension not in allowed:
        kinds = ("报告（.md）和报告用到的图片" if reports else "页面（.md）和页面用到的图片") if pages else "以下类型的文件"
        return refuse(f"{where} 里只能放{kinds}（{'、'.join(allowed)}）；请删除或移走这个文件")
    checked = stem if pages else name.rsplit(".", 1)[0]
    pattern = SLUG if pages else ASSET_NAME
    if not pattern.match(checked):
        return refuse(_bad_name(name, folder=False))
    return "file", None


def _bad_name(name: str, *, folder: bool) -> str:
    what = "文件夹名" if folder else "文件名"
    return (f"{what}只能用小写字母 a-z、数字和连字符（现在是 {_quoted(name)}），网址里才不会出错；"
            "请改名")


# ---------------------------------------------------------------------------
# Hand-written pages
# ---------------------------------------------------------------------------


def _read_page(root: Path, src_uri: str) -> tuple[ContentFile, list[Problem]]:
    shown = shown_path(f"{CONTENT}/{src_uri}")
    text, problems = read_text(root / CONTENT / src_uri, shown, root)
    if text is None:
        return ContentFile(src_uri=src_uri, kind="page"), problems
    front, body, body_line = split_front_matter(text)
    page = ContentFile(src_uri=src_uri, kind="page", body=body, body_line=body_line)
    if front is None:
        if text.startswith("---"):
            return page, [Problem(path=shown, line=1, message=(
                "页面开头的 --- 没有配对：页面设置（title 等）要写在两行 --- 之间；请在设置后面补一行 ---"))]
        first = text.split("\n", 1)[0]
        if _MULTIMARKDOWN_META.match(first):
            return page, [Problem(path=shown, line=1, message=(
                "第一行形如“名称: 值”，会被当成页面设置；页面设置要写在两行 --- 之间（可用 title、description、"
                "hide）；是正文的话，请在它前面空一行或改写"))]
    else:
        loaded, found = parse_yaml(front, shown, first_line=2)
        problems += found
        if loaded is not None and loaded.value is not None:
            if not isinstance(loaded.value, dict):
                problems.append(Problem(path=shown, line=2, message=(
                    "页面设置必须是“名称: 值”的形式（可用 title、description、hide）；请改正 --- 之间的内容")))
            else:
                problems += convert(PageMeta, loaded.value, loaded, (), shown)[1]
    problems += list(check_markdown(body, shown, body_line))
    return page, problems


def check_markdown(body: str, shown: str, first_line: int) -> Iterator[Problem]:
    """The Markdown body check for hand-written pages: the one place to swap in
    `sanitize.check_markdown` (being written on another branch).

    For now it uses the report body check, with code blocks and code spans blanked
    (what they hold is shown as text, not used as markup) and without the report-only
    rule against a `# ` title (a hand-written page has its title there)."""
    from . import links, reports

    text = links.mask_code(body)
    text = re.sub(r"^# ", "  ", text, flags=re.MULTILINE)
    return reports.check_body(text, first_line, shown)


# ---------------------------------------------------------------------------
# Addresses in the built site
# ---------------------------------------------------------------------------

# What MkDocs and the theme write besides the pages (use_directory_urls is off: a.md → a.html).
RESERVED = {
    "404.html": "自动生成的页面 404.html（找不到页面时显示）",
    "sitemap.xml": "自动生成的文件 sitemap.xml",
    "sitemap.xml.gz": "自动生成的文件 sitemap.xml.gz",
    "feed.xml": "自动生成的订阅源 feed.xml",
    "search/search_index.json": "主题搜索的索引文件 search/search_index.json",
}
RESERVED_FOLDERS = {
    "search/idx/": "站内搜索的索引文件夹 search/idx/",
    "assets/javascripts/": "主题的文件夹 assets/javascripts/",
    "assets/stylesheets/": "主题的文件夹 assets/stylesheets/",
}


def address(src_uri: str) -> str:
    """Where a source file lands in the built site."""
    return src_uri[:-3] + ".html" if src_uri.endswith(".md") else src_uri


@dataclass(frozen=True)
class RecordPage:
    """A generated page made for one data record."""

    src_uri: str
    path: str  # the data file
    line: int  # the line of the record's id
    record_id: str


def record_pages(catalog) -> list[RecordPage]:
    """Pages made one per record (see pages.site_plan), with the line that makes each."""
    from . import benefits, bureaus

    out = []
    for dataset, page_of in ((catalog.bureaus, bureaus.page_path), (catalog.groups, benefits.group_path),
                             (catalog.packages, benefits.package_path),
                             (catalog.facilities, lambda i: f"facilities/{i}.md")):
        for record in dataset:
            out.append(RecordPage(src_uri=page_of(record.id), path=dataset.path,
                                  line=dataset.line(record.id, "id"), record_id=record.id))
    return out


def generated_files() -> list[str]:
    """Files (not pages) the hook adds to the site: the open-data downloads and the feed."""
    from .opendata import DATASETS

    names = [f"downloads/{d.name}{ext}" for d in DATASETS for ext in (".json", ".csv", ".schema.json")]
    return names + ["feed.xml"]


def check_addresses(catalog, generated: Iterable[str], scan: Scan) -> list[Problem]:
    """Every address of the site made once: the pages generated from the data and the
    files MkDocs makes first, then each record's page, then the files in content/.
    The second claim of an address is the problem, at the record or file making it."""
    generated = list(generated)
    records = [r for r in record_pages(catalog)]
    fixed = Counter(generated) - Counter(r.src_uri for r in records)
    owners: dict[str, str] = dict(RESERVED)
    for src_uri in fixed.elements():
        owners.setdefault(address(src_uri), f"自动生成的页面 {src_uri}")
    for name in generated_files():
        owners.setdefault(address(name), f"自动生成的文件 {name}")
    problems = []
    for record in records:
        at = address(record.src_uri)
        if at in owners:
            problems.append(Problem(path=record.path, line=record.line, message=(
                f"id {record.record_id} 与{owners[at]} 重名；请换一个 id")))
        else:
            owners[at] = f"记录（{record.path} 第 {record.line} 行）生成的页面 {record.src_uri}"
    for file in scan.files:
        at = address(file.src_uri)
        taken = owners.get(at) or next((what for folder, what in RESERVED_FOLDERS.items() if at.startswith(folder)),
                                       None)
        if taken is not None:
            what = "页面" if file.is_markdown else "文件"
            problems.append(Problem(path=shown_path(file.shown), line=1, message=(
                f"{what} {file.src_uri} 在网站里的地址 {at} 与{taken} 重名；请换一个文件名")))
        else:
            owners[at] = f"文件 {file.shown}"
    return problems


def check_links(root: Path, scan: Scan, generated: Iterable[str], memo: dict | None = None,
                unpublished: set[str] = frozenset()) -> list[Problem]:
    """Every link and image in every page's Markdown (see `links`), against every
    address the site will have. With `memo` (kept by the caller between rebuilds, as
    the preview does), the links of a report whose size and modification time are
    unchanged are not searched again. `unpublished`: pages only the preview has (drafts
    and what only they make); a published page must not link to them."""
    from . import links

    targets: dict[str, links.Target] = {src_uri: "generated" for src_uri in generated}
    targets.update((name, "file") for name in generated_files())
    for file in scan.files:
        targets[file.src_uri] = "markdown" if file.is_markdown else "file"
    by_uri = {file.src_uri: file for file in scan.files}

    def body_of(src_uri: str) -> tuple[str, int] | None:
        file = by_uri[src_uri]
        if file.body is not None:
            return file.body, file.body_line
        if file.kind != "report":
            return None
        text, _ = read_text(root / file.shown, file.shown, root)  # its problems are the report loader's to tell
        if text is None:
            return None
        front, body, line = split_front_matter(text)
        return (body, line) if front is not None else None

    def links_of(file: ContentFile) -> list[links.Link]:
        if memo is None or file.kind != "report":
            found = body_of(file.src_uri)
            return links.find_links(*found) if found is not None else []
        path = os.path.join(root, file.shown)
        try:
            info = os.stat(path)
        except OSError:
            return []
        key = (info.st_mtime_ns, info.st_size)
        cached = memo.get(path)
        if cached is None or cached[0] != key:
            found = body_of(file.src_uri)
            memo[path] = cached = (key, links.find_links(*found) if found is not None else [])
        return cached[1]

    sources = (links.Source(src_uri=f.src_uri, shown=shown_path(f.shown), links=links_of(f),
                            draft=f.src_uri in unpublished)
               for f in scan.files if f.is_markdown)
    return links.check_links(sources, targets, lambda uri: (body_of(uri) or (None,))[0], unpublished)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def shown_path(relative: str) -> str:
    """A path as printed in a message: a file name may hold anything, but one problem
    stays one line (control characters, line breaks and bytes that are not UTF-8 are
    written as escapes)."""
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), relative)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _quoted(name: str) -> str:
    return f'"{shown_path(name)}"'
