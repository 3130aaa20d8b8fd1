"""Contributors' Markdown never runs script or reaches other origins, and every page
carries a strict Content-Security-Policy.

Three layers, each tested on its own as well as together:
* `youfu validate` refuses what the sanitizer would remove, with `path:line`;
* the sanitizer (youfu/sanitize.py) removes it from every page's rendered Markdown;
* the page's Content-Security-Policy stops script and other-origin loads should both fail.
Expected outputs and messages here are written by hand.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, build, built, serve

# ---------------------------------------------------------------------------
# The sanitizer on its own: hand-written input → hand-written output
# ---------------------------------------------------------------------------

SANITIZE_CASES = [
    # script, handlers and elements that load or navigate
    ("<p>文字<script>alert(1)</script></p>", "<p>文字</p>"),
    ('<img src="x" onerror="alert(1)">', '<img src="x">'),
    ("<svg><script>alert(1)</script></svg>之后", "之后"),
    ('<svg onload="alert(1)"><circle r="1"></circle></svg>', ""),
    ('<iframe src="https://evil.invalid/"></iframe>', ""),
    ('<object data="https://evil.invalid/x"></object><embed src="https://evil.invalid/y">', ""),
    ('<meta http-equiv="refresh" content="0;url=https://evil.invalid/">', ""),
    ('<base href="https://evil.invalid/">', ""),
    ('<form action="https://evil.invalid/"><input name="q"><button>提交</button></form>', ""),
    ("<input autofocus onfocus=alert(1)>", ""),
    ('<video><source onerror="alert(1)"></video>', ""),
    ("<style>body{background:url(https://evil.invalid/s.png)}</style><p>t</p>", "<p>t</p>"),
    ('<p style="background:url(https://evil.invalid/x.png)">t</p>', "<p>t</p>"),
    ("<!-- <img src=x onerror=alert(1)> -->t", "t"),
    ('<details open ontoggle="alert(1)"><summary>s</summary></details>', '<details open=""><summary>s</summary></details>'),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    # link addresses: every spelling of a script scheme goes; text links to web, mail, phone stay
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="jav&NewLine;ascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="javascript&colon;alert(1)">x</a>', "<a>x</a>"),
    ('<a href="  javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="&#1;javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
    ('<a href="data:text/html,hi">x</a>', "<a>x</a>"),
    ('<a href="file:///etc/passwd">x</a>', "<a>x</a>"),
    ('<a href="//evil.invalid/">x</a>', "<a>x</a>"),
    ('<a href="/\\evil.invalid/">x</a>', "<a>x</a>"),
    ('<a href="https://example.org/a?b=1&amp;c=2" title="说明">x</a>',
     '<a href="https://example.org/a?b=1&amp;c=2" title="说明">x</a>'),
    ('<a href="mailto:a@example.org">m</a><a href="tel:+861012345678">t</a>',
     '<a href="mailto:a@example.org">m</a><a href="tel:+861012345678">t</a>'),
    ('<a href="../other.html#part">x</a>', '<a href="../other.html#part">x</a>'),
    ('<a href="https://example.org/" target="_blank" rel="opener" ping="https://evil.invalid/">x</a>',
     '<a href="https://example.org/">x</a>'),
    # images: only files of this site
    ('<img src="https://evil.invalid/x.png" alt="a">', '<img alt="a">'),
    ('<img src="//evil.invalid/x.png">', "<img>"),
    ('<img src="data:image/png;base64,AAAA">', "<img>"),
    ('<img src="images/a.png" alt="图" title="t" />', '<img src="images/a.png" alt="图" title="t">'),
    ('<img src="images/a.png" srcset="https://evil.invalid/x.png 2x">', '<img src="images/a.png">'),
    # titles are plain text (no markup for a tooltip to interpret)
    ('<abbr title="&lt;img src=x onerror=alert(1)&gt;">X</abbr>', '<abbr title="img src=x onerror=alert(1)">X</abbr>'),
    # classes and ids: only what Markdown's extensions make
    ('<div class="admonition md-header yf-notice note"><p class="admonition-title">t</p></div>',
     '<div class="admonition note"><p class="admonition-title">t</p></div>'),
    ('<details class="note" open="open"><summary>s</summary><p>x</p></details>',
     '<details class="note" open="open"><summary>s</summary><p>x</p></details>'),
    ('<h2 id="结论">结论<a class="headerlink" href="#结论" title="本节链接">¶</a></h2>',
     '<h2 id="结论">结论<a class="headerlink" href="#结论" title="本节链接">¶</a></h2>'),
    ('<h2 id="__drawer">x</h2>', "<h2>x</h2>"),
    ('<span class="nt">a</span><span class="l l-Scalar l-Scalar-Plain">1</span><span class="md-header">x</span>',
     '<span class="nt">a</span><span class="l l-Scalar l-Scalar-Plain">1</span><span>x</span>'),
    ('<div class="highlight"><pre><span></span><code>a: 1\n</code></pre></div>',
     '<div class="highlight"><pre><span></span><code>a: 1\n</code></pre></div>'),
    ('<table><tbody><tr><td align="right">1</td><td align="justify">2</td><td style="text-align: right;">3</td></tr></tbody></table>',
     '<table><tbody><tr><td align="right">1</td><td>2</td><td>3</td></tr></tbody></table>'),
    ('<ol start="3" reversed><li>x</li></ol>', "<ol><li>x</li></ol>"),
    # text stays text
    ("<p>a &lt;b&gt; &amp; ¶</p>", "<p>a &lt;b&gt; &amp; ¶</p>"),
    ("<pre><code>&lt;script&gt;</code></pre>", "<pre><code>&lt;script&gt;</code></pre>"),
    ("<dl><dt>a</dt><dd>b</dd></dl><blockquote><p>q</p></blockquote><hr><br>",
     "<dl><dt>a</dt><dd>b</dd></dl><blockquote><p>q</p></blockquote><hr><br>"),
    ("<ul><li><strong>甲</strong>：<em>乙</em> <code>丙</code></li></ul>",
     "<ul><li><strong>甲</strong>：<em>乙</em> <code>丙</code></li></ul>"),
]


@pytest.mark.parametrize("given, expected", SANITIZE_CASES, ids=[c[0][:40] for c in SANITIZE_CASES])
def test_sanitize_keeps_only_the_allow_list(given, expected):
    from youfu.sanitize import sanitize

    assert sanitize(given) == expected


# ---------------------------------------------------------------------------
# check_markdown: refused with path:line, in Chinese
# ---------------------------------------------------------------------------

R = "content/reports/test-city/2014-zongjie.md"


def html_msg(path: str, line: int, tag: str, subject: str = "报告正文") -> str:
    return f"{path}:{line}: {subject}不能包含 HTML 标签或脚本（第{line}行的 {tag}）；请只用 Markdown"


def link_msg(path: str, line: int, scheme: str) -> str:
    return (f"{path}:{line}: 报告正文里的链接不能用 {scheme}: 地址（第{line}行）；链接只能写本站页面的相对路径，"
            "或以 https://、http://、mailto:、tel: 开头的网址")


def protocol_relative_msg(path: str, line: int) -> str:
    return f"{path}:{line}: 报告正文里的链接不能以 // 开头（第{line}行）；其他网站的网址请写完整，以 https:// 开头"


def image_msg(path: str, line: int, shown: str) -> str:
    return (f"{path}:{line}: 报告正文里的图片只能用本站的文件（第{line}行的 {shown}）；"
            "请把图片放进 content/ 文件夹，用相对路径引用")


def title_msg(path: str, line: int) -> str:
    return f"{path}:{line}: 报告正文里链接、图片或缩写的说明文字不能包含 < 或 >（第{line}行）；请改用《》或删掉这两个符号"


def admonition_msg(path: str, line: int, kind: str) -> str:
    return (f"{path}:{line}: 报告正文里提示框的类型必须是 note、info、tip、warning、danger 等 Material 提供的类型之一"
            f'（第{line}行写的是 "{kind}"）')


def generic_msg(path: str, line: int) -> str:
    return (f"{path}:{line}: 报告正文只能用段落、标题、列表、表格、代码、链接和提示框这些 Markdown 写法"
            f"（第{line}行附近的写法本站不支持，生成网页时会被去掉）")


def check(text: str, path: str = R, first_line: int = 1) -> list[str]:
    from youfu.sanitize import check_markdown

    return [str(p) for p in check_markdown(text, path, first_line)]


def test_check_markdown_accepts_every_construction_the_site_uses():
    text = ("## 小节\n\n段落，**加粗**、*强调*、`代码`。\n\n- 一\n- 二\n\n1. 甲\n2. 乙\n\n> 引用\n\n"
            "| 项目 | 数 |\n| --- | ---: |\n| 甲 | 1 |\n\n!!! note \"注意\"\n    提示框正文\n\n??? warning \"展开\"\n    折叠\n\n"
            "术语\n:   解释\n\n*[HTML]: 超文本标记语言\n\nHTML 一词\n\n```yaml\na: 1\n```\n\n"
            "[本站](../other.md) [外站](https://www.gov.cn/) <https://example.org/> [写信](mailto:a@example.org) "
            "[电话](tel:+861012345678) ![图](images/a.png \"说明\")\n\n&lt;不是标签&gt; {{ 模板 }}\n")
    assert check(text) == []


def test_check_markdown_names_file_and_line_for_each_problem():
    text = ("第一段。\n\n"                                   # 10, 11
            "文字 <img\nsrc=x\nonerror=alert(1)> 文字\n\n"     # 12-14, 15
            "[点我](\njavascript:alert(1))\n\n"              # 16-17, 18
            "![图][r]\n\n"                                   # 19, 20
            "[r]: https://evil.invalid/x.png\n\n"            # 21, 22
            "<a href=x>一</a> 和 <b>二</b>\n")                # 23: one message for the line
    assert check(text, first_line=10) == [
        html_msg(R, 12, "<img …>"),
        link_msg(R, 17, "javascript"),
        image_msg(R, 21, "https://evil.invalid/x.png"),
        html_msg(R, 23, "<a …>"),
    ]


def test_check_markdown_on_a_hand_written_page_says_page_text():
    assert check("# 标题\n\n<div>块</div>\n", "content/about.md") == [
        html_msg("content/about.md", 3, "<div>", subject="页面正文")]


@pytest.mark.parametrize("text, expected", [
    ("[a](&#106;avascript:alert(1))", [link_msg(R, 1, "javascript")]),
    ("[a](java&#x09;script:alert(1))", [link_msg(R, 1, "javascript")]),
    ("[a](JaVaScRiPt:alert(1))", [link_msg(R, 1, "javascript")]),
    ("[a](javascript&colon;alert(1))", [link_msg(R, 1, "javascript")]),
    ("x\n\n[a][v]\n\n[v]:\n    VBScript:msgbox(1)", [link_msg(R, 6, "vbscript")]),
    ("[a](data:text/html,hi)", [link_msg(R, 1, "data")]),
    ("[a](file:///etc/passwd)", [link_msg(R, 1, "file")]),
    ("[a](//evil.invalid/)", [protocol_relative_msg(R, 1)]),
    ("![a](//evil.invalid/x.png)", [image_msg(R, 1, "//evil.invalid/x.png")]),
    ("![a](data:image/png;base64,AAAA)", [image_msg(R, 1, "data: 地址")]),
    ("*[X]: &lt;img src=x onerror=alert(1)&gt;\n\nX", [title_msg(R, 1)]),
    ('[a](https://www.gov.cn/ "&lt;b&gt;")', [title_msg(R, 1)]),
    ('x\n\n!!! md-header "假页眉"\n    正文', [admonition_msg(R, 3, "md-header")]),
    ("x\n\n## __config\n", [generic_msg(R, 3)]),
    ("[a](javascript:alert(1))\n\n## __config\n", [link_msg(R, 1, "javascript"), generic_msg(R, 3)]),
    ("> 引用 <img\n> src=x onerror=alert(1)>", [html_msg(R, 1, "<img …>")]),
    ("- 项目 <span\n  onmouseover=alert(1)>悬停</span>", [html_msg(R, 1, "<span …>")]),
    ("a\n\n<!-- 注释 -->\n", [html_msg(R, 3, "<!-- … -->")]),
    ("<javascript:alert(1)>", [html_msg(R, 1, "<javascript …>")]),
    # attr_list is not enabled: these are plain text, and harmless
    ('段落\n{: onclick="alert(1)" }', []),
    ('[a](https://www.gov.cn/){: href="javascript:alert(1)" }', []),
])
def test_check_markdown_refuses_what_the_sanitizer_removes(text, expected):
    assert check(text) == expected


SIGN_FREE = [  # Markdown with none of QUICK_SIGNS: everything it makes is on the allow-list
    "# 标题\n\n## 小节\n\n### 小小节\n\n#### 四级\n\n##### 五级\n\n###### 六级",
    "标题\n===\n\n小节\n---\n\n段落 **加粗** *强调* `代码` 行末两个空格  \n换行",
    "- 一\n- 二\n    - 嵌套\n\n1. 甲\n2. 乙\n\n* 星号\n+ 加号",
    "> 引用\n>\n> > 嵌套引用\n\n---\n\n***",
    "| 左 | 中 | 右 |\n| :-- | :-: | --: |\n| 1 | 2 | 3 |",
    "术语\n:   解释一\n:   解释二",
    "    缩进的代码 &lt;b&gt; & 符号\n\n[TOC]\n\n## 目录里的小节",
    "&lt;img src=x onerror=alert(1)&gt; &#60;script&#62; &amp; &copy; {{ 模板 }} {% raw %}",
    "[不是链接] (javascript:alert(1)) [又一个]\n\n[TOC]",
]


def test_texts_without_quick_signs_need_no_check():
    """The quick way out of check_markdown is sound: for such texts the full check finds
    nothing, and the sanitizer leaves their HTML as it is (checked with another parser)."""
    from youfu.sanitize import QUICK_SIGNS, _renderer, full_check, sanitize

    bodies = list(SIGN_FREE)
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        if not any(sign in body for sign in QUICK_SIGNS):
            bodies.append(body)
    assert len(bodies) >= len(SIGN_FREE) + 10
    for body in bodies:
        assert not any(sign in body for sign in QUICK_SIGNS), body
        assert full_check(body, R) == [], body
        rendered = _renderer().render(body)[1]
        assert tag_soup(sanitize(rendered)) == tag_soup(rendered), body


def tag_soup(fragment: str) -> list:
    """Start tags with their (decoded) attributes, end tags and text, via the standard library."""
    out: list = []

    class Soup(HTMLParser):
        def handle_starttag(self, tag, attrs):
            out.append((tag, sorted((k, v or "") for k, v in attrs)))

        def handle_startendtag(self, tag, attrs):  # <br /> is <br>
            self.handle_starttag(tag, attrs)

        def handle_endtag(self, tag):
            out.append("/" + tag)

        def handle_data(self, data):
            if out and isinstance(out[-1], str) and out[-1].startswith("text:"):
                out[-1] += data
            else:
                out.append("text:" + data)

    parser = Soup(convert_charrefs=True)
    parser.feed(fragment)
    parser.close()
    return out


def test_every_shipped_page_passes_the_check():
    """The check can be applied to every page under content/ (not only reports)."""
    from youfu.sanitize import check_markdown

    pages = sorted((ROOT / "content").rglob("*.md"))
    assert len(pages) > 20
    for path in pages:
        text = path.read_text(encoding="utf-8")
        first_line = 1
        if text.startswith("---\n"):
            end = text.index("\n---\n", 4) + len("\n---\n")
            first_line = text[:end].count("\n") + 1
            text = text[end:]
        assert check_markdown(text, path.relative_to(ROOT).as_posix(), first_line) == [], path


def test_validator_renders_markdown_as_mkdocs_yml_says():
    """sanitize.py renders with the extensions of mkdocs.yml (plus MkDocs' own toc, tables,
    fenced_code); attr_list is off, and so are Material's tooltips. md_in_html is on for
    generate's own wrapper block only: contributors' raw HTML is refused (tests below)."""
    from mkdocs.utils import yaml_load

    from youfu.sanitize import MARKDOWN_EXTENSIONS, markdown_configs

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        config = yaml_load(f)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = options
    assert list(MARKDOWN_EXTENSIONS) == ["toc", "tables", "fenced_code", *(n for n in names if n not in ("toc", "tables"))]
    assert "attr_list" not in names
    assert "content.tooltips" not in config["theme"]["features"]
    mine = markdown_configs()
    assert mine["tables"] == configs["tables"] == {"use_align_attribute": True}
    for key in ("permalink", "permalink_title"):
        assert mine["toc"][key] == configs["toc"][key]
    assert mine["toc"]["slugify"]("关于 The Site", "-") == configs["toc"]["slugify"]("关于 The Site", "-") == "关于-the-site"


# ---------------------------------------------------------------------------
# Every built page: the policy first in <head>, nothing inline
# ---------------------------------------------------------------------------


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


EXPECTED_POLICY = {  # written by hand: what the site needs and no more
    "default-src": ["'none'"], "script-src": ["'self'"], "style-src": ["'self'"], "img-src": ["'self'", "data:"],
    "font-src": ["'self'"], "connect-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("security-site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


class PageFacts(HTMLParser):
    """What the security test needs to know of a built page, read with the standard
    library's parser (the site's code writes the tag with Jinja and sanitizes with nh3)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.head_tags: list[tuple[str, dict]] = []
        self.in_head = False
        self.inline_scripts: list[str] = []
        self.script_type = None
        self.handlers: list[str] = []
        self.style_attributes = 0
        self.style_elements = 0
        self.bad_urls: list[str] = []
        self.csp_metas = 0

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "head":
            self.in_head = True
        elif self.in_head:
            self.head_tags.append((tag, attributes))
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "content-security-policy":
            self.csp_metas += 1
        if tag == "script":
            self.script_type = attributes.get("type", "") if "src" not in attributes else None
        if tag == "style":
            self.style_elements += 1
        for name, value in attributes.items():
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.style_attributes += 1
            if name in ("href", "src", "action", "formaction") and re.match(r"\s*(javascript|vbscript|data):", value, re.I):
                self.bad_urls.append(f"<{tag} {name}={value[:30]}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script":
            self.script_type = None

    def handle_data(self, data):
        if self.script_type is not None and data.strip() and self.script_type != "application/json":
            self.inline_scripts.append(data[:60])


@pytest.mark.build
def test_every_built_page_carries_the_strict_policy_first(shipped_site):
    from youfu.security import CSP

    assert '"' not in CSP and "<" not in CSP and "&" not in CSP  # printed into the attribute unescaped
    pages = sorted(shipped_site.rglob("*.html"))
    assert len(pages) > 100 and (shipped_site / "404.html") in pages
    for path in pages:
        raw = path.read_bytes()
        facts = PageFacts()
        facts.feed(raw.decode("utf-8"))
        where = path.relative_to(shipped_site).as_posix()
        tag, attributes = facts.head_tags[0]
        assert (tag, attributes.get("http-equiv")) == ("meta", "Content-Security-Policy"), where
        policy = directives(attributes["content"])
        assert policy == EXPECTED_POLICY, where
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
        assert facts.csp_metas == 1, where
        assert raw.find(b'<meta charset="utf-8">') < 1024, where  # browsers look for the charset there
        assert ("meta", {"name": "referrer", "content": "no-referrer"}) in facts.head_tags, where
        assert facts.inline_scripts == [], (where, facts.inline_scripts)
        assert facts.handlers == [], (where, facts.handlers)
        assert facts.style_attributes == 0 and facts.style_elements == 0, where
        assert facts.bad_urls == [], (where, facts.bad_urls)


def test_publishing_guide_quotes_the_policy_and_headers():
    from youfu.security import CSP, HEADER_CSP, HEADERS

    guide = (ROOT / "content/guide/publish.md").read_text(encoding="utf-8")
    assert HEADER_CSP == CSP + "; frame-ancestors 'self'"
    assert f"\n{CSP}\n" in guide  # the page's policy, on a line of its own
    assert f'add_header Content-Security-Policy "{HEADER_CSP}" always;' in guide
    assert "add_header X-Content-Type-Options nosniff always;" in guide
    assert "add_header Referrer-Policy no-referrer always;" in guide
    assert HEADERS["X-Content-Type-Options"] == "nosniff" and HEADERS["Referrer-Policy"] == "no-referrer"
    assert "GitHub Pages 和 GitLab Pages**：不能自己设置响应头" in guide
    assert "'unsafe-inline'" not in HEADER_CSP


# ---------------------------------------------------------------------------
# In Chromium: the whole site under its own policy
# ---------------------------------------------------------------------------

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("security-profile")
    # No name resolves except this machine's: a payload that slipped through could not
    # reach any other host even in principle (requests are also aborted below).
    args = [a for a in CHROMIUM_ARGS if a != "--headless"] + ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True, args=args)
        context.add_init_script(WATCH)
        yield context
        context.close()


