"""Links and images in Markdown sources, checked before anything is built.

MkDocs checks links while it builds (and strict mode then fails, in English and
without a line number, after the site folder has been emptied). Here every relative
link and image of every page (reports and hand-written pages) is resolved the way
MkDocs resolves it (relative to the page's own file, to a `.md` file or another file
of the site) against every address the site will have, generated pages included,
and reported as `path:line` in Chinese.

Anchors (`page.md#section`) are checked the way MkDocs checks them: against the ids
in the target's own Markdown, rendered with the same Markdown extensions as
mkdocs.yml (heading ids from `pymdownx.slugs.slugify(case="lower")`, `{#id}` from
attr_list). A generated page's Markdown is only its front matter (its body comes from
a template after MkDocs has collected the ids), so MkDocs finds no anchor on it, and
neither does this check: a link into a generated page must not carry `#section`.
Anchors into other files (images, downloads) are not checked, as MkDocs does not.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Literal
from urllib.parse import unquote, urlsplit

from .problems import Problem

# What a link may point at: a page whose Markdown we have (its anchors are checked),
# a generated page (no anchors), or another file (anchors not checked).
Target = Literal["markdown", "generated", "file"]


@dataclass(frozen=True)
class Link:
    line: int
    url: str
    image: bool


# ---------------------------------------------------------------------------
# Finding links in Markdown
# ---------------------------------------------------------------------------

_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)


def mask_code(text: str) -> str:
    """`text` with fenced code blocks and code spans blanked out (line breaks and
    offsets kept): what they hold is shown as code, never used as a link or markup.
    A fence that is never closed is not code (Python-Markdown shows it as text)."""
    lines = text.split("\n")
    out = list(lines)
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening and not (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            fence = opening.group(2)
            closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            end = next((j for j in range(index + 1, len(lines)) if closing.match(lines[j])), None)
            if end is not None:
                for j in range(index, end + 1):
                    out[j] = " " * len(lines[j])
                index = end + 1
                continue
        index += 1
    masked = "\n".join(out)
    return _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), masked)


_DESTINATION = r"(<[^<>\n]*>|(?:[^\s()<>\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
_TITLE = r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?"""
_INLINE = re.compile(r"(?<!\\)(!?)\[(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*\]\(\s*" + _DESTINATION + _TITLE + r"\s*\)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[([^\]^\n][^\]\n]*)\]:[ \t]*" + _DESTINATION, re.MULTILINE)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def find_links(body: str, first_line: int) -> list[Link]:
    """Every inline link and image `[text](url)` / `![alt](url)` and every reference
    definition `[name]: url` outside code, with the file line it starts on."""
    if "](" not in body and "]:" not in body:
        return []  # most reports link nowhere
    text = mask_code(body)

    def line_of(offset: int) -> int:
        return first_line + text.count("\n", 0, offset)

    found = []
    for match in _INLINE.finditer(text):
        url = _clean(match.group(2))
        if url:
            found.append(Link(line=line_of(match.start()), url=url, image=match.group(1) == "!"))
    for match in _REFERENCE.finditer(text):
        url = _clean(match.group(2))
        if url:
            found.append(Link(line=line_of(match.start()), url=url, image=False))
    return sorted(found, key=lambda link: link.line)


def _clean(destination: str | None) -> str:
    url = (destination or "").strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    return _ESCAPED.sub(r"\1", url)


# ---------------------------------------------------------------------------
# Anchors: the ids MkDocs will find in a page's Markdown
# ---------------------------------------------------------------------------


def markdown_options() -> tuple[list[str], dict]:
    """The Markdown extensions of mkdocs.yml, in MkDocs' order (its built-in toc, tables
    and fenced_code first). A test compares this with mkdocs.yml as MkDocs loads it."""
    from pymdownx.slugs import slugify

    extensions = ["toc", "tables", "fenced_code", "abbr", "admonition", "def_list", "md_in_html",
                  "pymdownx.details", "pymdownx.superfences"]
    configs = {"toc": {"permalink": True, "permalink_title": "本节链接", "slugify": slugify(case="lower")},
               "tables": {"use_align_attribute": True}}
    return extensions, configs


class _Ids:
    """Renders Markdown with one reused converter and collects every `id` (and `name`
    of `<a>`), as MkDocs' own anchor collector does."""

    def __init__(self) -> None:
        import markdown
        from markdown.treeprocessors import Treeprocessor

        extensions, configs = markdown_options()
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.found: dict[str, None] = {}  # in document order
        found = self.found

        class Collect(Treeprocessor):
            def run(self, root):
                for element in root.iter():
                    if element.get("id"):
                        found[element.get("id")] = None
                    if element.tag == "a" and element.get("name"):
                        found[element.get("name")] = None

        # MkDocs collects at priority 5 right after toc (5) has named the headings.
        self.md.treeprocessors.register(Collect(self.md), "youfu_ids", 4)

    def __call__(self, body: str) -> list[str]:
        self.found.clear()
        self.md.reset()
        self.md.convert(body)
        return list(self.found)


