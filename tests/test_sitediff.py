"""`youfu diff OLD NEW`: the pages a change adds, changes and removes (pull/merge request summary)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ROOT


def page(title: str, body: str, updated: str = "2026-01-01") -> str:
    return (f"<html><head><title>{title} - 优抚医疗信息</title></head><body><nav>菜单 {updated}</nav>"
            f'<article class="md-content__inner md-typeset"><h1>{title}</h1>{body}\n<div class="yf-after">\n'
            f'<p class="yf-history">本页最后更新 <time>{updated}</time></p>\n</div>\n</article></body></html>')


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def youfu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "youfu", *args], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})


def test_diff_lists_added_changed_and_removed_pages(tmp_path):
    old = write(tmp_path / "old", {
        "index.html": page("首页", "<p>欢迎</p>"),
        "reports/a.html": page("甲报告", "<p>旧的一句</p>"),
        "reports/gone.html": page("要删的报告", "<p>x</p>"),
        "facilities/same.html": page("同一家医院", "<p>不变</p>"),
        "feed.xml": "<feed>1</feed>",
        "search/idx/x/1.js": "old index",
        "assets/stylesheets/main.css": "a{}",
    })
    new = write(tmp_path / "new", {
        "index.html": page("首页", "<p>欢迎</p>", updated="2026-02-02"),  # only its history moved: unchanged
        "reports/a.html": page("甲报告", "<p>新的一句</p>"),
        "reports/new.html": page("新报告 *强调* [链接]", "<p>y</p>"),
        "facilities/same.html": page("同一家医院", "<p>不变</p>", updated="2026-03-03"),
        "feed.xml": "<feed>2</feed>",
        "search/idx/x/1.js": "new index",
        "assets/stylesheets/main.css": "b{}",
    })
    result = youfu("diff", str(old), str(new))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "## 网站改动预览",
        "",
        "新增 1 页，改动 1 页，删除 1 页（改动后共 4 页）；其他文件变化 1 个。",
        "",
        "### 新增的页面",
        "",
        r"- 新报告 \*强调\* \[链接\]（`reports/new.html`）",
        "",
        "### 改动的页面",
        "",
        "- 甲报告（`reports/a.html`）",
        "",
        "### 删除的页面",
        "",
        "- 要删的报告（`reports/gone.html`）",
        "",
        "### 其他文件",
        "",
        "- `feed.xml`",
    ]


def test_diff_of_identical_sites_says_nothing_changed(tmp_path):
    files = {"index.html": page("首页", "<p>欢迎</p>")}
    result = youfu("diff", str(write(tmp_path / "a", files)), str(write(tmp_path / "b", files)))
    assert result.returncode == 0
    assert "读者看到的网站没有变化（共 1 页）" in result.stdout


def test_diff_without_an_old_site_counts_every_page_as_added(tmp_path):
    new = write(tmp_path / "new", {"index.html": page("首页", "<p>欢迎</p>")})
    result = youfu("diff", str(tmp_path / "missing"), str(new))
    assert result.returncode == 0
    assert "新增 1 页，改动 0 页，删除 0 页" in result.stdout
    assert "改动前的网站没有生成" in result.stderr
