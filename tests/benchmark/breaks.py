"""Break the code on purpose, one break at a time, and see whether the suite notices.

    .venv/bin/python tests/benchmark/breaks.py                 # every break, the non-browser tests named for it
    .venv/bin/python tests/benchmark/breaks.py figure-sum-one-sided publish-rmtree-copytree
    .venv/bin/python tests/benchmark/breaks.py --list
    .venv/bin/python tests/benchmark/breaks.py --save          # and keep the outcome for quality_figures.py

Each break is a text patch of one file under hooks/youfu/ (the patch must apply exactly once:
a break whose text has gone away is reported, never skipped silently). The project is copied
into a temporary folder, the patch applied there, and pytest runs the break's tests in the copy
(`-m "not browser"`, stopping at the first failure) with the copy's hooks/ first on the path,
after a baseline run on the unbroken copy whose failing tests are then left out (deselected),
so that `python -m youfu` in a subprocess runs the broken code too. A break is *caught* when a
test fails, *missed* when all pass. Prints one line per break and the count; exit status 1 when
a break is missed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "tests/benchmark/results/breaks.json"


@dataclass(frozen=True)
class Break:
    name: str
    what: str
    file: str  # under hooks/youfu/
    old: str
    new: str
    tests: tuple[str, ...]  # pytest paths or node ids, relative to the project
    browser: tuple[str, ...] = ()  # browser tests that must catch it too (with --browser)


BREAKS: tuple[Break, ...] = (
    Break("figure-sum-one-sided", "parts that add up to more than the total are accepted (all parts)",
          "figures.py",
          "    if low - tolerance > stated_high or high + tolerance < stated_low:\n"
          "        return FigureCheck(status=\"mismatch\", **found, message=(\n"
          "            f\"数字 {figure.id}：分项加起来必须等于总数",
          "    if high + tolerance < stated_low:\n"
          "        return FigureCheck(status=\"mismatch\", **found, message=(\n"
          "            f\"数字 {figure.id}：分项加起来必须等于总数",
          ("tests/test_figures.py", "tests/test_breaks.py")),
    Break("figure-subset-one-sided", "\"其中\" parts that add up to more than the total are accepted",
          "figures.py",
          "        if low - tolerance > stated_high:\n",
          "        if False:\n",
          ("tests/test_figures.py", "tests/test_breaks.py")),
    Break("search-drops-tables", "table text is left out of the search index",
          "search.py",
          r'_DROP = re.compile(r"<(script|style|svg|form|nav|template)\b',
          r'_DROP = re.compile(r"<(script|style|svg|form|nav|template|table)\b',
          ("tests/test_search.py", "tests/test_breaks.py", "tests/test_search_property.py"),
          browser=("tests/test_search.py", "-k", "test_query_finds_every_page_with_the_words and words6")),
    Break("search-drops-han-digit", "Han-then-digit terms (第3批 → 第3) are not indexed",
          "search.py",
          "    counts.update(_HAN_WORD.findall(folded))\n",
          "",
          ("tests/test_search.py", "tests/test_breaks.py", "tests/test_search_property.py"),
          browser=("tests/test_search.py", "-k", "test_query_finds_every_page_with_the_words and words5")),
    Break("opendata-drops-facility-region", "facilities' own regions are left out of the open data",
          "opendata.py",
          "        row[\"status_name\"] = facilities.STATUS_NAMES[facility.status]\n",
          "        row[\"status_name\"] = facilities.STATUS_NAMES[facility.status]\n        row[\"region\"] = None\n",
          ("tests/test_breaks.py", "tests/test_build.py::test_open_data_round_trip")),
    Break("opendata-facility-place-from-bureau", "a facility's place column is its bureau's, not its own",
          "opendata.py",
          "    rows = _with_qualifiers(catalog, catalog.facilities)\n",
          "    rows = _with_qualifiers(catalog, catalog.facilities)\n"
          "    for row, facility in zip(rows, catalog.facilities):\n"
          "        row.update(_place_columns(catalog.place_of(catalog.bureaus.get(facility.bureau))))\n",
          ("tests/test_breaks.py", "tests/test_build.py::test_open_data_round_trip")),
    Break("links-allow-file", "file: links are accepted in Markdown",
          "sanitize.py",
          'LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})',
          'LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "file"})',
          ("tests/test_security.py", "tests/test_breaks.py")),
    Break("text-allows-edge-spaces", "text may start or end with spaces",
          "records.py",
          "    if text != text.strip():\n        raise ValueError(\"开头和结尾不能有空格，请删去\")\n",
          "",
          ("tests/test_bad_input.py", "tests/test_validation.py", "tests/test_breaks.py")),
    Break("ids-allow-double-dashes", "ids may have double dashes",
          "records.py",
          'pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"',
          'pattern=r"^[a-z0-9]+(?:-+[a-z0-9]+)*$"',
          ("tests/test_bad_input.py", "tests/test_validation.py", "tests/test_breaks.py")),
    Break("item-law-unchecked", "item-level law references are not checked",
          "catalog.py",
          "            for i, ref in enumerate(item.legal):\n"
          "                yield from check(catalog.packages, pk, (\"items\", n, \"legal\", i, \"law\"), \"law\", ref.law)\n",
          "",
          ("tests/test_bad_input.py", "tests/test_breaks.py")),
    Break("publish-rmtree-copytree", "publishing deletes the served site, then copies the new one in its place",
          "publish.py",
          "    target = place.target\n    if state.kind == \"folder\":\n",
          "    target = place.target\n"
          "    if state.kind == \"ours\":\n"
          "        current = Path(os.path.realpath(target))\n"
          "        shutil.rmtree(current)\n"
          "        shutil.copytree(place.releases / str(release), current, symlinks=True)\n"
          "        return None\n"
          "    if state.kind == \"folder\":\n",
          ("tests/test_publish.py", "tests/test_breaks.py")),
    Break("publish-unlink-then-link", "publishing removes the old link, then makes the new one (a gap)",
          "publish.py",
          "    os.replace(link, target)  # rename(2) over the old link: atomic\n",
          "    os.unlink(link)\n    if os.path.lexists(target):\n        os.unlink(target)\n"
          "    os.symlink(place.link_text(release), target)\n",
          ("tests/test_publish.py", "tests/test_breaks.py")),
    Break("preview-ignores-data-signature", "the preview reuses pages after a data file changed",
          "generate.py",
          "base = signature([files_signature(root / \"data\", config.overrides), ",
          "base = signature([files_signature(root / \"overrides\", config.overrides), ",
          ("tests/test_preview.py", "tests/test_breaks.py")),
    Break("preview-ignores-data-folder", "the preview does not watch data/",
          "pipeline.py",
          'WATCHED = ("data", "content", "overrides", "mkdocs.yml")',
          'WATCHED = ("content", "overrides", "mkdocs.yml")',
          ("tests/test_preview.py", "tests/test_breaks.py")),
    Break("stale-skips-laws", "youfu stale does not look at laws",
          "cli.py",
          "    for dataset in (catalog.facilities, catalog.packages, catalog.blood_rules, catalog.legal):\n",
          "    for dataset in (catalog.facilities, catalog.packages, catalog.blood_rules):\n",
          ("tests/test_cli.py", "tests/test_breaks.py")),
    Break("stale-boundary-off-by-one", "youfu stale lists a record exactly 12 months old",
          "cli.py",
          "            if last < limit:\n",
          "            if last <= limit:\n",
          ("tests/test_cli.py", "tests/test_breaks.py")),
)

IGNORE = shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", "node_modules",
                                "mutants", ".youfu")


def copy_project(dest: Path) -> Path:
    target = dest / "project"
    shutil.copytree(ROOT, target, ignore=IGNORE, symlinks=True)
    return target


def run_tests(project: Path, tests: tuple[str, ...], timeout: int, *, stop: bool = True,
              deselect: tuple[str, ...] = (), marker: str = "not browser") -> tuple[int, str, list[str]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "hooks")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", marker,
               "--no-header", "-rfE", *(["-x"] if stop else []), *tests,
               *(f"--deselect={node}" for node in deselect)]
    try:
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timed out", []
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    lines = done.stdout.strip().splitlines()
    nodes = [line.split(" ", 1)[1].split(" - ")[0] for line in failed]
    return done.returncode, (failed[0] if failed else (lines[-1] if lines else done.stderr[-300:])), nodes


def apply(project: Path, item: Break) -> None:
    path = project / "hooks/youfu" / item.file
    text = path.read_text(encoding="utf-8")
    count = text.count(item.old)
    if count != 1:
        raise SystemExit(f"{item.name}: the text to break appears {count} times in hooks/youfu/{item.file}; "
                         "update the break")
    path.write_text(text.replace(item.old, item.new), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="breaks to try (default: all)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--browser", action="store_true",
                        help="also run each break's browser tests (headless Chromium), reported separately")
    parser.add_argument("--no-baseline", action="store_true",
                        help="do not first run the tests on the unbroken copy (whose failures are left out after)")
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--save", action="store_true", help=f"write the outcome to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    chosen = [b for b in BREAKS if not args.names or b.name in args.names]
    unknown = set(args.names) - {b.name for b in BREAKS}
    if unknown:
        parser.error(f"unknown break(s): {', '.join(sorted(unknown))}")
    if args.list:
        for item in chosen:
            print(f"{item.name:36} {item.file:14} {item.what}")
        return 0
    missed = 0
    outcome: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="youfu-breaks-") as tmp:
        pristine = copy_project(Path(tmp))
        failing: tuple[str, ...] = ()
        if not args.no_baseline:  # a test that fails without any break proves nothing: leave it out
            tests = tuple(sorted({t for b in chosen for t in b.tests}))
            code, detail, nodes = run_tests(pristine, tests, args.timeout * 2, stop=False)
            failing = tuple(nodes)
            print(f"baseline: {'pass' if code == 0 else f'{len(nodes)} failing without a break, left out: '}"
                  f"{' '.join(nodes)}", flush=True)
        for item in chosen:
            project = Path(tmp) / item.name
            shutil.copytree(pristine, project, symlinks=True)
            apply(project, item)
            started = time.monotonic()
            code, detail, _ = run_tests(project, item.tests, args.timeout, deselect=failing)
            caught = code == 1
            missed += not caught
            verdict = "caught" if caught else ("MISSED" if code == 0 else f"ERROR({code})")
            print(f"{verdict:8} {item.name:36} {time.monotonic() - started:6.1f}s  {detail}", flush=True)
            if args.browser and item.browser:
                code_b, detail_b, _ = run_tests(project, item.browser, args.timeout, marker="browser")
                verdict_b = "caught" if code_b == 1 else ("MISSED" if code_b == 0 else f"ERROR({code_b})")
                missed += code_b != 1
                print(f"{verdict_b:8} {item.name + ' (browser)':36} {detail_b}", flush=True)
            outcome.append({"break": item.name, "what": item.what, "file": f"hooks/youfu/{item.file}",
                            "caught": caught, "by": detail})
            shutil.rmtree(project, ignore_errors=True)
    print(f"{len(chosen) - missed}/{len(chosen)} breaks caught")
    if args.save:
        import json
        import subprocess as sp

        commit = sp.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({"commit": commit, "date": time.strftime("%Y-%m-%d"), "left_out": list(failing),
                                       "breaks": outcome},
                                      ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
