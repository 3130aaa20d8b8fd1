"""Contributors' Markdown, made harmless, and the checks that tell them why.

Every page under content/ is written by many hands through git. Two layers keep what
they write from running script or reaching other websites:

* `sanitize(html)` is applied by the MkDocs hook to the HTML that Markdown made of
  every page, before it reaches a template: an allow-list (nh3, a binding to the Rust
  sanitizer ammonia) keeps only the tags, attributes, classes and addresses that the
  Markdown extensions of mkdocs.yml produce. No event attributes, no `style`, no
  `javascript:`/`vbscript:`/`data:` addresses however they are spelt (the HTML parser
  decodes entities first, and control characters and white space inside a scheme are
  removed as browsers do), no image or other resource from another origin.
* `check_markdown(text, shown, first_line)` refuses, at validation time, what the
  sanitizer would remove, naming file and line, so that contributors learn: raw HTML,
  links and images with addresses the site does not allow, titles with markup, and
  any other construction whose output the sanitizer would change.

The sanitizer is the guarantee; the check is the explanation. The page's
Content-Security-Policy (security.py) is a third layer should both fail.
"""
from __future__ import annotations

import html
import re
import threading
from html.parser import HTMLParser
from typing import Callable

import markdown
import nh3
from markdown.inlinepatterns import HtmlInlineProcessor
from markdown.preprocessors import Preprocessor

from .problems import Problem

# ---------------------------------------------------------------------------
# Markdown as the site renders it (tests/test_security.py keeps this identical to
# mkdocs.yml; MkDocs always adds toc, tables and fenced_code before the configured ones).
# ---------------------------------------------------------------------------

MARKDOWN_EXTENSIONS = ("toc", "tables", "fenced_code", "abbr", "admonition", "def_list", "md_in_html",
                       "pymdownx.details", "pymdownx.superfences")


def markdown_configs() -> dict[str, dict]:
    from pymdownx.slugs import slugify

    return {
        "toc": {"permalink": True, "permalink_title": "本节链接", "slugify": slugify(case="lower")},
        # align="right" rather than style="text-align: right": no style attribute is needed
        # anywhere, and Material's stylesheet aligns cells by this attribute.
        "tables": {"use_align_attribute": True},
    }


# ---------------------------------------------------------------------------
# The allow-list
# ---------------------------------------------------------------------------

TAGS = frozenset({
    "a", "abbr", "blockquote", "br", "code", "dd", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "span", "strong",
    "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
})

# Removed together with everything inside them (other tags not allowed lose the tag, keep the text).
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "template", "textarea", "title", "noscript", "iframe", "frame", "frameset",
    "object", "embed", "applet", "svg", "math", "xmp", "noembed", "noframes", "select", "button",
    "audio", "video", "canvas", "plaintext", "head", "meta", "link", "base",
})

ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "div": {"class"},
    "p": {"class"},
    "span": {"class"},
    "details": {"class", "open"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
ALIGN = {"td": {"align": {"left", "right", "center"}}, "th": {"align": {"left", "right", "center"}}}

# Material's admonition types (and the two modifiers that place a box beside the text).
ADMONITION_TYPES = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success",
    "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure",
    "fail", "missing", "danger", "error", "bug", "example", "quote", "cite", "inline", "end",
})
CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"headerlink"}),  # the toc extension's permalink after each heading
    "div": frozenset({"admonition", "highlight", "toc"}) | ADMONITION_TYPES,
    "details": ADMONITION_TYPES,
    "p": frozenset({"admonition-title"}),
    "span": frozenset({"filename"}),  # a code block's title; Pygments' classes are added below
}

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # for text links; images: none


def _pygments_classes() -> frozenset[str]:
    try:
        from pygments.token import STANDARD_TYPES
    except ImportError:  # pragma: no cover - Pygments comes with Material
        return frozenset()
    return frozenset(name for name in STANDARD_TYPES.values() if name)