@dataclass
class Visit:
    violations: list[str]
    csp_console: list[str]
    errors: list[str]
    dialogs: list[str]
    off_origin: list[str]  # requests to any other host, even if stopped
    left: list[str]  # those not stopped by the policy
    pwned: object
    page: object


LOCAL_HOSTS = {"127.0.0.1"}


class _Open:
    """A page being loaded, with everything it reports collected as it comes."""

    def __init__(self, context, url: str):
        self.page = context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.off_origin: list = []
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.console.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url, wait_until="commit")

    def _request(self, r):
        parsed = urlparse(r.url)
        if not (parsed.scheme in ("data", "blob", "about") or (parsed.scheme in ("http", "https", "file") and
                                                               (parsed.hostname or "") in LOCAL_HOSTS | {""})):
            self.off_origin.append(r)

    def poke(self):
        """Mouse and focus events on every element of the content, to fire any handler that got through."""
        self.page.evaluate("""() => {
          for (const el of document.querySelectorAll('.md-content *')) {
            for (const type of ['mouseover', 'mouseenter', 'pointerover', 'focus', 'focusin', 'animationstart']) {
              el.dispatchEvent(new Event(type, {bubbles: true}));
            }
          }
        }""")

    def result(self) -> Visit:
        page = self.page
        # A request the policy stopped never left the browser (Chromium still reports it, failed).
        left = [r.url for r in self.off_origin if r.failure not in ("csp", "net::ERR_BLOCKED_BY_CSP")]
        return Visit(violations=page.evaluate("window.__violations || []"),
                     csp_console=[m for m in self.console if "Content Security Policy" in m],
                     errors=self.errors + [m for m in self.console if "Content Security Policy" not in m],
                     dialogs=self.dialogs, off_origin=[r.url for r in self.off_origin], left=left,
                     pwned=page.evaluate("window.__pwned"), page=page)


