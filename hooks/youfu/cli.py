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


SCHEMA_DIR = "data/schemas"


def write_schemas(root: Path, check: bool) -> int:
    """Write data/schemas/*.schema.json from the models (or, with check, compare)."""
    from .opendata import DATASETS, schema

    stale = []
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for dataset in DATASETS:
        path = folder / f"{dataset.name}.schema.json"
        text = schema(dataset)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path.relative_to(root).as_posix())
            if not check:
                path.write_text(text, encoding="utf-8")
    if check and stale:
        print("\n".join(f"{p}:1: schema must match the data models (run: youfu schemas)" for p in stale),
              file=sys.stderr)
        return 1
    print(f"{len(DATASETS)} 个 JSON Schema {'已是最新' if not stale else '已更新'}（{SCHEMA_DIR}/）")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="youfu", description="优抚医疗信息站点的数据工具")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="检查 data/ 和 content/ 中的全部数据，不生成网站")
    check.add_argument("--root", type=Path, default=None, help="项目根目录（默认：向上查找 mkdocs.yml）")
    schemas = sub.add_parser("schemas", help="由数据模型生成 data/schemas/ 中的 JSON Schema（编辑器用）")
    schemas.add_argument("--check", action="store_true", help="只检查是否为最新，不写文件")
    schemas.add_argument("--root", type=Path, default=None)
    args = parser.parse_args(argv)
    root = (args.root or find_root(Path.cwd())).resolve()
    if args.command == "validate":
        return validate(root)
    if args.command == "schemas":
        return write_schemas(root, args.check)
    return 2  # pragma: no cover - argparse rejects unknown commands
