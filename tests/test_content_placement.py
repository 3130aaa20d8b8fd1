"""Where files may go under content/ (and what may not be in content/ or data/), addresses
made twice, links and anchors in Markdown, and a failed build leaving the site folder
as it was.

Every expected message is written out by hand; each rule has a case that passes and
a case that fails.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUREAUS_YML
from helpers import ROOT, build, engine_build

from youfu.catalog import load_catalog

REPORT = """\
---
title: 测试市卫生局2014年工作总结
bureau: test-city
year: 2014
kind: 总结
topics: [征兵体检]
sources:
  - {file: 001_89d13becceec202a.txt, part: 篇1, where: 全篇}
---

## 背景

测试正文。
"""
R = "content/reports/test-city/2014-zongjie.md"

PAGE = """\
---
title: 帮助
---

# 帮助

## 怎样读

正文。
"""

RULE = "报告必须放在 content/reports/<部门 id>/<文件名>.md（部门 id 见 data/bureaus.yml）"
DOT = "content/ 里不能有以“.”开头的{}（网站不会收录它，链接到它也会失效）；请去掉名字开头的“.”，或删除它"
def symlink(target) -> str:
    return f"不能是符号链接（指向 {target}；网站只收录仓库里真正的文件）；请把文件本身复制到这里，或删除这个链接"


FIFO = "必须是普通文件（这里是命名管道 FIFO，读取它会一直等下去）；请删除它，换成普通的文本文件"
FIX_LINK = "请检查文件名和 ../ 的层数"
FIX_ANCHOR = "请按小节标题改正 # 后面的部分"


def problems(repo, files: dict[str, str | bytes], setup=None) -> list[str]:
    root = repo({R: REPORT, **files})
    if setup:
        setup(root)
    _, found = load_catalog(root)
    return [str(p) for p in sorted(found)]


def with_links(*lines: str) -> str:
    """REPORT (13 lines) with one paragraph per line added after it, each after a blank
    line: the first at line 15, the second at line 17 …"""
    return REPORT + "".join(f"\n{line}\n" for line in lines)


# ---------------------------------------------------------------------------
# Reports: only content/reports/<bureau>/<slug>.md
# ---------------------------------------------------------------------------


def test_a_report_in_its_bureau_folder_passes(repo):
    assert problems(repo, {}) == []


@pytest.mark.parametrize("path, expected", [
    ("content/reports/test-city/2015-jihua.markdown",
     ['content/reports/test-city/2015-jihua.markdown:1: Markdown 文件的扩展名必须是 .md（现在是 .markdown），'
      '否则不会被检查；请改名为 "2015-jihua.md"']),
    ("content/reports/test-city/2015-jihua.MD",
     ['content/reports/test-city/2015-jihua.MD:1: Markdown 文件的扩展名必须是 .md（现在是 .MD），'
      '否则不会被检查；请改名为 "2015-jihua.md"']),
    ("content/reports/index.md",
     [f"content/reports/index.md:1: content/reports/index.md 会与自动生成的报告列表页重名，网站不能收录它；{RULE}"]),
    ("content/reports/2015-jihua.md",
     [f"content/reports/2015-jihua.md:1: content/reports/ 下不能直接放文件；{RULE}"]),
    ("content/reports/test-city/2015/jihua.md",
     ["content/reports/test-city/2015:1: content/reports/test-city/ 里不能再分文件夹；报告直接放在部门文件夹里，"
      "如 content/reports/test-city/2014-zongjie.md"]),
    ("content/reports/test-city/2015_Jihua.md",
     ['content/reports/test-city/2015_Jihua.md:1: 报告文件名只能用小写字母 a-z、数字和单个连字符，以 .md 结尾'
      '（现在是 "2015_Jihua.md"）；请改名，如 2014-zongjie.md']),
    ("content/reports/test-city/2015--jihua.md",
     ['content/reports/test-city/2015--jihua.md:1: 报告文件名只能用小写字母 a-z、数字和单个连字符，以 .md 结尾'
      '（现在是 "2015--jihua.md"）；请改名，如 2014-zongjie.md']),
    ("content/reports/Test_City/2015-jihua.md",
     ['content/reports/Test_City:1: content/reports/ 下的文件夹名必须是部门 id：只用小写字母 a-z、数字和单个连字符'
      f'（现在是 "Test_City"）；{RULE}']),
    ("content/reports/years/2014.md",
     ["content/reports/years:1: content/reports/years/ 是自动生成的报告列表所用的地址，不能用作部门文件夹；"
      "部门 id 不能是 page、years、topics"]),
    ("content/reports/test-city/notes.txt",
     ["content/reports/test-city/notes.txt:1: content/reports/test-city/ 里只能放报告（.md）和报告用到的图片"
      "（png、jpg、jpeg、webp、gif）；请删除或移走这个文件"]),
    ("content/reports/test-city/chart.svg",
     ["content/reports/test-city/chart.svg:1: content/reports/test-city/ 里只能放报告（.md）和报告用到的图片"
      "（png、jpg、jpeg、webp、gif）；请删除或移走这个文件"]),
], ids=["markdown-extension", "upper-case-extension", "reports-index", "shallower", "deeper", "bad-slug",
        "double-dash", "bad-folder", "generated-folder", "other-type", "svg-beside-report"])
def test_anything_else_under_reports_is_refused(repo, path, expected):
    assert problems(repo, {path: REPORT}) == expected


def test_an_image_beside_its_report_passes(repo):
    assert problems(repo, {"content/reports/test-city/chart.png": b"\x89PNG\r\n"}) == []


def test_a_refused_file_is_not_loaded_as_a_report(repo):
    """A .markdown file with broken front matter gives the placement message only."""
    assert problems(repo, {"content/reports/test-city/x.markdown": "no front matter"}) == [
        'content/reports/test-city/x.markdown:1: Markdown 文件的扩展名必须是 .md（现在是 .markdown），'
        '否则不会被检查；请改名为 "x.md"']


# ---------------------------------------------------------------------------
# Hand-written pages: content/*.md, content/guide/*.md, content/tech/*.md
# ---------------------------------------------------------------------------

GOOD_PAGE = """\
---
title: 新页面
description: 一句说明。
hide: [toc]
---

