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
    """Each malformed input of the catalogue: handled (no exception, at least one problem) and
    well placed (every problem names one of the repository's files and a line inside it).
    Whether the wording matches the catalogue's expectation is not counted: those expectations
    were written from the program's own output, so that figure would be true by construction."""
    import test_bad_input as catalogue
    from youfu.catalog import load_catalog

    handled = placed = accepted = 0
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
            if not case.expected:  # a harmless variant (BOM, CRLF, anchors …) that must be accepted
                accepted += not problems
                continue
            if not problems:
                continue
            handled += 1
            placed += all(_inside(root, p.path, p.line) for p in problems)
    harmless = sum(1 for case in catalogue.CASES if not case.expected)
    return {"cases": len(catalogue.CASES) - harmless, "handled": handled, "placed": placed,
            "harmless": harmless, "accepted": accepted}


def _inside(root: Path, relative: str, line: int) -> bool:
    path = root / relative
    if not path.is_file():
        return path.exists() or path.is_symlink() or line == 1  # a folder, a link, a special file: line 1
    data = path.read_bytes()
    return 1 <= line <= data.count(b"\n") + 2


def injection_figures() -> dict:
    """The Text fields found from the models, and how many of them the injection test fills with
    hostile text in today's data (the same walk as the test, without the build)."""
    import itertools

    import test_quality
    import yaml
    from youfu import bureaus, catalog, reports

    models = {Path(file).name: model for _, file, model in catalog._LISTS}
    models[Path(bureaus.FILE).name] = bureaus.Bureau
    every = set().union(*(test_quality.text_fields(m) for m in [*models.values(), reports.ReportMeta]))
    poisoned: set = set()
    counter = itertools.count()
    for path in (ROOT / "data").glob("*.yml"):
        if path.name in models:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            test_quality._fill_unused_fields(path.name, data)
            test_quality._poison(data, models[path.name], counter, poisoned)
    for report in (ROOT / "content/reports").rglob("*.md"):
        front = report.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
        test_quality._poison(yaml.safe_load(front), reports.ReportMeta, counter, poisoned)
    return {"corpus": len(test_quality.CORPUS), "fields": len(every), "poisoned": len(poisoned),
            "references": len(test_quality.REFERENCES)}


def saved(name: str) -> dict | None:
    import json

    path = HERE / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


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


def commit_epoch() -> str:
    import subprocess

    return subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def measure() -> dict:
    import os

    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp) / "one", Path(tmp) / "two"
        # one build as anyone runs it today; one dated explicitly by the commit (SOURCE_DATE_EPOCH)
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        for out, epoch in ((one, None), (two, commit_epoch())):
            if epoch:
                os.environ["SOURCE_DATE_EPOCH"] = epoch
            result = build(ROOT, out)
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            if result.returncode != 0:
                raise SystemExit(result.stderr)
        broken, checked = broken_links(one)
        figures = {"links": checked, "broken": len(broken), "identical": identical(one, two)}
        figures.update(browser_figures(one))
    figures["bad_input"] = bad_input_figures()
    figures["injection"] = injection_figures()
    figures["breaks"] = saved("breaks")
    figures["mutation"] = saved("mutation")
    return figures


