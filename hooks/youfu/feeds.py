"""The Atom feed of reports: newest first, one entry per report.

Only values are prepared here; the XML is `overrides/partials/youfu/feed.xml`.
Links are absolute when `site_url` is set, otherwise relative to the feed, which
sits at the site root.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from .catalog import Catalog, report_order
from .siteinfo import SiteInfo

EPOCH = "1970-01-01"  # for a build outside git, where no date is known


@dataclass(frozen=True, kw_only=True)
class Entry:
    id: str
    title: str
    link: str
    updated: str  # RFC 3339
    summary: str
    bureau: str


@dataclass(frozen=True, kw_only=True)
class Feed:
    id: str
    title: str
    link: str
    updated: str
    entries: list[Entry]


def atom(catalog: Catalog, info: SiteInfo, urls: dict[str, str], site_url: str | None, site_name: str) -> Feed:
    base = site_url or ""
    entries = []
    for report in sorted(catalog.reports, key=report_order):
        bureau = catalog.bureaus.get(report.meta.bureau)
        day = info.updated(f"content/{report.src_uri}") or EPOCH
        link = urljoin(base, urls.get(report.src_uri, report.src_uri))
        entries.append(Entry(
            id=f"tag:youfu,2026:report/{report.id}", title=report.meta.title, link=link,
            updated=f"{day}T00:00:00Z", summary=report.excerpt,
            bureau=bureau.marked_name if bureau else report.meta.bureau,
        ))
    newest = max((e.updated for e in entries), default=f"{info.data_updated or EPOCH}T00:00:00Z")
    return Feed(id="tag:youfu,2026:reports", title=f"{site_name}：工作报告", link=urljoin(base, "reports/"),
                updated=newest, entries=entries)