_PYGMENTS = _pygments_classes()
# Pygments names a token type without a short name after its parent: "l-Scalar-Plain".
_PYGMENTS_LONG = re.compile(r"^([a-z0-9]{1,3})(?:-[A-Z][A-Za-z0-9]*)+$")


def _class_allowed(tag: str, name: str) -> bool:
    if name in CLASSES.get(tag, ()):
        return True
    if tag == "span":
        if name in _PYGMENTS:
            return True
        long = _PYGMENTS_LONG.match(name)
        return bool(long and long.group(1) in _PYGMENTS)
    return False


# ---------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_STRIP = "".join(chr(c) for c in range(0x21)) + "\x7f"  # C0 controls, space and DEL at either end
_INSIDE = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL


def url_problem(value: str, *, image: bool) -> str | None:
    """Why an address (already entity-decoded, as an HTML parser gives it) may not be used:
    None when it may. Text links may be relative or http(s)/mailto/tel; images only relative
    (a file of this site)."""
    url = _INSIDE.sub("", value.strip(_STRIP))
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if image:
            return "remote" if name in ("http", "https") else f"scheme:{name}"
        return None if name in LINK_SCHEMES else f"scheme:{name}"
    if re.match(r"^[/\\]{2}", url):  # //host/… : another site, whatever the page's scheme
        return "remote"
    return None


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        kept = [name for name in value.split() if _class_allowed(tag, name)]
        return " ".join(kept) or None
    if attr == "href":
        return value if url_problem(value, image=False) is None else None
    if attr == "src":
        return value if url_problem(value, image=True) is None else None
    if attr == "title":  # shown as a tooltip: plain text only
        return value.replace("<", "").replace(">", "")
    if attr == "id":  # Material's own elements use ids that start with "__" (#__drawer, #__config)
        return None if value.startswith("__") else value
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    tag_attribute_values={tag: {a: set(v) for a, v in values.items()} for tag, values in ALIGN.items()},
    attribute_filter=_attribute_filter,
    url_schemes=set(LINK_SCHEMES),
    strip_comments=True,
    link_rel=None,  # no target attribute is allowed, so links cannot reach their opener
)


REGION = '<div class="yf-md">'  # what the engine makes of generate's markdown="1" block
_DIV = re.compile(r"<(/?)div\b[^>]*>", re.I)


def sanitize_regions(page_html: str) -> str:
    """A built page with every region of contributors' Markdown (`<div class="yf-md">` …
    its matching `</div>`) cleaned by `sanitize`; our own templates' HTML around them is
    left as it is. Runs after any engine, on every page (pipeline.finish_page)."""
    out, at = [], 0
    while (start := page_html.find(REGION, at)) != -1:
        inner = start + len(REGION)
        depth, end = 1, len(page_html)
        for tag in _DIV.finditer(page_html, inner):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.start()
                break
        out.append(page_html[at:inner])
        out.append(sanitize(page_html[inner:end]))
        at = end
    out.append(page_html[at:])
    return "".join(out)


def sanitize(fragment: str) -> str:
    """The HTML fragment with everything outside the allow-list removed."""
    return _CLEANER.clean(fragment)


# ---------------------------------------------------------------------------
# Validation: what the sanitizer would change, with file and line
# ---------------------------------------------------------------------------