# Survivors that no test can kill because they do not change what the code does (equivalent
# mutants), by mutmut's name; checked by hand with `mutmut show NAME`. Numbers change when the
# module changes: an entry that no longer matches is simply not shown.
EQUIVALENT = {
    "youfu.figures.x__check_ratio__mutmut_137": "分母没有上限时，除以无穷大本来就得 0，改成总是相除结果相同",
    "youfu.figures.x__decimals__mutmut_5": "只有无穷大和 NaN 的指数不是整数，而它们在读入时已被拒绝",
    "youfu.figures.x__decimals__mutmut_12": "只有无穷大和 NaN 的指数不是整数，这个分支走不到",
    "youfu.figures.x__fmt__mutmut_7": "格式 F 与 f 只在无穷大和 NaN 上不同",
    "youfu.figures.x_format_number__mutmut_11": "格式 F 与 f 只在无穷大和 NaN 上不同",
    "youfu.figures.x_check__mutmut_38": "分项至少有一个，sum 从整数 0 起加和从 Decimal(0) 起加结果相同",
    "youfu.figures.x_check__mutmut_51": "分项至少有一个，sum 从整数 0 起加和从 Decimal(0) 起加结果相同",
    "youfu.figures.x_check__mutmut_67": "分项至少有一个，sum 从整数 0 起加和从 Decimal(0) 起加结果相同",
    "youfu.figures.x_format_amount__mutmut_25": "没有只有一个字、又以“万”“亿”开头的单位",
    "youfu.figures.x_format_amount__mutmut_29": "没有以 X 开头的单位",
    "youfu.opendata.x__reports__mutmut_13": "报告的元数据里没有日期这类要换成文字的值，model_dump 的两种模式结果相同",
    "youfu.opendata.x__reports__mutmut_14": "报告的元数据里没有日期这类值；未知的模式名按 python 模式处理，结果相同",
    "youfu.opendata.x__reports__mutmut_15": "报告的元数据里没有日期这类值；未知的模式名按 python 模式处理，结果相同",
    "youfu.opendata.x__reports__mutmut_31": "每篇报告的部门都存在（加载时已检查），另一个分支走不到",
    "youfu.opendata.x_to_json__mutmut_3": "ensure_ascii=None 与 False 一样",
    "youfu.opendata.x_to_json__mutmut_5": "sort_keys=None 与 False 一样",
    "youfu.opendata.x_to_json__mutmut_9": "sort_keys 默认就是 False",
    "youfu.opendata.x_schema__mutmut_20": "ensure_ascii=None 与 False 一样",
    "youfu.opendata.x_to_csv__mutmut_6": "csv.writer 默认的行尾就是 \\r\\n",
    "youfu.opendata.x_to_csv__mutmut_16": "编码名 UTF-8 与 utf-8 相同",
    "youfu.opendata.x_dictionary__mutmut_13": "每个字段都写了说明，这个分支走不到",
    "youfu.opendata.x__type_name__mutmut_38": "typing 的泛型都有 __name__，这个默认值用不到",
    "youfu.opendata.x__type_name__mutmut_41": "typing 的泛型都有 __name__，这个默认值用不到",
    "youfu.opendata.x__type_name__mutmut_44": "typing 的泛型都有 __name__，这个默认值用不到",
    "youfu.opendata.x__type_name__mutmut_54": "数据模型的字段类型都有 __name__，这个默认值用不到",
    "youfu.opendata.x__type_name__mutmut_57": "数据模型的字段类型都有 __name__，这个默认值用不到",
}