# 新页面

代码里的 `<script>` 只是文字。

```html
<b>也只是文字</b> [不是链接](nowhere.md)
```
"""


def test_a_good_hand_written_page_passes(repo):
    assert problems(repo, {"content/guide/new-page.md": GOOD_PAGE, "content/tech/other.md": "# 其他\n",
                           "content/about.md": PAGE}) == []


@pytest.mark.parametrize("path, text, expected", [
    ("content/guide/new-page.md", GOOD_PAGE.replace("hide: [toc]", "hide: [toc]\ntemplate: redirect.html"),
     ["content/guide/new-page.md:5: 这里不能有键 template；可以用的键：title, description, hide"]),
    ("content/guide/new-page.md", GOOD_PAGE.replace("hide: [toc]", "hide: [sidebar]"),
     ['content/guide/new-page.md:4: hide[1] 只能是 navigation、toc、footer、path、tags、feedback'
      ' 之一（现在写的是 "sidebar"）']),
    ("content/guide/new-page.md", "---\n- title\n---\n\n# 新页面\n",
     ["content/guide/new-page.md:2: 页面设置必须是“名称: 值”的形式（可用 title、description、hide）；"
      "请改正 --- 之间的内容"]),
    ("content/guide/new-page.md", "template: redirect.html\n\n# 新页面\n",
     ["content/guide/new-page.md:1: 第一行形如“名称: 值”，会被当成页面设置；页面设置要写在两行 --- 之间"
      "（可用 title、description、hide）；是正文的话，请在它前面空一行或改写"]),
    ("content/guide/new-page.md", "---\ntitle: 新页面\n\n# 新页面\n",
     ["content/guide/new-page.md:1: 页面开头的 --- 没有配对：页面设置（title 等）要写在两行 --- 之间；"
      "请在设置后面补一行 ---"]),
    ("content/guide/new-page.md", GOOD_PAGE + "\n<script>alert(1)</script>\n",
     ["content/guide/new-page.md:15: 页面正文不能包含 HTML 标签或脚本（第15行的 <script>）；请只用 Markdown"]),
    ("content/guide/new-page.md", "# Page\n\n新页面用 GBK 保存。\n".encode("gbk"),
     ["content/guide/new-page.md:3: 文件必须以 UTF-8 编码保存（字节 0xd0 不是 UTF-8；可能存成了 GBK/GB2312，"
      "请另存为 UTF-8）"]),
    ("content/guide/Add_Page.md", GOOD_PAGE,
     ['content/guide/Add_Page.md:1: 页面文件名只能用小写字母 a-z、数字和单个连字符，以 .md 结尾'
      '（现在是 "Add_Page.md"）；请改名，如 add-report.md']),
    ("content/guide/notes.txt", "笔记",
     ["content/guide/notes.txt:1: content/guide/ 里只能放页面（.md）和页面用到的图片（png、jpg、jpeg、webp、gif）；"
      "请删除或移走这个文件"]),
    ("content/guide/more/new-page.md", GOOD_PAGE,
     ["content/guide/more:1: content/guide/ 里不能再分文件夹；页面直接放在 content/guide/ 下"]),
    ("content/news/new-page.md", GOOD_PAGE,
     ["content/news:1: content/ 里只能有 assets/、guide/、reports/、tech/ 这几个文件夹；页面放在 content/、"
      "content/guide/ 或 content/tech/ 下，报告放在 content/reports/<部门 id>/ 下"]),
], ids=["unknown-key", "unknown-hide", "front-matter-list", "settings-without-dashes", "unclosed-front-matter",
        "html", "gbk", "bad-name", "other-type", "subfolder", "unknown-folder"])
def test_hand_written_pages_are_checked(repo, path, text, expected):
    assert problems(repo, {path: text}) == expected


# ---------------------------------------------------------------------------
# Assets
# ---------------------------------------------------------------------------


def test_stylesheets_scripts_images_and_fonts_in_assets_pass(repo):
    files = {f"content/assets/{name}": "x" for name in
             ("site.css", "extra.min.js", "logo.svg", "photo.jpeg", "favicon.ico", "fonts/noto-sans.woff2")}
    assert problems(repo, files) == []


@pytest.mark.parametrize("path, expected", [
    ("content/assets/run.php",
     ["content/assets/run.php:1: content/assets/ 里只能放以下类型的文件（css、js、svg、png、jpg、jpeg、webp、gif、ico、"
      "woff、woff2）；请删除或移走这个文件"]),
    ("content/assets/page.md",
     ["content/assets/page.md:1: content/assets/ 里只能放以下类型的文件（css、js、svg、png、jpg、jpeg、webp、gif、ico、"
      "woff、woff2）；请删除或移走这个文件"]),
    ("content/assets/javascripts/bundle.js",
     ["content/assets/javascripts:1: content/assets/javascripts/ 是网站主题自己的文件夹，放在这里会替换主题的文件；"
      "请把文件直接放在 content/assets/ 下，或换一个文件夹名"]),
], ids=["php", "markdown", "theme-folder"])
def test_other_files_in_assets_are_refused(repo, path, expected):
    assert problems(repo, {path: "x"}) == expected


# ---------------------------------------------------------------------------
# Dotfiles, symlinks, special files
# ---------------------------------------------------------------------------


def test_dotfiles_and_dot_folders_are_refused_and_not_entered(repo):
    assert problems(repo, {"content/reports/test-city/.2015-jihua.md": REPORT,
                           "content/guide/.drafts/new-page.md": "not even front matter"}) == [
        f"content/guide/.drafts:1: {DOT.format('文件夹')}",
        f"content/reports/test-city/.2015-jihua.md:1: {DOT.format('文件')}",
    ]


def test_a_folder_symlinked_from_outside_the_repository_is_refused(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "2015-jihua.md").write_text(REPORT, encoding="utf-8")

    def link(root: Path) -> None:
        (root / "content/reports/elsewhere").symlink_to(outside, target_is_directory=True)

    assert problems(repo, {}, setup=link) == [f"content/reports/elsewhere:1: {symlink(outside)}"]


def test_a_symlink_inside_the_repository_is_refused_too(repo):
    def link(root: Path) -> None:
        (root / "content/guide").mkdir(parents=True)
        (root / "content/guide/copy.md").symlink_to("../about.md")

    assert problems(repo, {"content/about.md": PAGE}, setup=link) == [f"content/guide/copy.md:1: {symlink('../about.md')}"]


def test_a_symlinked_data_file_is_refused_and_not_read(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside-data") / "bureaus.yml"
    outside.write_text(BUREAUS_YML, encoding="utf-8")

    def link(root: Path) -> None:
        (root / "data/bureaus.yml").unlink()
        (root / "data/bureaus.yml").symlink_to(outside)

    # Only the symlink: the file is not read, and what refers to its bureaus is not checked.
    assert problems(repo, {}, setup=link) == [f"data/bureaus.yml:1: {symlink(outside)}"]


def test_fifos_are_refused_without_hanging(repo):
    """A FIFO is never opened (opening one blocks until someone writes): run in a
    subprocess with a timeout, so that a regression fails instead of hanging."""
    root = repo({R: REPORT})
    os.mkfifo(root / "content/reports/test-city/2015-jihua.md")
    (root / "data/groups.yml").unlink()
    os.mkfifo(root / "data/groups.yml")
    result = subprocess.run([sys.executable, "-m", "youfu", "validate", "--root", str(root)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [f"content/reports/test-city/2015-jihua.md:1: {FIFO}",
                                              f"data/groups.yml:1: {FIFO}"]
    assert "2 problems found" in result.stderr


def test_a_file_name_with_a_line_break_stays_on_one_line(repo):
    found = problems(repo, {"content/reports/test-city/a\nb.md": REPORT})
    assert found == ['content/reports/test-city/a\\x0ab.md:1: 报告文件名只能用小写字母 a-z、数字和单个连字符，'
                     '以 .md 结尾（现在是 "a\\x0ab.md"）；请改名，如 2014-zongjie.md']


# ---------------------------------------------------------------------------
# Addresses made twice
# ---------------------------------------------------------------------------

FACILITY = """\
- id: {id}
  name: 测试市人民医院
  kind: 综合医院
  bureau: test-city
  services: [绿色通道]
  phone: 0514-87654321
  curated: 2026-11-22
  sources:
    - {{file: 001_89d13becceec202a.txt, part: 篇1, where: 第二段}}
  status: unknown
  claim: {{kind: report, period: {{certainty: unknown}}}}