class _Renderer:
    """Markdown with the site's extensions, that records the raw HTML it meets (blocks and
    inline tags) and puts it in the page as text: what is left is what the Markdown syntax
    itself makes, to be checked on its own (raw HTML is refused in any case)."""

    def __init__(self) -> None:
        self.raw: list[str] = []
        self.md = md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), extension_configs=markdown_configs())
        raw = self.raw
        block = md.preprocessors["html_block"]
        inline = md.inlinePatterns["html"]

        class RecordBlocks(Preprocessor):
            def run(self, lines: list[str]) -> list[str]:
                stash = md.htmlStash.rawHtmlBlocks
                before = len(stash)
                lines = block.run(lines)
                for index in range(before, len(stash)):
                    raw.append(str(stash[index]))
                    stash[index] = html.escape(str(stash[index]), quote=False)
                return lines

        class RecordInline(HtmlInlineProcessor):
            def handleMatch(self, m, data):  # noqa: N802 - Markdown's name
                piece = self.backslash_unescape(self.unescape(m.group(1)))
                raw.append(piece)
                return self.md.htmlStash.store(html.escape(piece, quote=False)), m.start(0), m.end(0)

        md.preprocessors.register(RecordBlocks(md), "html_block", 20)
        md.inlinePatterns.register(RecordInline(inline.compiled_re.pattern, md), "html", 90)

    def render(self, text: str) -> tuple[list[str], str]:
        """(raw HTML pieces in the text, HTML of the text with raw HTML shown as text)."""
        self.raw.clear()
        self.md.reset()
        html_out = self.md.convert(text)
        return list(self.raw), html_out

    def render_plain(self, text: str) -> str:
        return self.render(text)[1]


_LOCAL = threading.local()


def _renderer() -> _Renderer:
    renderer = getattr(_LOCAL, "renderer", None)
    if renderer is None:
        renderer = _LOCAL.renderer = _Renderer()
    return renderer


class _Tokens(HTMLParser):
    """An HTML fragment as comparable tokens: tags with their (decoded) attributes, and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.positions: list[int] = []  # where each element's start tag is in tokens

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.positions.append(len(self.tokens))
        self.tokens.append(("<", tag, tuple(sorted(attributes.items()))))
        self.elements.append((tag, attributes))

    def as_explained(self, explained: set[tuple[int, str]]) -> list[tuple]:
        """The tokens with the attributes already explained by a problem filtered as the
        sanitizer filters them: what is left to differ is not explained yet."""
        tokens = list(self.tokens)
        for element, attr in explained:
            tag, attributes = self.elements[element]
            kept = dict(attributes)
            value = _attribute_filter(tag, attr, kept.pop(attr))
            if value is not None:
                kept[attr] = value
            tokens[self.positions[element]] = ("<", tag, tuple(sorted(kept.items())))
        return tokens

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tokens.append(("</", tag))

    def handle_data(self, data):
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("text", data))

    def handle_comment(self, data):
        self.tokens.append(("comment", data))


def _tokens(fragment: str) -> _Tokens:
    parser = _Tokens()
    parser.feed(fragment)
    parser.close()
    return parser


_TAG_NAME = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)\s*(/?>)?")


def _show_tag(piece: str) -> str:
    """A short, recognisable form of a raw HTML piece's first tag: <div>, <img …>, </p>, <!-- … -->."""
    piece = piece.strip()
    if piece.startswith("<!--"):
        return "<!-- … -->"
    name = _TAG_NAME.match(piece)
    if not name:
        return piece[:12] + ("…" if len(piece) > 12 else "")
    slash, tag, closed = name.groups()
    return f"<{slash}{tag}>" if closed else f"<{slash}{tag} …>"


def _short_url(url: str) -> str:
    url = url.strip()
    return url if len(url) <= 40 else url[:39] + "…"


class _Lines:
    """Finds where a piece of rendered output was written in the source."""

    def __init__(self, text: str, first_line: int):
        self.text = text
        self.first_line = first_line
        self.lines = text.split("\n")
        self.start: dict[str, int] = {}  # needle → where to look for its next occurrence

    def _line_at(self, index: int) -> int:
        return self.first_line + self.text.count("\n", 0, index)

    def find(self, needle: str) -> int | None:
        """The line where `needle` starts: exactly as written, or with its white space
        standing for any white space, indentation or blockquote marks, or with entities."""
        needle = needle.strip()
        if not needle:
            return None
        start = self.start.get(needle, 0)
        index = self.text.find(needle, start)
        if index < 0:
            words = [re.escape(w) for w in needle.split()]
            loose = re.compile(r"[\s>]*".join(words), re.I)
            found = loose.search(self.text, start) or loose.search(self.text)
            index = found.start() if found else -1
        if index >= 0:
            self.start[needle] = index + 1
            return self._line_at(index)
        for number, line in enumerate(self.lines):  # written with entities: &#106;avascript:…
            if needle in html.unescape(line):
                return self.first_line + number
        return None

    def bisect(self, present: Callable[[str], bool]) -> int:
        """The first line by which `present(prefix)` holds (for what cannot be found by text)."""
        low, high = 1, len(self.lines)
        if not present("\n".join(self.lines)):
            return self.first_line
        while low < high:
            middle = (low + high) // 2
            if present("\n".join(self.lines[:middle])):
                high = middle
            else:
                low = middle + 1
        return self.first_line + low - 1


