"""Command line: `youfu validate` checks all data and front matter without building.

Prints every problem as `path:line: message` and exits 1 when there is any.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .catalog import load_catalog
from .problems import DataError


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds mkdocs.yml."""
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return start


def validate(root: Path) -> int:
    catalog, problems = load_catalog(root)
    if problems:
        print(DataError(problems).report(), file=sys.stderr)
        return 1
    print(f"数据检查通过（data OK）：{len(catalog.bureaus)} 个卫生部门，{len(catalog.sources)} 份资料。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="youfu", description="优抚医疗信息站点的数据工具")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="检查 data/ 和 content/ 中的全部数据，不生成网站")
    check.add_argument("--root", type=Path, default=None, help="项目根目录（默认：向上查找 mkdocs.yml）")
    args = parser.parse_args(argv)
    root = (args.root or find_root(Path.cwd())).resolve()
    if args.command == "validate":
        return validate(root)
    return 2  # pragma: no cover - argparse rejects unknown commands