def visit_all(context, urls: list[str], *, poke: bool = False, wait_ms: int = 150, batch: int = 6):
    """Open `urls` a few at a time (they load side by side); yield (url, Visit) for each:
    policy violations, console errors, dialogs, requests to any other host (which cannot
    resolve: see `chromium`), and whether a payload set window.__pwned. The caller closes
    each Visit's page."""
    for start in range(0, len(urls), batch):
        opened = [(url, _Open(context, url)) for url in urls[start:start + batch]]
        for _, o in opened:
            o.page.wait_for_load_state("load")
            if poke:
                o.poke()
        opened[-1][1].page.wait_for_timeout(wait_ms)
        for url, o in opened:
            yield url, o.result()


def visit(context, url: str, *, poke: bool = False, wait_ms: int = 150) -> Visit:
    return next(visit_all(context, [url], poke=poke, wait_ms=wait_ms))[1]


SEARCH_GREEN = built("search/index.md") + "?q=%E7%BB%BF%E8%89%B2%E9%80%9A%E9%81%93"  # 绿色通道


def page_kinds() -> list[str]:
    from test_browser import one_page_of_each_kind

    return one_page_of_each_kind() + [
        SEARCH_GREEN, "404.html",
        built("tech/search.md"), built("guide/publish.md"), built("guide/errors.md"), built("accessibility.md")]