def _subject(shown: str) -> str:
    return "报告正文" if shown.startswith("content/reports/") else "页面正文"


# Without any of these, Markdown (with the extensions above) makes only paragraphs, headings
# with plain ids, emphasis, lists, tables, quotes, code and rules, all on the allow-list:
# raw HTML and autolinks need "<"; links, images and reference definitions "](", "][" or
# "]:"; abbreviations "*["; admonitions and details "!!!" or "???"; fenced code with options
# a fence; a heading id starting with "__" an underscore. Such a text needs no rendering
# (most reports: tests/test_security.py checks the claim on the shipped pages).
QUICK_SIGNS = ("<", "](", "]:", "][", "*[", "!!!", "???", "_", "```", "~~~")


# Bounds that keep the check (and the engine's Markdown, which takes seconds on a few thousand
# nested "![" and grows faster than the text) linear: no report needs more.
MAX_LINE_CHARS = 20_000
MAX_BRACKETS_PER_PARAGRAPH = 500


def check_markdown(text: str, shown: str, first_line: int = 1) -> list[Problem]:
    """Problems with a Markdown body (`text`, starting at line `first_line` of the file
    `shown`): everything in it that the sanitizer would remove or change."""
    too_much = _out_of_bounds(text, shown, first_line)
    if too_much:
        return too_much  # not rendered: that is what could take minutes
    if not any(sign in text for sign in QUICK_SIGNS):
        return []
    return full_check(text, shown, first_line)


def _out_of_bounds(text: str, shown: str, first_line: int) -> list[Problem]:
    """Lines too long, and paragraphs with more brackets than any text needs (found in one pass)."""
    subject = _subject(shown)
    problems: list[Problem] = []
    start, brackets, told = first_line, 0, False
    for number, line in enumerate(text.split("\n"), start=first_line):
        if len(line) > MAX_LINE_CHARS:
            problems.append(Problem(path=shown, line=number, message=(
                f"{subject}的一行最多 {MAX_LINE_CHARS:,} 个字符（第{number}行有 {len(line):,} 个）；请分段")))
        if not line.strip():
            start, brackets, told = number + 1, 0, False
            continue
        brackets += line.count("[")
        if brackets > MAX_BRACKETS_PER_PARAGRAPH and not told:
            told = True
            problems.append(Problem(path=shown, line=start, message=(
                f"{subject}的一段里最多用 {MAX_BRACKETS_PER_PARAGRAPH} 个方括号 [（第{start}行起的这一段更多）："
                "这么多链接或图片的写法无法检查；请分段，或删去多余的方括号")))
    return problems


