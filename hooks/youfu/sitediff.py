"""`youfu diff OLD_SITE NEW_SITE`: which pages a change adds, changes and removes.

Compares two built site folders (`youfu build` of the base branch and of the change), for
the summary of a pull or merge request: a reviewer sees which pages readers will find
new, different or gone before the change is merged. A page counts as changed when what
it shows changed: the article, without its "last updated" line and search metadata (which
move with every commit). Other files (downloads, the feed) are compared byte for byte;
the search index and the theme's files are left out (they follow the pages).
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.S)
_AFTER = re.compile(r'<div class="yf-after">.*', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SKIPPED = ("search/", "assets/", ".")  # the index and the theme's files follow the pages


@dataclass
class SiteDiff:
    added: list[tuple[str, str]] = field(default_factory=list)  # (path, title)
    changed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)  # other files: added, changed or removed
    pages: int = 0  # pages in the new site

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.files_changed)


def _files(site: Path) -> dict[str, Path]:
    if not site.is_dir():
        return {}
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*"))
            if p.is_file() and not p.relative_to(site).as_posix().startswith(SKIPPED)}


def shown(text: str) -> str:
    """What a page shows readers, for comparing: its article without the history block."""
    match = _ARTICLE.search(text)
    body = match.group(1) if match else text
    return _AFTER.sub("", body)


def title(text: str) -> str:
    match = _TITLE.search(text)
    if not match:
        return ""
    return html.unescape(match.group(1)).rsplit(" - ", 1)[0].strip()


def diff(old: Path, new: Path) -> SiteDiff:
    before, after = _files(old), _files(new)
    result = SiteDiff(pages=sum(1 for name in after if name.endswith(".html")))
    for name in sorted(set(before) | set(after)):
        if name.endswith(".html"):
            if name not in before:
                result.added.append((name, title(_read(after[name]))))
            elif name not in after:
                result.removed.append((name, title(_read(before[name]))))
            else:
                old_text, new_text = _read(before[name]), _read(after[name])
                if _digest(shown(old_text)) != _digest(shown(new_text)):
                    result.changed.append((name, title(new_text)))
        elif name not in before or name not in after or before[name].read_bytes() != after[name].read_bytes():
            result.files_changed.append(name)
    return result


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def markdown(result: SiteDiff, limit: int = 200) -> str:
    """The summary as Markdown (a GitHub job summary, or the GitLab job log)."""
    lines = ["## 网站改动预览", ""]
    if result.empty:
        lines.append(f"读者看到的网站没有变化（共 {result.pages} 页）。")
        return "\n".join(lines) + "\n"
    lines.append(f"新增 {len(result.added)} 页，改动 {len(result.changed)} 页，删除 {len(result.removed)} 页"
                 f"（改动后共 {result.pages} 页）；其他文件变化 {len(result.files_changed)} 个。")
    lines.append("")
    for heading, rows in (("新增的页面", result.added), ("改动的页面", result.changed), ("删除的页面", result.removed)):
        if not rows:
            continue
        lines += [f"### {heading}", ""]
        lines += [f"- {_cell(name_title)}（`{name}`）" for name, name_title in rows[:limit]]
        if len(rows) > limit:
            lines.append(f"- ……另有 {len(rows) - limit} 页")
        lines.append("")
    if result.files_changed:
        lines += ["### 其他文件", ""] + [f"- `{name}`" for name in result.files_changed[:limit]] + [""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A title as Markdown text: marks that would format or link are escaped."""
    return re.sub(r"([\\`*_\[\]<>#|!])", r"\\\1", text or "（无标题）")