@pytest.mark.browser
def test_every_kind_of_page_runs_cleanly_under_its_own_policy(chromium, shipped_site):
    with serve(shipped_site) as base:
        for path in page_kinds():
            seen = visit(chromium, base + path)
            assert seen.violations == [] and seen.csp_console == [], (path, seen.violations, seen.csp_console)
            assert seen.errors == [] and seen.off_origin == [], (path, seen.errors, seen.off_origin)
            seen.page.close()
        # The search page found something, under the policy.
        seen = visit(chromium, base + SEARCH_GREEN, wait_ms=400)
        assert seen.page.locator("#search-results li a").count() > 0
        seen.page.close()


@pytest.mark.browser
def test_the_policy_is_in_force(chromium, shipped_site):
    """A control for the test above: what the policy forbids is stopped and reported."""
    with serve(shipped_site) as base:
        seen = visit(chromium, base + "index.html")
        seen.page.evaluate("""() => {
          const s = document.createElement('script'); s.textContent = 'window.__pwned = 1'; document.body.append(s);
          const i = document.createElement('img'); i.src = 'https://evil.invalid/x.png'; document.body.append(i);
          const d = document.createElement('div'); d.setAttribute('onclick', 'window.__pwned = 2'); document.body.append(d); d.click();
          const st = document.createElement('style'); st.textContent = 'body{color:red}'; document.head.append(st);
        }""")
        seen.page.wait_for_timeout(200)
        assert seen.page.evaluate("window.__pwned") is None
        violated = {v.split()[0] for v in seen.page.evaluate("window.__violations")}
        assert {"script-src-elem", "img-src", "script-src-attr", "style-src-elem"} <= violated, violated
        seen.page.close()