def full_check(text: str, shown: str, first_line: int = 1) -> list[Problem]:
    """check_markdown without the quick way out for texts with none of QUICK_SIGNS."""
    renderer = _renderer()
    raw, rendered = renderer.render(text)
    lines = _Lines(text, first_line)
    subject = _subject(shown)
    problems: list[Problem] = []

    def add(line: int, message: str) -> None:
        problems.append(Problem(path=shown, line=line, message=message))

    html_lines: set[int] = set()
    for piece in raw:
        if re.fullmatch(r"\s*", piece):
            continue
        line = lines.find(piece) or lines.find(piece.strip().split("\n")[0]) or first_line
        if line not in html_lines:  # the first tag on a line (or on the lines a tag spans) is enough
            html_lines.update(range(line, line + piece.strip().count("\n") + 1))
            add(line, f"{subject}不能包含 HTML 标签或脚本（第{line}行的 {_show_tag(piece)}）；请只用 Markdown")

    tokens = _tokens(rendered)
    findings = _findings(tokens)
    for kind, tag, value, detail in (f[2:] for f in findings):
        if kind == "url":
            line = lines.find(value) or lines.bisect(
                lambda prefix, v=value: any(a.get("href", a.get("src")) == v
                                            for _, a in _tokens(renderer.render_plain(prefix)).elements))
            add(line, _url_message(subject, line, tag, value, detail))
        elif kind == "title":
            line = lines.find(value) or first_line
            add(line, f"{subject}里链接、图片或缩写的说明文字不能包含 < 或 >（第{line}行）；请改用《》或删掉这两个符号")
        else:  # an admonition's type
            line = lines.find(detail) or first_line
            add(line, f"{subject}里提示框的类型必须是 note、info、tip、warning、danger 等 Material 提供的类型之一"
                      f"（第{line}行写的是 \"{detail}\"）")
    if _unexplained(tokens, findings, rendered):

        def unexplained_in(prefix: str) -> bool:
            html_prefix = renderer.render_plain(prefix)
            prefix_tokens = _tokens(html_prefix)
            return _unexplained(prefix_tokens, _findings(prefix_tokens), html_prefix)

        line = lines.bisect(unexplained_in)
        add(line, f"{subject}只能用段落、标题、列表、表格、代码、链接和提示框这些 Markdown 写法"
                  f"（第{line}行附近的写法本站不支持，生成网页时会被去掉）")
    return sorted(set(problems))


def _findings(tokens: _Tokens) -> list[tuple[int, str, str, str, str, str]]:
    """What the Markdown syntax made that the sanitizer changes and a message can explain:
    (element, attribute, kind, tag, value, detail) for addresses, titles with markup and
    admonition types the theme does not have."""
    found = []
    for element, (tag, attributes) in enumerate(tokens.elements):
        for attr, value in attributes.items():
            reason = None
            if attr == "href" and tag == "a":
                reason = url_problem(value, image=False)
            elif attr == "src" and tag == "img":
                reason = url_problem(value, image=True)
            if reason is not None:
                found.append((element, attr, "url", tag, value, reason))
            elif attr == "title" and re.search(r"[<>]", value):
                found.append((element, attr, "title", tag, value, ""))
            elif attr == "class" and tag in ("div", "details"):
                unknown = [name for name in value.split() if not _class_allowed(tag, name)]
                if unknown and ("admonition" in value.split() or tag == "details"):
                    found.append((element, attr, "admonition", tag, value, unknown[0]))
    return found


def _unexplained(tokens: _Tokens, findings: list, rendered: str) -> bool:
    """Whether the sanitizer changes more in `rendered` (whose tokens are `tokens`) than
    `findings` explain."""
    explained = {(f[0], f[1]) for f in findings}
    return tokens.as_explained(explained) != _tokens(sanitize(rendered)).tokens


def _url_message(subject: str, line: int, tag: str, value: str, reason: str) -> str:
    if tag == "img":
        shown = _short_url(value) if reason == "remote" else reason.split(":", 1)[1] + ": 地址"
        return (f"{subject}里的图片只能用本站的文件（第{line}行的 {shown}）；"
                "请把图片放进 content/ 文件夹，用相对路径引用")
    if reason == "remote":
        return (f"{subject}里的链接不能以 // 开头（第{line}行）；其他网站的网址请写完整，"
                "以 https:// 开头")
    scheme = reason.split(":", 1)[1]
    return (f"{subject}里的链接不能用 {scheme}: 地址（第{line}行）；链接只能写本站页面的相对路径，"
            "或以 https://、http://、mailto:、tel: 开头的网址")