def render(f: dict) -> str:
    axe = f["axe"]
    axe_line = ("未安装 axe-core，未测" if axe is None else
                f"严重（critical）{axe.get('critical', 0)} 个，重要（serious）{axe.get('serious', 0)} 个，"
                f"一般（moderate）{axe.get('moderate', 0)} 个，轻微（minor）{axe.get('minor', 0)} 个")
    bad, inj = f["bad_input"], f["injection"]
    rows = [
        ("错误输入目录",
         f"共 {bad['cases']} 种错误写法：{bad['handled']} 种给出了提示、没有程序崩溃，其中 {bad['placed']} 种的每条提示都指向"
         f"出错的文件和文件里确有的行号；另有 {bad['harmless']} 种无害的写法（BOM、Windows 换行、锚点等），{bad['accepted']} 种照常接受",
         "逐一装入 `tests/test_bad_input.py` 的每种写法，数没有异常且有提示的、提示的文件和行号都落在文件之内的。"
         "提示是否与预期逐字一致不计入：预期是照程序的输出写的，计入就是自己证明自己"),
        ("注入测试",
         f"{inj['corpus']} 种恶意写法放进数据模型的 {inj['fields']} 类文字字段中的 {inj['poisoned']} 类"
         f"（其余 {inj['references']} 类必须指向别的记录，写错了就不能生成），生成的网页中没有可执行的标记，模板语法按原文显示",
         "字段从数据模型自动找出：新加的字段不放进恶意写法，测试就失败；今天的数据没用到的字段由测试补上一个值。"
         "网页用标准库的 HTML 解析器检查，见 `tests/test_quality.py`"),
        ("无障碍（axe-core）", f"检查 {f['pages']} 类页面：{axe_line}", "每类页面各打开一页，在无界面 Chromium 里运行 axe-core"),
        ("隐私", f"打开 {f['pages']} 类页面共发出 {f['requests']} 个请求，离开本站的 {f['external']} 个；Cookie {f['cookies']} 个",
         "同上，数浏览器发出的每个请求和留下的 Cookie"),
        ("站内链接", f"检查 {f['links']} 个链接和锚点，失效 {f['broken']} 个", "生成后的网站用站内链接检查器逐个核对"),
        ("可重复生成",
         f"同一提交生成两次（一次不设 SOURCE_DATE_EPOCH，一次设为最后一次提交的时间），文件{'逐字节相同' if f['identical'] else '不同'}",
         "生成的日期取自 SOURCE_DATE_EPOCH，没有时取最后一次提交的时间，不看时钟；`tests/test_reproducible.py` 还用一个"
         "在提交之后才结束的限期活动证明日期确实进入了页面"),
    ]
    breaks = f.get("breaks")
    if breaks:
        caught = [b for b in breaks["breaks"] if b["caught"]]
        missed = [b["break"] for b in breaks["breaks"] if not b["caught"]]
        rows.append(("故意改坏代码",
                     f"{len(breaks['breaks'])} 种改法中 {len(caught)} 种被测试发现" + (f"；没发现：{'、'.join(missed)}" if missed else ""),
                     f"`tests/benchmark/breaks.py --save` 把每种改法打到代码的副本上，运行相关的非浏览器测试"
                     f"（{breaks['date']}，提交 {breaks['commit']}）"))
    mutation = f.get("mutation")
    if mutation:
        killed = sum(m["killed"] for m in mutation.values())
        total = sum(m["killed"] + m["survived"] for m in mutation.values())
        per = "，".join(f"{name} {m['killed']}/{m['killed'] + m['survived']}（{m['killed'] / max(1, m['killed'] + m['survived']):.0%}）"
                       for name, m in sorted(mutation.items()))
        rows.append(("变异测试",
                     f"已测模块共 {total} 个变异体，{killed} 个被测试发现，得分 {killed / max(1, total):.0%}：{per}",
                     "`tests/benchmark/mutation.py --save 模块名` 用 mutmut 每次改动模块里的一处（运算符、常量、比较、删掉一个调用…），"
                     "运行该模块的非浏览器测试；有测试失败即“发现”，没有测试覆盖的变异体算作漏网"))
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    survivors = ""
    if mutation:
        lines = []
        for name, m in sorted(mutation.items()):
            if m["survivors"]:
                equivalent = [s for s in m["survivors"] if s in EQUIVALENT]
                others = [s for s in m["survivors"] if s not in EQUIVALENT]
                lines.append(f"- {name}（{m['date']}，提交 {m['commit']}；运行的测试：{'、'.join(m['tests'])}）")
                lines.extend(f"    - `{s}`：等价变异，{EQUIVALENT[s]}" for s in equivalent)
                if others:
                    lines.append("    - 尚未有测试发现：" + "、".join(f"`{s}`" for s in others))
        if lines:
            survivors = "\n\n## 变异测试中漏网的变异体\n\n名字里是函数名和变异编号；用 `mutmut show 名字` 可以看到改了什么。\n\n" + "\n".join(lines)
    return f"""---
title: 质量检查数据
---

# 质量检查数据

本页的数字由 `tests/benchmark/quality_figures.py` 测得并写入（重新运行即可刷新；“故意改坏代码”和“变异测试”两行读取 `breaks.py` 与 `mutation.py` 用 `--save` 存下的结果）。同样的检查也作为自动测试在每次提交时运行。

| 检查 | 结果 | 怎样测得 |
| --- | --- | --- |
{table}
{survivors}
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