"""


def test_ids_that_make_their_own_addresses_pass(repo):
    bureaus = BUREAUS_YML + BUREAUS_YML.replace("test-city", "index-city")
    assert problems(repo, {"data/bureaus.yml": bureaus, "data/facilities.yml": FACILITY.format(id="regions-1")}) == []


def test_a_bureau_id_index_would_replace_the_list_of_bureaus(repo):
    bureaus = BUREAUS_YML + BUREAUS_YML.replace("test-city", "index")
    assert problems(repo, {"data/bureaus.yml": bureaus}) == [
        "data/bureaus.yml:7: id index 与自动生成的页面 bureaus/index.md 重名；请换一个 id"]


@pytest.mark.parametrize("facility_id, page", [("regions", "facilities/regions.md"),
                                                ("index", "facilities/index.md")])
def test_a_facility_id_colliding_with_a_generated_page(repo, facility_id, page):
    assert problems(repo, {"data/facilities.yml": FACILITY.format(id=facility_id)}) == [
        f"data/facilities.yml:1: id {facility_id} 与自动生成的页面 {page} 重名；请换一个 id"]


def test_a_page_colliding_with_what_mkdocs_makes(repo):
    assert problems(repo, {"content/404.md": PAGE}) == [
        "content/404.md:1: 页面 404.md 在网站里的地址 404.html 与自动生成的页面 404.html（找不到页面时显示） 重名；"
        "请换一个文件名"]


# ---------------------------------------------------------------------------
# Links and anchors in Markdown
# ---------------------------------------------------------------------------


def test_links_to_pages_and_files_the_site_will_have_pass(repo):
    report = with_links(
        "[部门](../../bureaus/test-city.md) [全部部门](../../bureaus/index.md) [报告列表](../index.md)",
        "[帮助](../../guide/help.md#怎样读) [帮助页](../../guide/help.md) [背景](#背景) [下载](../../downloads/facilities.csv)",
        "[另一篇](2015-jihua.md) [外站](https://example.org/a#b) [邮件](mailto:a@example.org) ![图](chart.png)",
        "`[代码](nowhere.md)` [结果](#结果) [第二个背景](#背景_1)",  # no {#id} syntax: attr_list is off
        "## 结果",
        "## 背景",
    )
    page = PAGE + "\n[报告](../reports/test-city/2014-zongjie.md#背景) [首页](../index.md) [本页](#怎样读)\n"
    assert problems(repo, {R: report, "content/reports/test-city/2015-jihua.md": REPORT.replace("2014", "2015"),
                           "content/reports/test-city/chart.png": b"\x89PNG\r\n", "content/guide/help.md": page,
                           "content/index.md": PAGE}) == []


@pytest.mark.parametrize("link, message", [
    ("[x](../x.md)", f"链接 ../x.md 指向的页面 reports/x.md 不存在；{FIX_LINK}"),
    ("[x](../../guide/nothing.md)", f"链接 ../../guide/nothing.md 指向的页面 guide/nothing.md 不存在；{FIX_LINK}"),
    ("![图](chart.png)", f"图片 chart.png 指向的图片文件 reports/test-city/chart.png 不存在；{FIX_LINK}"),
    ("[x](../../guide/help.md#没有这节)",
     f"链接 ../../guide/help.md#没有这节 中的 #没有这节 在 guide/help.md 里找不到（可链接的有：#帮助、#怎样读）；{FIX_ANCHOR}"),
    ("[x](#结果)", f"链接 #结果 在本页里找不到这一小节（可链接的有：#背景）；{FIX_ANCHOR}"),
    ("[x](../../bureaus/test-city.md#报告)",
     "链接 ../../bureaus/test-city.md#报告 中的 #报告 无效：bureaus/test-city.md 是自动生成的页面，"
     "没有可以直接链接的小节；请去掉 #报告"),
    ("[x](../../guide/help.html)",
     "链接 ../../guide/help.html 要写成 ../../guide/help.md（写 Markdown 文件的名字，生成网站时会自动换成网页地址）"),
    ("[x](/guide/help.md)", "链接 /guide/help.md 以 / 开头，换了网址就会失效；站内链接请写相对地址，如 ../guide/index.md"),
    ("[x](../../reports/)", "链接 ../../reports/ 没有指向一个文件；站内链接要写到文件名，页面写 .md 文件，如 ../guide/index.md"),
    ("[x](../../../x.md)", "链接 ../../../x.md 指到了网站以外；请检查 ../ 的层数"),
    ("[x]: ../x.md", f"链接 ../x.md 指向的页面 reports/x.md 不存在；{FIX_LINK}"),
], ids=["missing-report", "missing-page", "missing-image", "missing-anchor", "missing-own-anchor",
        "anchor-into-generated-page", "html-address", "absolute", "folder", "outside", "reference-definition"])
def test_broken_links_in_a_report_are_refused_at_their_line(repo, link, message):
    report = with_links("第一段。", link)
    assert problems(repo, {R: report, "content/guide/help.md": PAGE}) == [f"{R}:17: {message}"]


def test_broken_links_in_a_hand_written_page_are_refused_at_their_line(repo):
    page = PAGE + "\n[错](add-report.md) [报告](../reports/test-city/2014-zongjie.md#结果)\n"
    assert problems(repo, {"content/guide/help.md": page}) == [
        "content/guide/help.md:11: 链接 ../reports/test-city/2014-zongjie.md#结果 中的 #结果 在 "
        f"reports/test-city/2014-zongjie.md 里找不到（可链接的有：#背景）；{FIX_ANCHOR}",
        f"content/guide/help.md:11: 链接 add-report.md 指向的页面 guide/add-report.md 不存在；{FIX_LINK}",
    ]


def test_a_link_to_a_refused_file_is_broken_too(repo):
    """A dotfile is not built: the link to it is reported besides the file itself."""
    report = with_links("[草稿](.2015-jihua.md)")
    assert problems(repo, {R: report, "content/reports/test-city/.2015-jihua.md": REPORT}) == [
        f"content/reports/test-city/.2015-jihua.md:1: {DOT.format('文件')}",
        f"{R}:15: 链接 .2015-jihua.md 指向的页面 reports/test-city/.2015-jihua.md 不存在；{FIX_LINK}",
    ]


def test_heading_ids_follow_the_markdown_settings_of_mkdocs_yml():
    """The extensions the anchor check renders with are the ones MkDocs loads from
    mkdocs.yml, and headings get the same ids."""
    from mkdocs.config import load_config

    from youfu.links import anchor_ids, markdown_options

    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    extensions, configs = markdown_options()
    assert extensions == config.markdown_extensions
    mine, theirs = configs["toc"], config.mdx_configs["toc"]
    assert {k: v for k, v in mine.items() if k != "slugify"} == {k: v for k, v in theirs.items() if k != "slugify"}
    for text in ("第二步：建文件", "Ａ级 医院 2014年", "What's New?"):
        assert mine["slugify"](text, "-") == theirs["slugify"](text, "-")
    # Worked out by hand: Han kept, punctuation dropped, lower case, duplicates numbered; no
    # attr_list (it let contributors set attributes), so "{: #p1 }" makes no id.
    assert anchor_ids("## 第二步：建文件\n\n## Step Two\n\n## Step Two\n\n段落\n{: #p1 }\n") == [
        "第二步建文件", "step-two", "step-two_1"]


def test_the_real_site_passes_and_every_file_mkdocs_would_build_is_scanned():
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from youfu.content import scan_content

    scan, found = scan_content(ROOT)
    assert found == []
    mine = {f.src_uri for f in scan.files}
    theirs = {f.src_uri for f in get_files(load_config(config_file=str(ROOT / "mkdocs.yml")))}
    assert mine == theirs
    on_disk = {p.relative_to(ROOT / "content").as_posix() for p in (ROOT / "content").rglob("*") if p.is_file()}
    assert mine == on_disk


# ---------------------------------------------------------------------------
# A failed build leaves the site folder as it was
# ---------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Every file and folder: bytes, modification time, mode."""
    return {p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes(), p.stat().st_mtime_ns,
                                               p.stat().st_mode) for p in [folder, *sorted(folder.rglob("*"))]}


