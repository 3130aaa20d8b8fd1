"""`youfu generate DIR`: the complete Markdown source of the site, made with no engine imported.

This is the first step of the pipeline (generate → the engine renders → `youfu index`). It
loads and checks the data (`catalog.load_catalog`), plans the pages (`pages.site_plan`) and
writes one tree that MkDocs, ProperDocs or Zensical can build as it is:

* hand-written pages from `content/` (their Markdown untouched, inside a
  `<div class="yf-md" markdown="1">` block that marks contributors' text for the sanitizer);
* pages made from data, whose body is the HTML our Jinja partials render
  (`overrides/partials/youfu/`, escaped); a partial that frames a Markdown page (a report,
  the home page) is split around that page's Markdown;
* data files: open data downloads and the Atom feed;
* on every page, its change history and a hidden element with what the search index
  needs to know about it (`youfu index` reads it back from the built HTML).

Only files whose bytes change are written, so an engine's own dirty rebuild and file
watching work from modification times. The tree is youfu's: files in it that the site no
longer has are removed; a folder youfu did not make is never touched.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from . import feeds, figures, opendata, pages, pinyin, qr, siteconfig, siteinfo, synonyms
from .catalog import Catalog, drafts, load_catalog, published
from .notes import Notes
from .pages import SitePlan, View, site_plan
from .problems import Problem
from .yamlio import split_front_matter

MARKER = ".youfu-generated"  # in every tree youfu writes; a folder without it is not ours
BODY = "\x00youfu-body\x00"  # stands for a page's own Markdown while its frame is rendered
NOT_SEARCHED = {"search/index.md", "404.md"}
AFTER = "yf-after"  # class of the block holding a page's history and metadata (not indexed)
CONTENT_FILES = (".md", ".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".woff2", ".txt")


class GenerateError(Exception):
    """Generation stopped: the problems are in `problems` (data) or the message (a page)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Result:
    written: list[str] = field(default_factory=list)  # files whose bytes changed
    removed: list[str] = field(default_factory=list)
    total: int = 0
    warnings: list[str] = field(default_factory=list)  # worth saying, not worth failing the build


@dataclass
class Memo:
    """What one preview process keeps between regenerations (`youfu serve`): each file's
    bytes with the signature of what it was made from. A page whose inputs did not change
    is not rendered again: a report edit renders that report's page and the lists that
    show it, not the whole site."""

    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path → (signature, bytes)
    info: tuple[str, Any] | None = None  # (git HEAD, SiteInfo)


