"""Checking every internal link and anchor of a built site.

`broken_links(site_dir)` reads every HTML file, resolves each relative `href`/`src`
against it, and reports targets that do not exist and `#anchors` that the target
page does not define. External links are not followed (the site makes none it needs).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

_ATTR = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_ID = re.compile(r"""\b(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_SKIP = ("http:", "https:", "mailto:", "tel:", "data:", "javascript:", "//")


@dataclass(frozen=True, order=True)
class Broken:
    page: str
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link}: {self.reason}"


def broken_links(site: Path, mount: str = "/") -> tuple[list[Broken], int]:
    """(every broken link, number of links checked). `mount` is the path the site is served
    under (from its public address, e.g. "/youfu/"): root-relative links start there."""
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8", errors="replace")
             for p in sorted(site.rglob("*.html"))}
    ids = {name: {html.unescape(m.group(1) or m.group(2) or "") for m in _ID.finditer(text)}
           for name, text in pages.items()}
    broken, checked = [], 0
    targets: dict = {}  # (folder of the page, path of the link) → where it leads: most links repeat
    for name, text in pages.items():
        for match in _ATTR.finditer(text):
            link = html.unescape(match.group(2) if match.group(2) is not None else match.group(3))
            if not link or link.startswith(_SKIP):
                continue
            checked += 1
            problem = _check(site, name, link, ids, mount, targets)
            if problem:
                broken.append(Broken(page=name, link=link, reason=problem))
    return sorted(set(broken)), checked


def _check(site: Path, page: str, link: str, ids: dict[str, set[str]], mount: str = "/",
           targets: dict | None = None) -> str | None:
    parts = urlsplit(link)
    anchor = unquote(parts.fragment)
    if not parts.path:
        target = page
    else:
        key = (page.rpartition("/")[0], parts.path)
        found = targets.get(key) if targets is not None else None
        if found is None:
            found = _target(site, page, parts.path, mount)
            if targets is not None:
                targets[key] = found
        problem, target = found
        if problem:
            return problem
    if anchor and target in ids and anchor not in ids[target]:
        return f"anchor #{anchor} is not on {target}"
    return None


def _target(site: Path, page: str, link_path: str, mount: str) -> tuple[str | None, str | None]:
    """(problem, None) or (None, the page or file a link's path leads to, relative to the site)."""
    # Root-relative links ("/x.html", used by MkDocs on 404.html) start where the site is served.
    path = unquote(link_path)
    if path.startswith("/"):
        if not path.startswith(mount):
            return "points outside the site", None
        start, path = site, path[len(mount):]
    else:
        start = (site / page).parent
    resolved = start.joinpath(path).resolve()
    try:
        relative = resolved.relative_to(site.resolve())
    except ValueError:
        return "points outside the site", None
    if resolved.is_dir():
        resolved = resolved / "index.html"
        relative = relative / "index.html"
    if not resolved.exists():
        return "target does not exist", None
    return None, relative.as_posix()
