"""Zensical on the generated tree: what it builds, page by page, against MkDocs.

    .venv/bin/python tests/benchmark/zensical.py [--version 0.1.3] [--reports 0]

Installs the newest Zensical that installs here (or --version) into its own virtual
environment (it is not a dependency of youfu), builds the shipped site — or a synthetic
corpus of N reports — with `youfu build --engine mkdocs` and `youfu build --engine
zensical`, and compares every page's `<article>` after whitespace normalisation. Prints
the pages only one engine made, the pages whose article differs (with the first
difference), how long each build took, and whether youfu's own search index came out the
same. A measurement, not a test: nothing here fails CI.
"""
from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
import time
import venv
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

ARTICLE = re.compile(r"<article\b[^>]*>(.*)</article>", re.S)


def article(path: Path) -> str | None:
    found = ARTICLE.search(path.read_text(encoding="utf-8", errors="replace"))
    return " ".join(found.group(1).split()) if found else None


def install(version: str | None, where: Path) -> tuple[Path, str]:
    venv.create(where, with_pip=True)
    spec = f"zensical=={version}" if version else "zensical"
    subprocess.run([str(where / "bin/pip"), "install", "-q", spec], check=True)
    out = subprocess.run([str(where / "bin/zensical"), "--version"], capture_output=True, text=True)
    return where / "bin", (out.stdout or out.stderr).strip()


def build(project: Path, site: Path, engine: str, path_prefix: Path | None) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if path_prefix:
        env["PATH"] = f"{path_prefix}:{env['PATH']}"
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "youfu", "build", "--root", str(project), "--site-dir", str(site),
                             "--engine", engine], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def first_difference(a: str, b: str) -> str:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            return f"{op}: {a[max(0, i1 - 30):i2 + 30][:160]!r} → {b[max(0, j1 - 30):j2 + 30][:160]!r}"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=None, help="Zensical version (default: the newest that installs)")
    parser.add_argument("--reports", type=int, default=0, help="a synthetic corpus of N reports (0: the shipped site)")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="youfu-zensical-"))
    bin_dir, version = install(args.version, work / "zensical-venv")
    print(f"Zensical: {version}")
    project = ROOT
    if args.reports:
        import corpus

        project = work / f"corpus-{args.reports}"
        if not project.exists():
            corpus.generate(args.reports, 1, project)
    sites = {"mkdocs": work / "site-mkdocs", "zensical": work / "site-zensical"}
    times = {engine: build(project, site, engine, bin_dir) for engine, site in sites.items()}
    pages = {engine: {p.relative_to(site).as_posix() for p in site.rglob("*.html")} for engine, site in sites.items()}
    only = {engine: sorted(pages[engine] - pages[other]) for engine, other in (("mkdocs", "zensical"), ("zensical", "mkdocs"))}
    same, differ, kinds = 0, [], Counter()
    for page in sorted(pages["mkdocs"] & pages["zensical"]):
        a, b = (article(sites[e] / page) for e in ("mkdocs", "zensical"))
        if a == b:
            same += 1
            continue
        diff = first_difference(a or "", b or "")
        # the one difference every page shows: Zensical's theme puts a skip-link target first
        b_without_skip = (b or "").replace('<a id="__skip" tabindex="-1"></a>', "", 1).strip()
        if a == b_without_skip:
            kinds["only the skip-link anchor Zensical's theme adds"] += 1
            continue
        kinds["other"] += 1
        differ.append((page, diff))
    index = {engine: {p.relative_to(site).as_posix(): p.read_bytes()
                      for p in (site / "search/idx").rglob("*") if p.is_file()} for engine, site in sites.items()}
    print(f"pages: MkDocs {len(pages['mkdocs'])}, Zensical {len(pages['zensical'])}; "
          f"only MkDocs: {len(only['mkdocs'])}, only Zensical: {len(only['zensical'])}")
    for engine, names in only.items():
        for name in names[:20]:
            print(f"  only {engine}: {name}")
    print(f"article identical: {same}; differing: " + ", ".join(f"{n} ({k})" for k, n in kinds.items()))
    for page, diff in differ[:20]:
        print(f"  {page}: {diff}")
    print(f"youfu search index identical: {index['mkdocs'] == index['zensical']} "
          f"({len(index['mkdocs'])} files)")
    print(f"build time (youfu build, one run each): MkDocs {times['mkdocs']:.1f} s, Zensical {times['zensical']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