def _broken_link(project: Path) -> str:
    path = min((project / "content/reports").glob("*/*.md"))
    text = path.read_text(encoding="utf-8") + "\n[另见](../nowhere/2014.md)\n"
    path.write_text(text, encoding="utf-8")
    shown = path.relative_to(project).as_posix()
    return (f"{shown}:{text.count(chr(10))}: 链接 ../nowhere/2014.md 指向的页面 reports/nowhere/2014.md 不存在；"
            f"{FIX_LINK}")


def _data_error(project: Path) -> str:
    path = project / "data/bureaus.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "- id: broken\n  name: 甲\n  level: town\n", encoding="utf-8")
    return f"data/bureaus.yml:{text.count(chr(10)) + 3}: level 只能是"


def _template_error(project: Path) -> str:
    """Fails while pages are being written (after MkDocs has emptied its site folder)."""
    path = project / "overrides/partials/youfu/bureau.html"
    path.write_text(path.read_text(encoding="utf-8") + "{{ no_such_thing.attr }}\n", encoding="utf-8")
    return "'no_such_thing' is undefined"


def _strict_warning(project: Path) -> str:
    """A warning, which strict mode turns into a failed build only at the very end."""
    path = project / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      - 无障碍声明: accessibility.md\n",
                                 "      - 无障碍声明: accessibility.md\n      - 缺页: missing.md\n"), encoding="utf-8")
    return "missing.md"  # named by the engine (youfu build) or by our hook's count (a direct engine run)


