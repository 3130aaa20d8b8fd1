"""The Atom feed of reports and the sitemap: values only; the XML is in
`overrides/partials/youfu/atom.xml.html` and `sitemap.xml.html` (named .html so that MkDocs does
not copy them into the site as theme files).

Each feed entry is dated by the last commit that added or changed its report (git), and the
entries are newest first. With the site's public address (`site_url`, YOUFU_SITE_URL) links are
absolute and the feed names itself (rel=self); without it the links are relative to the feed at
the site root, there is no rel=self, and no sitemap is made (a sitemap needs absolute
addresses) — `missing_site_url()` says what is missing, for a build warning.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from .catalog import Catalog, report_order
from .siteinfo import SiteInfo

EPOCH = "1970-01-01T00:00:00Z"  # for a build outside git, where no date is known
FEED = "feed.xml"
SITEMAP = "sitemap.xml"


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
    self_link: str | None  # absolute address of the feed itself; None without a site URL
    updated: str
    entries: list[Entry]


def atom(catalog: Catalog, info: SiteInfo, urls: dict[str, str], site_url: str | None, site_name: str) -> Feed:
    base = site_url or ""
    entries = []
    for report in sorted(catalog.reports, key=report_order):
        bureau = catalog.bureaus.get(report.meta.bureau)
        link = urljoin(base, urls.get(report.src_uri, report.src_uri))
        entries.append(Entry(
            id=f"tag:youfu,2026:report/{report.id}", title=report.meta.title, link=link,
            updated=info.updated_at(f"content/{report.src_uri}") or EPOCH, summary=report.excerpt,
            bureau=bureau.marked_name if bureau else report.meta.bureau,
        ))
    # newest change first (a stable sort keeps the report order among equal times)
    entries.sort(key=lambda e: _instant(e.updated), reverse=True)
    newest = entries[0].updated if entries else EPOCH
    archive = urls.get("reports/index.md", "reports/index.html")
    return Feed(id="tag:youfu,2026:reports", title=f"{site_name}：工作报告", link=urljoin(base, archive),
                self_link=urljoin(site_url, FEED) if site_url else None, updated=newest, entries=entries)


def _instant(stamp: str) -> str:
    """An RFC 3339 time as UTC text that sorts in time order."""
    from datetime import datetime, timezone

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc).isoformat()


@dataclass(frozen=True, kw_only=True)
class SitemapEntry:
    loc: str
    lastmod: str | None  # YYYY-MM-DD of the last change to what the page is made from


def sitemap(pages: list[tuple[str, tuple[str, ...]]], info: SiteInfo, site_url: str) -> list[SitemapEntry]:
    """(page url, repository files it is made from) → sitemap entries with absolute addresses."""
    out = []
    for url, files in sorted(pages):
        day = info.updated(*files) if files else info.data_updated
        out.append(SitemapEntry(loc=urljoin(site_url, url), lastmod=day))
    return out


def missing_site_url() -> str:
    return ("网站地址未设置（YOUFU_SITE_URL 或 mkdocs.yml 的 site_url）：没有生成 sitemap.xml；feed.xml 里的链接是相对地址，"
            "也没有 rel=self；打印的卡片不带网址和二维码。发布前请设置，例如 YOUFU_SITE_URL=https://example.org/youfu/ "
            "(no site URL: no sitemap, relative feed links without rel=self, no address on printed cards)")