@pytest.mark.browser
def test_site_opened_from_disk_searches_under_the_policy(chromium, shipped_site):
    seen = visit(chromium, (shipped_site / "index.html").as_uri())
    assert seen.violations == [] and seen.errors == []
    seen.page.fill("#yf-header-q", "绿色通道")
    seen.page.press("#yf-header-q", "Enter")
    seen.page.wait_for_load_state("load")
    seen.page.wait_for_timeout(500)
    assert seen.page.url.startswith((shipped_site / "search/index.html").as_uri())
    assert seen.page.locator("#search-results li a").count() > 0
    assert seen.page.evaluate("window.__violations") == []
    seen.page.close()


@pytest.mark.browser
def test_preview_keeps_its_live_reload_under_the_preview_policy(chromium):
    """`mkdocs serve` adds an inline live-reload script to every page it serves: the
    preview's policy lets it run (security.PREVIEW_CSP), the published pages' does not."""
    import signal
    import socket
    import time
    import urllib.request

    from youfu.security import PREVIEW_CSP

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=ROOT,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(base, timeout=5).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "mkdocs serve did not start"
                time.sleep(0.5)
        page = chromium.new_page()
        logs: list[str] = []
        page.on("console", lambda m: logs.append(m.text))
        page.goto(base + "about.html", wait_until="load")
        page.wait_for_timeout(300)
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content") == PREVIEW_CSP
        assert "Enabled live reload" in logs
        assert page.evaluate("window.__violations") == []
        page.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_preview_policy_differs_only_by_inline_scripts():
    from youfu.security import CSP, PREVIEW_CSP

    assert directives(PREVIEW_CSP) == {**directives(CSP), "script-src": ["'self'", "'unsafe-inline'"]}


# ---------------------------------------------------------------------------
# The payload corpus: validate, then build and look in Chromium
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    id: str
    markdown: str
    kind: str  # script: tries to run script; remote: to load from elsewhere; nav: to lead elsewhere; inert
    expect: tuple = ()  # (message function, line, *details): what validate says; () = accepted
    title: str | None = None


B = 12  # the payload starts on line 13 of its file (see report_text)
H, L, LR, IMG, T, A, G = "html", "link", "link-remote", "image", "title", "admonition", "generic"