@pytest.mark.build
@pytest.mark.parametrize("builder", [build, engine_build], ids=["youfu-build", "engine-directly"])
@pytest.mark.parametrize("breaker", [_broken_link, _data_error, _template_error, _strict_warning],
                         ids=["broken-link", "data-error", "template-error", "strict-warning"])
def test_a_failed_build_leaves_the_site_folder_as_it_was(site_copy, tmp_path, breaker, builder):
    expected = breaker(site_copy)
    out = tmp_path / "out"
    (out / "assets").mkdir(parents=True)
    (out / "index.html").write_text("<h1>上一版网站</h1>", encoding="utf-8")
    (out / "assets/keep.txt").write_text("previous site", encoding="utf-8")
    before = _snapshot(out)

    result = builder(site_copy, out)

    assert result.returncode != 0
    assert expected in result.stderr + result.stdout, result.stderr[-3000:]
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]  # no staging folder left


@pytest.mark.build
@pytest.mark.parametrize("builder", [build, engine_build], ids=["youfu-build", "engine-directly"])
def test_a_good_build_replaces_the_site_folder(site_copy, tmp_path, builder):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o750)
    (out / "stale.html").write_text("old page", encoding="utf-8")
    (tmp_path / ".out.staging-999999999").mkdir()  # left by a build that was killed (no such process)

    result = builder(site_copy, out)

    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "index.html").is_file() and (out / "bureaus/index.html").is_file()
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]
    assert out.stat().st_mode & 0o777 == 0o750  # the folder keeps its permissions


