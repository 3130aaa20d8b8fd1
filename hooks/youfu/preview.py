"""What the preview shows while the data has errors.

`youfu serve` (and `mkdocs serve` run directly) regenerate the tree on every change. When
the data has problems there is no site to show, and the engine would keep serving the old
pages, or none, with nothing in the browser saying why. Instead, every page of the tree is
replaced by one page listing each problem as `path:line: message` (the template is
`overrides/partials/youfu/preview-errors.html`): whatever page the browser is on reloads
into the list. Once the data is fixed, the next regeneration writes the real pages back
(their bytes differ from the error page, so `generate.sync` rewrites each), and the browser
reloads into them.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

from . import generate, siteconfig
from .problems import Problem

TEMPLATE = "partials/youfu/preview-errors.html"
ERROR_CLASS = "yf-preview-errors"  # the list's element, for tests and styles


def error_page(root: Path, problems: list[Problem], message: str = "") -> str:
    """The Markdown page (front matter and HTML body) listing the problems."""
    shown = [str(p) for p in sorted(set(problems))] or [message or "数据有误"]
    try:
        overrides = siteconfig.read(root).overrides
        body = generate.environment(overrides).get_template(TEMPLATE).render(problems=shown, count=len(shown))
    except Exception:  # noqa: BLE001 - mkdocs.yml or the template itself is broken: still say what is wrong
        items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in shown)
        body = f'<div class="{ERROR_CLASS}" role="alert"><h1>数据有误，预览没有更新</h1><ol>{items}</ol></div>'
    return "---\ntitle: 数据有误\nhide: [navigation, toc]\n---\n\n" + body.strip() + "\n"


def write_error_pages(root: Path, out: Path, problems: list[Problem], message: str = "") -> list[str]:
    """Put the error page in place of every page of the tree at `out` (index.md when there
    is none yet); other files are left as they are. Returns the pages written."""
    page = error_page(root, problems, message).encode("utf-8")
    if out.exists() and not (out / generate.MARKER).is_file():
        raise generate.GenerateError(f"{out} 不是 youfu 生成的文件夹（没有 {generate.MARKER}），为免误删，不会写入")
    out.mkdir(parents=True, exist_ok=True)
    (out / generate.MARKER).touch()
    pages = sorted(Path(dirpath, name).relative_to(out).as_posix()
                   for dirpath, _, names in os.walk(out) for name in names if name.endswith(".md"))
    written = []
    for relative in pages or ["index.md"]:
        path = out / relative
        try:
            if path.read_bytes() == page:
                continue
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        generate.write_atomically(path, page)
        written.append(relative)
    return written