CORPUS = [
    # raw HTML, on one line or split over several
    Payload("script-element", "<script>alert(1)</script>", "script", ((H, 13, "<script>"),)),
    Payload("img-onerror", "<img src=x onerror=alert(1)>", "script", ((H, 13, "<img …>"),)),
    Payload("img-split-block", '<img\nsrc=x\nonerror="alert(1)">', "script", ((H, 13, "<img …>"),)),
    Payload("img-split-inline", '文字 <img\nsrc="x" onerror="window.__pwned=1"> 文字', "script", ((H, 13, "<img …>"),)),
    Payload("svg-onload", "<svg onload=alert(1)>", "script", ((H, 13, "<svg …>"),)),
    Payload("svg-script", "<svg><script>alert(1)</script></svg>", "script", ((H, 13, "<svg>"),)),
    Payload("iframe-remote", '<iframe src="https://evil.invalid/"></iframe>', "remote", ((H, 13, "<iframe …>"),)),
    Payload("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;parent.__pwned=1&lt;/script&gt;"></iframe>', "script",
            ((H, 13, "<iframe …>"),)),
    Payload("object", '<object data="https://evil.invalid/x.swf"></object>', "remote", ((H, 13, "<object …>"),)),
    Payload("embed", '<embed src="https://evil.invalid/x.swf">', "remote", ((H, 13, "<embed …>"),)),
    Payload("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.invalid/">', "nav",
            ((H, 13, "<meta …>"),)),
    Payload("base-href", '<base href="https://evil.invalid/">', "remote", ((H, 13, "<base …>"),)),
    Payload("form-action", '<form action="https://evil.invalid/"><button>提交</button></form>', "nav",
            ((H, 13, "<form …>"),)),
    Payload("target-blank", '<a href="https://evil.invalid/" target="_blank">外链</a>', "nav", ((H, 13, "<a …>"),)),
    Payload("style-attribute-url", '<p style="background:url(https://evil.invalid/bg.png)">样式</p>', "remote",
            ((H, 13, "<p …>"),)),
    Payload("style-element-url", "<style>body{background:url(https://evil.invalid/s.png)}</style>", "remote",
            ((H, 13, "<style>"),)),
    Payload("link-stylesheet", '<link rel="stylesheet" href="https://evil.invalid/x.css">', "remote",
            ((H, 13, "<link …>"),)),
    Payload("raw-link-entity-js", '<a href="jav&#x09;ascript:alert(1)">点我</a>', "script", ((H, 13, "<a …>"),)),
    Payload("details-ontoggle", "<details open ontoggle=alert(1)><summary>s</summary></details>", "script",
            ((H, 13, "<details …>"),)),
    Payload("input-autofocus", "<input autofocus onfocus=alert(1)>", "script", ((H, 13, "<input …>"),)),
    Payload("comment", "<!-- <img src=x onerror=alert(1)> -->", "script", ((H, 13, "<!-- … -->"),)),
    Payload("math-style-mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "script",
            ((H, 13, "<math>"),)),
    Payload("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>', "script",
            ((H, 13, "<noscript>"),)),
    Payload("video-source-onerror", '<video><source onerror="alert(1)"></video>', "script", ((H, 13, "<video>"),)),
    Payload("body-onload", "<body onload=alert(1)>", "script", ((H, 13, "<body …>"),)),
    Payload("raw-remote-img", '<img src="https://evil.invalid/pixel.png">', "remote", ((H, 13, "<img …>"),)),
    Payload("raw-data-link", '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">点我</a>', "script",
            ((H, 13, "<a …>"),)),
    Payload("blockquote-split", "> 引用 <img\n> src=x onerror=alert(1)>", "script", ((H, 13, "<img …>"),)),
    Payload("list-split", "- 项目 <span\n  onmouseover=alert(1)>悬停</span>", "script", ((H, 13, "<span …>"),)),
    Payload("angle-js", "<javascript:alert(1)>", "script", ((H, 13, "<javascript …>"),)),
    # Markdown links: every spelling of a script address, also split over lines
    Payload("md-js", "[点我](javascript:alert(1))", "script", ((L, 13, "javascript"),)),
    Payload("md-js-case", "[点我](JaVaScRiPt:alert(1))", "script", ((L, 13, "javascript"),)),
    Payload("md-js-entity", "[点我](&#106;avascript:alert(1))", "script", ((L, 13, "javascript"),)),
    Payload("md-js-tab-entity", "[点我](java&#x09;script:alert(1))", "script", ((L, 13, "javascript"),)),
    Payload("md-js-newline-entity", "[点我](jav&NewLine;ascript:alert(1))", "script", ((L, 13, "javascript"),)),
    Payload("md-js-colon-entity", "[点我](javascript&colon;alert(1))", "script", ((L, 13, "javascript"),)),
    Payload("md-js-next-line", "[点我](\njavascript:alert(1))", "script", ((L, 14, "javascript"),)),
    Payload("md-ref-next-line", "[点我][r]\n\n[r]:\n    javascript:alert(1)", "script", ((L, 16, "javascript"),)),
    Payload("md-vbscript", "[点我](vbscript:msgbox(1))", "script", ((L, 13, "vbscript"),)),
    Payload("md-ref-vbscript", "[点我][v]\n\n[v]: VBScript:msgbox(1)", "script", ((L, 15, "vbscript"),)),
    Payload("md-data-link", "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "script",
            ((L, 13, "data"),)),
    Payload("md-file-link", "[点我](file:///etc/passwd)", "nav", ((L, 13, "file"),)),
    Payload("md-protocol-relative", "[点我](//evil.invalid/)", "nav", ((LR, 13),)),
    # images: only files of this site
    Payload("md-remote-img", "![图](https://evil.invalid/x.png)", "remote", ((IMG, 13, "https://evil.invalid/x.png"),)),
    Payload("md-ref-img", "![图][img]\n\n[img]: https://evil.invalid/x.png", "remote",
            ((IMG, 15, "https://evil.invalid/x.png"),)),
    Payload("md-ref-img-next-line", "![图][img]\n\n[img]:\n    https://evil.invalid/y.png", "remote",
            ((IMG, 16, "https://evil.invalid/y.png"),)),
    Payload("md-img-protocol-relative", "![图](//evil.invalid/x.png)", "remote", ((IMG, 13, "//evil.invalid/x.png"),)),
    Payload("md-img-data", "![图](data:image/svg+xml;base64,PHN2Zy8+)", "remote", ((IMG, 13, "data: 地址"),)),
    Payload("md-img-js", "![图](javascript:alert(1))", "script", ((IMG, 13, "javascript: 地址"),)),
    # titles a tooltip could have shown as HTML
    Payload("abbr-title", "*[HTML]: &lt;img src=x onerror=alert(1)&gt;\n\nHTML 是一个缩写。", "script", ((T, 13),)),
    # an abbreviation of Han characters never matches inside a sentence (no word boundary):
    # nothing is made of it, so nothing is refused
    Payload("abbr-title-unused", "*[优抚]: &lt;img src=x onerror=alert(1)&gt;\n\n优抚对象的说明。", "script"),
    Payload("link-title", '[点我](https://www.gov.cn/ "&lt;img src=x onerror=alert(1)&gt;")', "script", ((T, 13),)),
    # classes and ids of the site's own chrome
    Payload("admonition-class", '!!! md-header "假页眉"\n    冒充网站的页眉。', "inert", ((A, 13, "md-header"),)),
    Payload("heading-id-clobber", "## __config", "inert", ((G, 13),)),
    # accepted: harmless as written (attr_list is off, entities and code stay text)
    Payload("attr-list-paragraph", '段落文字\n{: onclick="alert(1)" }', "script"),
    Payload("attr-list-link", '[点我](https://www.gov.cn/){: href="javascript:alert(1)" }', "script"),
    Payload("attr-list-heading", '## 小标题 {: autofocus onfocus="alert(1)" tabindex="1" }', "script"),
    Payload("attr-list-emphasis", '*强调*{: onmouseover="window.__pwned=1" }', "script"),
    Payload("heading-entities", "## 标题 &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;", "script"),
    Payload("code-span", "`<script>alert(1)</script>`", "script"),
    Payload("fenced-html", "```html\n<img src=x onerror=alert(1)>\n```", "script"),
    Payload("autolink-remote", "<https://evil.invalid/>", "nav"),
    Payload("entity-text", "&lt;img src=x onerror=alert(1)&gt;", "script"),
    Payload("template-syntax", "{{ config.extra }} {% raw %}", "inert"),
    Payload("mail-and-phone", "[写信](mailto:a@example.org) [电话](tel:+861012345678)", "inert"),
    Payload("front-matter-title", "正文。", "script",
            title="载荷 &lt;/title&gt;&lt;img src=x onerror=window.__pwned=1&gt;"),
]

BUREAU = "anon-000-1"
AFTER = "载荷之后的一段正文。"