def test_staged_build_swaps_only_without_warnings(tmp_path):
    """The staging logic alone, without MkDocs."""
    import logging

    from youfu.staging import StagedBuild, StagingError

    target = tmp_path / "site"
    target.mkdir()
    (target / "old.txt").write_text("old", encoding="utf-8")
    logger = "youfu-test-staging"

    staged = StagedBuild(logger)
    staged.start()
    folder = Path(staged.stage(str(target)))
    assert folder.parent == tmp_path and folder.name.startswith(".site.staging-") and not any(folder.iterdir())
    (folder / "new.txt").write_text("new", encoding="utf-8")
    logging.getLogger(logger + ".child").warning("something to count")
    with pytest.raises(StagingError):
        staged.finish(strict=True)
    staged.discard()
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    staged = StagedBuild(logger)
    staged.start()
    folder = Path(staged.stage(str(target)))
    (folder / "new.txt").write_text("new", encoding="utf-8")
    logging.getLogger(logger).warning("not strict: only news")
    staged.finish(strict=False)
    staged.discard()
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert not logging.getLogger(logger).handlers


def test_the_preview_sees_a_link_added_to_a_report_it_has_read_before(repo):
    """With the preview's memo, unchanged reports are not searched again; a changed one is."""
    root = repo({R: REPORT})
    memo: dict = {}
    assert load_catalog(root, report_memo=memo)[1] == []
    (root / R).write_text(with_links("[x](../x.md)"), encoding="utf-8")
    assert [str(p) for p in load_catalog(root, report_memo=memo)[1]] == [
        f"{R}:15: 链接 ../x.md 指向的页面 reports/x.md 不存在；{FIX_LINK}"]