def anchor_ids(body: str) -> list[str]:
    """Every id MkDocs would find in this Markdown, in document order."""
    return _Ids()(body)


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One Markdown page whose links are checked."""

    src_uri: str  # relative to content/
    shown: str  # as printed in messages
    links: list[Link]  # find_links of its body
    draft: bool = False  # shown only in the preview: it may link to other drafts


def check_links(sources: Iterable[Source], targets: dict[str, Target],
                body_of: Callable[[str], str | None], unpublished: set[str] = frozenset()) -> list[Problem]:
    """Every relative link and image of `sources` must point at one of `targets`
    (src paths relative to content/), and its `#anchor` must be on that page.
    `body_of(src_uri)` gives the Markdown of a "markdown" target (None if unreadable);
    it is asked only for pages that a link with an #anchor points at."""
    ids: dict[str, list[str] | None] = {}
    render = None

    def ids_of(src_uri: str) -> list[str] | None:
        nonlocal render
        if src_uri not in ids:
            body = body_of(src_uri)
            if body is None:
                ids[src_uri] = None
            else:
                render = render or _Ids()
                ids[src_uri] = render(body)
        return ids[src_uri]

    problems = []
    for source in sources:
        for link in source.links:
            message = _check(source, link, targets, ids_of)
            if message is None and not source.draft and unpublished:
                message = _to_draft(source, link, unpublished)
            if message:
                problems.append(Problem(path=source.shown, line=link.line, message=message))
    return problems


def _check(source: Source, link: Link, targets: dict[str, Target], ids_of) -> str | None:
    what = "图片" if link.image else "链接"
    url = link.url
    parts = urlsplit(url)
    # What a browser reads: character references decoded, tabs and line breaks dropped
    # ("&#106;avascript:" is javascript:); such an address is the body check's to refuse.
    seen = urlsplit(re.sub(r"[\t\n\r]", "", html.unescape(url)))
    if parts.scheme or parts.netloc or seen.scheme or seen.netloc:
        return None  # another website, mailto: … (the body check refuses the dangerous ones)
    if url.startswith(("/", "\\")):
        return f"{what} {url} 以 / 开头，换了网址就会失效；站内{what}请写相对地址，如 ../guide/index.md"
    anchor = parts.fragment
    if not parts.path:
        if anchor and not link.image:
            return _missing_anchor(what, url, anchor, source.src_uri, ids_of(source.src_uri), same_page=True)
        return None
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source.src_uri), path).lstrip("/"))
    kind = targets.get(target)
    if kind is None:
        last = target.rsplit("/", 1)[-1]
        if target.endswith(".html") and target[:-5] + ".md" in targets:
            suggestion = path[:-5] + ".md"
            return (f"{what} {url} 要写成 {suggestion}（写 Markdown 文件的名字，生成网站时会自动换成网页地址）")
        if "." not in last:
            return (f"{what} {url} 没有指向一个文件；站内{what}要写到文件名，"
                    f"页面写 .md 文件，如 ../guide/index.md")
        if target.startswith("../") or target == "..":
            return f"{what} {url} 指到了网站以外；请检查 ../ 的层数"
        thing = "图片文件" if link.image else ("页面" if target.endswith(".md") else "文件")
        return f"{what} {url} 指向的{thing} {target} 不存在；请检查文件名和 ../ 的层数"
    if not anchor or link.image:
        return None
    if kind == "generated":
        return (f"{what} {url} 中的 #{anchor} 无效：{target} 是自动生成的页面，没有可以直接链接的小节；"
                f"请去掉 #{anchor}")
    if kind == "markdown":
        return _missing_anchor(what, url, anchor, target, ids_of(target), same_page=target == source.src_uri)
    return None


def _to_draft(source: Source, link: Link, unpublished: set[str]) -> str | None:
    parts = urlsplit(link.url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source.src_uri), unquote(parts.path)).lstrip("/"))
    if target not in unpublished:
        return None
    what = "图片" if link.image else "链接"
    return (f"{what} {link.url} 指向草稿 {target}（draft: true）：发布的网站里没有这一页，链接会失效；"
            "请等它发布后再加这个链接，或把本页也标为草稿")


def _missing_anchor(what: str, url: str, anchor: str, target: str, present: list[str] | None,
                    *, same_page: bool) -> str | None:
    if present is None or anchor in present:
        return None
    hint = (f"（可链接的有：{'、'.join('#' + i for i in present[:6])}{' 等' if len(present) > 6 else ''}）"
            if present else "（那里没有可链接的小节）")
    if same_page:
        return f"{what} {url} 在本页里找不到这一小节{hint}；请按小节标题改正 # 后面的部分"
    return f"{what} {url} 中的 #{anchor} 在 {target} 里找不到{hint}；请按小节标题改正 # 后面的部分"