def report_text(payload: Payload, number: int) -> str:
    title = payload.title or f"载荷测试 {number:02d} {payload.id}"
    return ("---\n"
            f"title: '{title}'\n"
            f"bureau: {BUREAU}\n"
            "year: 2020\n"
            "kind: 计划\n"
            "topics: [优抚医疗]\n"
            "sample: true\n"
            "sources:\n"
            "  - {file: 000_0b875094854758bf.txt, part: 篇一, where: 全篇}\n"
            "---\n"
            "这是载荷测试页面，下面一段是要检查的写法。\n"  # line 11
            "\n"
            f"{payload.markdown}\n"  # line 13
            f"\n{AFTER}\n")


def report_path(number: int) -> str:
    return f"content/reports/{BUREAU}/payload-{number:02d}.md"


def expected_messages(payload: Payload, path: str) -> list[str]:
    out = []
    for kind, line, *details in payload.expect:
        out.append({H: lambda: html_msg(path, line, details[0]), L: lambda: link_msg(path, line, details[0]),
                    LR: lambda: protocol_relative_msg(path, line), IMG: lambda: image_msg(path, line, details[0]),
                    T: lambda: title_msg(path, line), A: lambda: admonition_msg(path, line, details[0]),
                    G: lambda: generic_msg(path, line)}[kind]())
    return out


def test_corpus_is_large_and_varied():
    assert len(CORPUS) >= 40
    assert len({p.id for p in CORPUS}) == len(CORPUS)
    assert sum(1 for p in CORPUS if not p.expect) >= 10 and sum(1 for p in CORPUS if p.expect) >= 40


# A build with validation switched off (and, for the third layer on its own, without the
# sanitizer): every payload reaches the page, so that the sanitizer and the policy are
# each seen to hold even for what validate would have refused.
BYPASS = """
import sys
sys.path.insert(0, "hooks")
import youfu.sanitize as s
import youfu.catalog
check, allow = s.check_markdown, lambda *args, **kwargs: []
for name, module in list(sys.modules.items()):
    if name.startswith("youfu") and getattr(module, "check_markdown", None) is check:
        module.check_markdown = allow
load = youfu.catalog.load_catalog
youfu.catalog.load_catalog = lambda *args, **kwargs: (load(*args, **kwargs)[0], [])  # every other check too
import youfu.linkcheck
youfu.linkcheck.broken_links = lambda *args, **kwargs: ([], 0)  # payloads such as src=x point nowhere
if sys.argv[2] == "unsanitized":
    s.sanitize = lambda html: html
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--no-strict", "--site-dir", sys.argv[1]]  # MkDocs warns of some payloads too
cli()
"""


# Front matter and headings of hand-written pages (not validated as reports are): Material
# prints titles and descriptions unescaped; the hook and overrides/main.html keep them text.
HOSTILE_PAGES = [
    ("content/about.md", "title: 关于本站", "title: '关于本站 <img src=x onerror=window.__pwned=11>'"),
    ("content/accessibility.md", "description: 本站为方便老年读者和残障读者使用所做的工作、检查方法和已知不足。",
     "description: '\"><img src=x onerror=window.__pwned=12> 本站的无障碍说明'"),
    ("content/accessibility.md", "# 无障碍声明", "# 无障碍声明 &lt;/title&gt;&lt;img src=x onerror=window.__pwned=13&gt;"),
]


def bypass_build(project: Path, out: Path, mode: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-c", BYPASS, str(out), mode], cwd=project, capture_output=True,
                            text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory):
    target = tmp_path_factory.mktemp("corpus") / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info",
                                                                ".pytest_cache", "node_modules"))
    for number, payload in enumerate(CORPUS, start=1):
        (target / report_path(number)).write_text(report_text(payload, number), encoding="utf-8")
    # A hand-written page (not a report) with every payload: the sanitizer covers all pages.
    (target / "content/payloads.md").write_text(
        "# 载荷页面\n\n" + "\n\n".join(p.markdown for p in CORPUS if not p.title) + f"\n\n{AFTER}\n", encoding="utf-8")
    return target