def signature(parts) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(str(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def files_signature(*folders: Path) -> str:
    """Changes whenever a file under `folders` changes (or is added or removed)."""
    def parts():
        for folder in folders:
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames.sort()
                for name in sorted(filenames):
                    info = os.stat(os.path.join(dirpath, name))
                    yield f"{dirpath}/{name}:{info.st_mtime_ns}:{info.st_size}"
    return signature(parts())


@dataclass(frozen=True)
class PageRef:
    """What templates may ask of the page they render."""

    src_uri: str
    url: str
    canonical_url: str | None


# ---------------------------------------------------------------------------
# The step
# ---------------------------------------------------------------------------


def generate(root: Path, out: Path, *, config: siteconfig.SiteConfig | None = None,
             catalog: Catalog | None = None, memo: Memo | None = None, preview: bool = False) -> Result:
    """Write the site's source tree into `out`; raise GenerateError on any problem.
    With `memo` (kept by the caller between runs), pages whose inputs are unchanged are
    not rendered again. Drafts (`draft: true`) are left out unless `preview` (youfu serve),
    where their pages carry a 草稿 banner."""
    config = config or siteconfig.read(root)
    if config.use_directory_urls:
        raise GenerateError("mkdocs.yml: use_directory_urls 必须是 false（页面地址写成 a/b.html，"
                            "网站才能从磁盘直接打开）")
    if catalog is None:
        catalog, problems = load_catalog(root)
        if problems:
            raise GenerateError(f"{len(problems)} 个数据问题", problems)
    leave_out: frozenset[str] = frozenset()
    if not preview:
        leave_out = frozenset(report.src_uri for report in drafts(catalog))
        catalog = published(catalog)
    files = render_site(root, config, catalog, memo, leave_out=leave_out)
    result = sync(out, files)
    if not config.site_url:
        result.warnings.append(feeds.missing_site_url())
    return result


def render_site(root: Path, config: siteconfig.SiteConfig, catalog: Catalog, memo: Memo | None,
                leave_out: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """Every file of the tree, by its path in the tree. A file whose signature is in `memo`
    is taken from there: the signature covers the data files, the templates, the
    configuration, git's HEAD (change histories) and what the page itself shows. Without
    `memo` (a one-off build) no signature is worked out: every page is rendered once anyway,
    and signing what each list shows grows with pages × reports. `leave_out`: files of
    content/ not published (drafts)."""
    remember = memo is not None
    memo = memo if memo is not None else Memo()
    plan = getattr(catalog, "plan", None) or site_plan(catalog)
    head = siteinfo.git_head(root)
    if memo.info is None or memo.info[0] != head or head is None:
        memo.info = (head, siteinfo.collect(root, catalog))
    info = memo.info[1]
    base = signature([files_signature(root / "data", config.overrides), _stat(root / siteconfig.CONFIG_FILE), head,
                      config.site_url, siteinfo.build_date(root)])
    reports = _ReportSignatures(catalog) if remember else _NoSignatures()
    renderer = Renderer(root, config, catalog, plan, info, extra=_data_paths() | {feeds.FEED} | (
        {feeds.SITEMAP} if config.site_url else set()), leave_out=leave_out)
    files: dict[str, bytes] = {}

    def made(path: str, inputs: list, make) -> None:
        if not remember:
            files[path] = make()
            return
        key = signature([base, *inputs])
        cached = memo.pages.get(path)
        files[path] = cached[1] if cached and cached[0] == key else make()
        memo.pages[path] = (key, files[path])

    for path in sorted(_content_files(config.content)):
        relative = path.relative_to(config.content).as_posix()
        if relative in leave_out:
            continue
        if relative.endswith(".md"):
            view = plan.views.get(relative)
            inputs = [_stat(path), reports.of(view.context) if view else ""]
            made(relative, inputs, lambda p=path, r=relative: renderer.hand_written(
                r, p.read_text(encoding="utf-8")).encode("utf-8"))
        else:
            files[relative] = path.read_bytes()
    for page in plan.generated:
        made(page.src_uri, [page.title, page.description, reports.of(plan.views[page.src_uri].context)],
             lambda page=page: renderer.generated(page).encode("utf-8"))
    every = reports.all()
    for path, content in _data_files(catalog, memo, base, every).items():
        files[path] = content
    made(feeds.FEED, [every], lambda: renderer.feed().encode("utf-8"))
    if config.site_url:  # a sitemap needs absolute addresses (feeds.missing_site_url says so otherwise)
        made(feeds.SITEMAP, [], lambda: renderer.sitemap().encode("utf-8"))
    return files


def _stat(path: Path) -> str:
    info = path.stat()
    return f"{info.st_mtime_ns}:{info.st_size}"


def _data_paths() -> set[str]:
    return {f"downloads/{d.name}.{ext}" for d in opendata.DATASETS for ext in ("json", "csv", "schema.json")}


def _data_files(catalog: Catalog, memo: Memo, base: str, every: str) -> dict[str, bytes]:
    """The open data downloads: made again only when the data or any report changed."""
    key = signature([base, every])
    paths = sorted(_data_paths())
    if all(memo.pages.get(p, ("",))[0] == key for p in paths):
        return {p: memo.pages[p][1] for p in paths}
    out = {p: (c if isinstance(c, bytes) else c.encode("utf-8")) for p, c in opendata.files(catalog).items()}
    for path, content in out.items():
        memo.pages[path] = (key, content)
    return out


class _NoSignatures:
    """Stands for _ReportSignatures when nothing is remembered between runs."""

    def of(self, context: dict) -> str:
        return ""

    def all(self) -> str:
        return ""


class _ReportSignatures:
    """What a page shows of the reports it lists: their front matter and excerpt."""

    def __init__(self, catalog: Catalog):
        self.by_id = {id(r): f"{r.src_uri}:{r.meta!r}:{r.excerpt}" for r in catalog.reports}
        self._all: str | None = None

    def of(self, context: dict) -> str:
        parts: list[str] = []
        for key in sorted(context):
            self._collect(context[key], parts, 0)
        return signature(parts)

    def all(self) -> str:
        if self._all is None:
            self._all = signature(sorted(self.by_id.values()))
        return self._all

    def _collect(self, value, parts: list[str], depth: int) -> None:
        if id(value) in self.by_id:
            parts.append(self.by_id[id(value)])
        elif isinstance(value, (list, tuple)) and depth < 3:
            parts.append(f"[{len(value)}]")
            for item in value:
                self._collect(item, parts, depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for item in value.values():
                self._collect(item, parts, depth + 1)


def _content_files(folder: Path):
    """Files under `content/` that are part of the site (dotfiles are not)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(CONTENT_FILES):
                yield Path(dirpath) / name


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


class Renderer:
    def __init__(self, root: Path, config: siteconfig.SiteConfig, catalog: Catalog, plan: SitePlan,
                 info: siteinfo.SiteInfo, extra: set[str] = frozenset(), leave_out: frozenset[str] = frozenset()):
        self.root, self.config, self.catalog, self.plan, self.info = root, config, catalog, plan, info
        self.today = siteinfo.build_date(root)
        self.env = environment(config.overrides)
        self.env.globals.update(place_uri=plan.atlas.uri_of)
        generated = {p.src_uri for p in plan.generated}
        hand = {p.relative_to(config.content).as_posix() for p in _content_files(config.content)} - leave_out
        self.sources = generated | hand | set(extra)  # every page and file the tree will hold
        self.titles = {p.src_uri: p.title for p in plan.generated}
        self.titles_generated = frozenset(generated)
        self.reports = {r.src_uri: r for r in catalog.reports}

    # -- the three kinds of file ----------------------------------------------------------

    def generated(self, page: pages.GeneratedPage) -> str:
        view = self.plan.views[page.src_uri]
        body = self._render(page.src_uri, view, Markup(""))
        return page.markdown() + "\n" + self._after(page.src_uri, page.title, body)

    def hand_written(self, src_uri: str, text: str) -> str:
        front, body, _ = split_front_matter(text)
        head = f"---\n{front}---\n" if front is not None else ""
        report = self.reports.get(src_uri)
        title = report.meta.title if report is not None else _title(front, body)
        self.titles[src_uri] = title
        markdown = f'\n<div class="yf-md" markdown="1">\n\n{body.strip()}\n\n</div>\n'
        view = self.plan.views.get(src_uri)
        if view is None:
            return head + "\n" + self._after(src_uri, title, markdown)
        framed = self._render(src_uri, view, Markup(BODY))
        before, _, after = framed.partition(BODY)
        return head + "\n" + self._after(src_uri, title, f"{before}\n{markdown}\n{after}")

    def feed(self) -> str:
        urls = {src: url_of(src) for src in self.sources if src.endswith(".md")}
        feed = feeds.atom(self.catalog, self.info, urls, self.config.site_url, self.config.site_name)
        return self.env.get_template("partials/youfu/atom.xml.html").render(
            feed=feed, site_name=self.config.site_name, publisher=self.config.extra.get("publisher"))

    def sitemap(self) -> str:
        listed = [(url_of(src), self._files_of(src)) for src in sorted(self.sources)
                  if src.endswith(".md") and src not in NOT_SEARCHED]
        return self.env.get_template("partials/youfu/sitemap.xml.html").render(
            entries=feeds.sitemap(listed, self.info, self.config.site_url))

    # -- helpers --------------------------------------------------------------------------

    def _render(self, src_uri: str, view: View, body: Markup) -> str:
        template = self.env.get_template(f"partials/youfu/{view.template}")
        page = self._page(src_uri)
        return template.render(
            body=body, page=page, config=self.config, info=self.info, notes=Notes(), today=self.today,
            site_root="../" * page.url.count("/") or "./", url=self._linker(src_uri), **view.context)

    def _page(self, src_uri: str) -> PageRef:
        url = url_of(src_uri)
        return PageRef(src_uri=src_uri, url=url,
                       canonical_url=(self.config.site_url + url) if self.config.site_url else None)

    def _files_of(self, src_uri: str) -> tuple[str, ...]:
        """The repository files a page is made from: the data behind it, or its Markdown."""
        view = self.plan.views.get(src_uri)
        if view is not None and view.files:
            return view.files
        return () if src_uri in self.titles_generated else (f"content/{src_uri}",)

    def _linker(self, src_uri: str) -> Callable[[str], str]:
        def url(target: str) -> str:
            if target not in self.sources:
                raise GenerateError(f"{src_uri}: 链接的页面 {target} 不存在（模板或数据里的链接有误）")
            return relative_url(url_of(target), url_of(src_uri))
        return url

    def _after(self, src_uri: str, title: str, body: str) -> str:
        """The page body followed by its change history and its search metadata
        (partials/youfu/after.html)."""
        files = self._files_of(src_uri)
        history = self.env.get_template("partials/youfu/history.html").render(
            yf_updated=self.info.updated(*files), yf_change_note=pages.change_note(self.plan, src_uri))
        meta = None if src_uri in NOT_SEARCHED else pages.search_meta(self.catalog, self.plan, src_uri)
        search = aliases = lexicon = None
        if meta is not None:
            search = _json({"title": title, **{k: list(v) if isinstance(v, tuple) else v for k, v in meta.items()}})
        if src_uri == "search/index.md":  # what `youfu index` needs besides the pages: pinyin and words
            found = synonyms.lexicon(self.catalog)
            aliases = _json(pinyin.aliases(pinyin.catalog_names(self.catalog)))
            lexicon = _json({"words": sorted(found.words), "synonyms": [list(g) for g in found.synonyms],
                             "english": {k: list(v) for k, v in sorted(found.english.items())}})
        after = self.env.get_template("partials/youfu/after.html").render(
            after_class=AFTER, history=Markup(history.strip()), search=search, aliases=aliases, lexicon=lexicon)
        return f"{body.strip()}\n\n{after}"


def _json(value: Any) -> str:
    """JSON text for an attribute (the template escapes it)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _title(front: str | None, body: str) -> str:
    """A hand-written page's title: its front matter `title`, else its first `# ` heading."""
    import yaml

    if front:
        meta = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if isinstance(meta, dict) and meta.get("title"):
            return str(meta["title"])
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def environment(overrides: Path) -> jinja2.Environment:
    """Our partials' Jinja environment: autoescaped, with the functions the partials use."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(overrides)), autoescape=True,
                             keep_trailing_newline=True)
    env.globals.update(topic_uri=pages.topic_uri, year_uri=pages.year_uri, year_title=pages.year_title,
                       format_number=figures.format_number, qr_svg=qr.svg)
    return env


def url_of(src_uri: str) -> str:
    """The address of the page made from `src_uri` (use_directory_urls is off): a/b.md → a/b.html."""
    return src_uri[:-3] + ".html" if src_uri.endswith(".md") else src_uri


def relative_url(target: str, page: str) -> str:
    """`target` (a site address) as seen from the page at `page`."""
    relative = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return relative if relative != "." else "./"


# ---------------------------------------------------------------------------
# Writing the tree
# ---------------------------------------------------------------------------


def sync(out: Path, files: dict[str, bytes]) -> Result:
    """Make `out` hold exactly `files`, writing only those whose bytes differ."""
    _claim(out)
    result = Result(total=len(files))
    for relative, content in files.items():
        path = out / relative
        try:
            if path.read_bytes() == content:
                continue
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, content)
        result.written.append(relative)
    wanted = set(files) | {MARKER}
    for dirpath, dirnames, filenames in os.walk(out, topdown=False):
        for name in filenames:
            relative = Path(dirpath, name).relative_to(out).as_posix()
            if relative not in wanted:
                Path(dirpath, name).unlink()
                result.removed.append(relative)
        if Path(dirpath) != out and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return result


def _claim(out: Path) -> None:
    """Make sure `out` is ours: new, empty, or marked by an earlier generate."""
    if out.exists() and not out.is_dir():
        raise GenerateError(f"{out} 已存在且不是文件夹；请换一个位置")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise GenerateError(f"{out} 不是 youfu 生成的文件夹（没有 {MARKER}），为免误删，不会写入；请指定一个空文件夹")
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.is_file():
        marker.write_text("youfu generate 生成的文件夹：其中的文件会被覆盖或删除，请不要在这里编辑。\n", encoding="utf-8")


def write_atomically(path: Path, content: bytes) -> None:
    """Replace `path` in one step: an engine watching the tree never reads half a file."""
    handle, temporary = tempfile.mkstemp(prefix=".", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def describe(result: Result) -> str:
    return f"已生成 {result.total} 个文件（改动 {len(result.written)} 个，删除 {len(result.removed)} 个）"


def meta_of(attribute: str) -> dict[str, Any]:
    """The search metadata a page carries (the inverse of the marker written above)."""
    return json.loads(html.unescape(attribute))
