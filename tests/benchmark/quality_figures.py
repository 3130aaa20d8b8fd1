"""Measure the quality gates and write the figures into content/tech/quality.md.

    .venv/bin/python tests/benchmark/quality_figures.py            # measure and rewrite the page
    .venv/bin/python tests/benchmark/quality_figures.py --print    # measure only

Figures: malformed inputs tried and handled, the injection corpus, accessibility
violations (axe-core, if installed under tests/a11y), requests per page and how many
left the site, cookies, internal links and anchors checked, and whether two builds
are byte-identical. The same checks run as tests; this script only reports numbers.
"""
from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "hooks")]

from helpers import CHROMIUM, CHROMIUM_ARGS, build, serve  # noqa: E402
from youfu.linkcheck import broken_links  # noqa: E402

AXE = ROOT / "tests/a11y/node_modules/axe-core/axe.min.js"
PAGE = ROOT / "content/tech/quality.md"


def bad_input_figures() -> dict:
    import test_bad_input as catalogue
    from youfu.catalog import load_catalog

    handled = exact = 0
    for case in catalogue.CASES:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            files = {"data/sources.yml": catalogue.SOURCES_YML, "data/bureaus.yml": catalogue.BUREAUS_YML,
                     **catalogue.VALID, **case.files}
            for relative, content in files.items():
                path = root / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
            if case.setup:
                case.setup(root)
            try:
                _, problems = load_catalog(root)
            except Exception:  # noqa: BLE001 - counted, not hidden
                continue
            handled += 1
            exact += [str(p) for p in sorted(problems)] == case.expected
    return {"cases": len(catalogue.CASES), "handled": handled, "exact": exact}


def browser_figures(site: Path) -> dict:
    from playwright.sync_api import sync_playwright
    from test_browser import one_page_of_each_kind

    requests = external = cookies = 0
    impacts: Counter = Counter()
    pages = one_page_of_each_kind()
    with serve(site) as base, sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                       args=[a for a in CHROMIUM_ARGS if a != "--headless"])
        for path in pages:
            page = context.new_page()
            seen: list[str] = []
            page.on("request", lambda r: seen.append(r.url))
            page.goto(base + path, wait_until="networkidle")
            requests += len(seen)
            external += sum(1 for url in seen if urlparse(url).hostname not in ("127.0.0.1", None))
            if AXE.exists():
                page.evaluate("source => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))  # no inline <script> under the page's policy
                found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                                      ".violations.map(v => v.impact)")
                impacts.update(found)
            page.close()
        cookies = len(context.cookies())
        context.close()
    return {"pages": len(pages), "requests": requests, "external": external, "cookies": cookies,
            "axe": dict(impacts) if AXE.exists() else None}


def identical(a: Path, b: Path) -> bool:
    compare = filecmp.dircmp(a, b)
    if compare.left_only or compare.right_only:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compare.common_files, shallow=False)
    return not mismatch and not errors and all(identical(a / d, b / d) for d in compare.common_dirs)


def measure() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp) / "one", Path(tmp) / "two"
        for out in (one, two):
            result = build(ROOT, out)
            if result.returncode != 0:
                raise SystemExit(result.stderr)
        broken, checked = broken_links(one)
        figures = {"links": checked, "broken": len(broken), "identical": identical(one, two)}
        figures.update(browser_figures(one))
    figures["bad_input"] = bad_input_figures()
    import test_quality

    figures["corpus"] = len(test_quality.CORPUS)
    figures["fields"] = len(test_quality.TEXT_FIELDS)
    return figures


def render(f: dict) -> str:
    axe = f["axe"]
    axe_line = ("未安装 axe-core，未测" if axe is None else
                f"严重（critical）{axe.get('critical', 0)} 个，重要（serious）{axe.get('serious', 0)} 个，"
                f"一般（moderate）{axe.get('moderate', 0)} 个，轻微（minor）{axe.get('minor', 0)} 个")
    bad = f["bad_input"]
    return f"""---
title: 质量检查数据
---

# 质量检查数据

本页的数字由 `tests/benchmark/quality_figures.py` 测得并写入（重新运行即可刷新）；同样的检查也作为自动测试在每次提交时运行。

| 检查 | 结果 |
| --- | --- |
| 错误输入目录 | 共 {bad['cases']} 种错误写法，{bad['handled']} 种都给出了“文件:行号: 规则”形式的提示、没有程序崩溃，其中 {bad['exact']} 种与预期提示逐字一致 |
| 注入测试 | {f['corpus']} 种恶意写法（脚本标签、事件属性、`javascript:` 链接、Markdown 链接和图片、模板语法）放进 {f['fields']} 类文字字段，生成的网页中没有可执行的标记，模板语法按原文显示 |
| 无障碍（axe-core） | 检查 {f['pages']} 类页面：{axe_line} |
| 隐私 | 打开 {f['pages']} 类页面共发出 {f['requests']} 个请求，离开本站的 {f['external']} 个；Cookie {f['cookies']} 个 |
| 站内链接 | 检查 {f['links']} 个链接和锚点，失效 {f['broken']} 个 |
| 可重复生成 | 同一提交生成两次，文件{'逐字节相同' if f['identical'] else '不同'} |
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the figures, do not rewrite the page")
    args = parser.parse_args()
    figures = measure()
    print(figures)
    if not args.print:
        PAGE.parent.mkdir(parents=True, exist_ok=True)
        PAGE.write_text(render(figures), encoding="utf-8")
        print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