@pytest.mark.build
def test_validate_refuses_each_payload_with_its_line(corpus_project):
    result = subprocess.run([sys.executable, "-m", "youfu", "validate"], cwd=corpus_project, capture_output=True,
                            text=True, env={"PYTHONPATH": str(corpus_project / "hooks"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    expected = sorted(m for n, p in enumerate(CORPUS, start=1) for m in expected_messages(p, report_path(n)))
    reports = [line for line in lines[:-1] if line.startswith("content/reports/")]
    page = [line for line in lines[:-1] if not line.startswith("content/reports/")]
    assert reports == expected
    # The hand-written page holding every payload is refused too (its lines are checked by the
    # browser test below, which builds it with validation switched off).
    assert page and all(line.startswith("content/payloads.md:") and "页面正文" in line for line in page)
    total = len(lines) - 1
    assert lines[-1] == f"数据中共有 {total} 个问题，网站没有生成（{total} problems found in the data; nothing was built）。"


def pages_of(base: str) -> list[tuple[Payload, str]]:
    return [(p, base + built(report_path(n).removeprefix("content/"))) for n, p in enumerate(CORPUS, start=1)]


def dom_problems(page, scope: str = ".yf-md") -> list[str]:
    """What must not be in a sanitized page, as Chromium parsed it: event attributes anywhere;
    in the part made from Markdown (`scope`), elements, attributes and addresses outside
    the allow-list."""
    return page.evaluate("""(scope) => {
      const out = [];
      if (!document.querySelector(scope)) out.push('no ' + scope + ' on the page: nothing was checked');
      const allowed = new Set(['P','H1','H2','H3','H4','H5','H6','A','ABBR','BLOCKQUOTE','BR','CODE','DD','DETAILS',
        'DIV','DL','DT','EM','HR','IMG','LI','OL','PRE','SPAN','STRONG','SUMMARY','TABLE','TBODY','TD','TH',
        'THEAD','TR','UL','MARK']);  // MARK: search results highlight the words found
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) if (a.name.startsWith('on')) out.push(el.tagName + ' ' + a.name);
      }
      for (const summary of document.querySelectorAll(scope)) {
        for (const el of summary.querySelectorAll('*')) {
          if (!allowed.has(el.tagName)) out.push('element ' + el.tagName);
          for (const name of ['style', 'target', 'srcset', 'ping', 'action', 'formaction', 'background'])
            if (el.hasAttribute(name)) out.push(el.tagName + ' ' + name);
        }
        for (const a of summary.querySelectorAll('a[href]')) {
          const url = new URL(a.href, location.href);
          if (!['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol)) out.push('link ' + a.href);
        }
        for (const img of summary.querySelectorAll('img')) {
          if (img.hasAttribute('src') && new URL(img.src).origin !== location.origin) out.push('image ' + img.src);
        }
      }
      return out;
    }""", scope)


def assert_harmless(seen: Visit, payload: Payload, where: str, *, dom: bool) -> None:
    """No dialog, no handler run, no request to another host; with `dom`, nothing outside the
    allow-list in the page either (without it, the policy alone: requests it stopped are fine)."""
    assert seen.dialogs == [], (where, payload.id, seen.dialogs)
    assert seen.pwned is None, (where, payload.id)
    assert (seen.off_origin if dom else seen.left) == [], (where, payload.id, seen.off_origin)
    if dom:
        assert dom_problems(seen.page) == [], (where, payload.id)


@pytest.mark.build
@pytest.mark.browser
def test_every_payload_is_harmless_in_the_browser(chromium, corpus_project, tmp_path_factory):
    """Validation switched off, every payload in its own report page:
    (1) as built: sanitizer and policy; (2) the policy's meta tag removed: the sanitizer
    alone; (3) built without the sanitizer: the policy alone must stop every script and
    every load from another origin (navigation is not a policy's job: left out there).
    Hand-written pages in the navigation get hostile front matter and headings too, so
    that every page's navigation, header and <title> carry them."""
    project = tmp_path_factory.mktemp("corpus-pages") / "project"
    shutil.copytree(corpus_project, project)
    for relative, old, new in HOSTILE_PAGES:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, relative
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    site = tmp_path_factory.mktemp("corpus-site")
    bypass_build(project, site, "sanitized")

    bare = tmp_path_factory.mktemp("corpus-no-policy")
    shutil.copytree(site, bare, dirs_exist_ok=True)
    meta = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?')
    for path in bare.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert len(meta.findall(text)) == 1, path
        path.write_text(meta.sub("", text), encoding="utf-8")

    unsanitized = tmp_path_factory.mktemp("corpus-unsanitized")
    bypass_build(project, unsanitized, "unsanitized")

    for label, folder in (("sanitizer and policy", site), ("sanitizer alone", bare)):
        with serve(folder) as base:
            pages = dict((url, p) for p, url in pages_of(base))
            for url, seen in visit_all(chromium, list(pages), poke=True):
                payload = pages[url]
                assert_harmless(seen, payload, label, dom=True)
                if not payload.expect:  # accepted as written: the text after it is still there
                    assert AFTER in seen.page.locator(".yf-md").inner_text(), (label, payload.id)
                if payload.title:  # shown as the text it spells, in the tab and the page
                    assert seen.page.title() == "载荷 </title><img src=x onerror=window.__pwned=1> - 优抚医疗信息"
                    assert seen.page.locator("h1").first.inner_text().startswith(
                        "载荷 &lt;/title&gt;&lt;img src=x onerror=window.__pwned=1&gt;")
                seen.page.close()
            # the hand-written page with every payload, pages with hostile titles, and search
            # results listing the payload pages
            seen = visit(chromium, base + "payloads.html", poke=True)
            assert_harmless(seen, CORPUS[0], label + ", hand-written page", dom=False)
            assert dom_problems(seen.page, "article.md-content__inner") == [], label
            seen.page.close()
            for path in ("about.html", "accessibility.html"):
                seen = visit(chromium, base + path, poke=True)
                assert_harmless(seen, CORPUS[0], f"{label}, {path}", dom=False)
                assert dom_problems(seen.page, "article.md-content__inner") == [], (label, path)
                assert seen.page.locator("head img, body > img").count() == 0
                seen.page.close()
            # as text: a tag in a front matter title is dropped (MkDocs itself drops what a
            # heading's entities spell), a description stays inside its attribute
            seen = visit(chromium, base + "accessibility.html")
            assert seen.page.title() == "无障碍声明 - 优抚医疗信息"
            assert seen.page.locator("meta[name=description]").get_attribute("content") == '"> 本站的无障碍说明'
            nav = seen.page.locator(".md-nav").first.inner_text()
            assert "关于本站\n" in nav and "<img" not in nav
            seen.page.close()
            seen = visit(chromium, base + built("search/index.md") + "?q=%E8%BD%BD%E8%8D%B7", poke=True, wait_ms=400)
            assert_harmless(seen, CORPUS[0], label + ", search", dom=False)
            assert dom_problems(seen.page, "#search-results") == [], label
            assert seen.page.locator("#search-results li a").count() > 0
            seen.page.close()

    with serve(unsanitized) as base:
        pages = dict((url, p) for p, url in pages_of(base) if p.kind in ("script", "remote")
                     and any(e[0] == H for e in p.expect))  # raw HTML that tries to run script or load elsewhere
        reported = set()
        for url, seen in visit_all(chromium, list(pages), poke=True):
            # also follow every script address a link has (the sanitizer would have removed it)
            seen.page.evaluate("""() => { for (const a of document.querySelectorAll('.yf-md a[href]'))
              if (/^(javascript|vbscript):/i.test(new URL(a.href, location.href).protocol)) a.click(); }""")
            seen.page.wait_for_timeout(50)
            assert_harmless(seen, pages[url], "policy alone", dom=False)
            assert seen.page.evaluate("window.__pwned") is None and seen.dialogs == [], pages[url].id
            if seen.violations or seen.page.evaluate("window.__violations.length"):
                reported.add(pages[url].id)
            seen.page.close()
        # The policy was what stopped them: each reported a violation (written by hand; the
        # others do nothing on their own: a comment, a data: link, an unknown element, an
        # iframe whose blocked script is reported inside the frame, and the noscript mXSS,
        # whose attribute the Markdown engine writes back escaped inside the page's wrapper).
        assert reported == {
            "script-element", "img-onerror", "img-split-block", "img-split-inline", "svg-onload", "svg-script",
            "iframe-remote", "object", "embed", "base-href", "style-attribute-url", "style-element-url",
            "link-stylesheet", "raw-link-entity-js", "details-ontoggle", "input-autofocus", "math-style-mxss",
            "video-source-onerror", "body-onload", "raw-remote-img", "blockquote-split",
            "list-split"}
