"""Which pages the data generates, and what each one's template receives.

Pure Python: `generated_pages(catalog)` returns plain `GeneratedPage` values. The
MkDocs glue (`hooks/youfu_site.py`) turns them into `File.generated(...)` and renders
each page's partial from `overrides/partials/youfu/` with its context.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from . import bureaus
from .catalog import Catalog


@dataclass(frozen=True, kw_only=True)
class GeneratedPage:
    src_uri: str  # e.g. "bureaus/datong-city.md"
    title: str
    template: str  # partial under overrides/partials/youfu/, e.g. "bureau.html"
    context: dict[str, Any] = field(default_factory=dict)
    description: str | None = None

    def markdown(self) -> str:
        """The page's Markdown source: front matter only; the partial renders the body."""
        meta = {"title": self.title}
        if self.description:
            meta["description"] = self.description
        return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n"


def generated_pages(catalog: Catalog) -> list[GeneratedPage]:
    pages: list[GeneratedPage] = []
    pages += _bureau_pages(catalog)
    pages += _source_pages(catalog)
    return pages


def _bureau_pages(catalog: Catalog) -> list[GeneratedPage]:
    ordered = sorted(catalog.bureaus, key=_bureau_order)
    pages = [GeneratedPage(
        src_uri="bureaus/index.md",
        title="卫生部门",
        template="bureau-index.html",
        context={"groups": _group_by_province(ordered)},
        description="本站资料涉及的卫生局及其他机构，按地区排列。",
    )]
    for bureau in ordered:
        pages.append(GeneratedPage(
            src_uri=bureaus.page_path(bureau.id),
            title=bureau.name,
            template="bureau.html",
            context={"bureau": bureau, "sources": _cited(catalog, bureau.sources)},
            description=f"{bureau.name}（{bureau.region.label}）的资料与相关信息。",
        ))
    return pages


def _source_pages(catalog: Catalog) -> list[GeneratedPage]:
    return [GeneratedPage(
        src_uri="sources/index.md",
        title="资料来源",
        template="sources.html",
        context={"documents": list(catalog.sources),
                 "citing": {doc.file: _citing_bureaus(catalog, doc.file) for doc in catalog.sources}},
        description="本站所有数据与摘要引用的原始资料。",
    )]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

_LEVEL_ORDER = {"province": 0, "city": 1, "district": 2, "county": 3}


def _bureau_order(bureau: bureaus.Bureau) -> tuple:
    region = bureau.region
    return (region.province is None, region.province or "", region.city is None, region.city or "",
            _LEVEL_ORDER[bureau.level], bureau.id)


def _group_by_province(ordered: list[bureaus.Bureau]) -> list[tuple[str, list[bureaus.Bureau]]]:
    groups: dict[str, list[bureaus.Bureau]] = {}
    for bureau in ordered:
        groups.setdefault(bureau.region.province_label, []).append(bureau)
    return list(groups.items())


def _cited(catalog: Catalog, refs) -> list[tuple]:
    """Pair each citation with its source document (for titles on the page)."""
    return [(ref, catalog.source_of(ref)) for ref in refs]


def _citing_bureaus(catalog: Catalog, file: str) -> list[bureaus.Bureau]:
    return [b for b in catalog.bureaus if any(ref.file == file for ref in b.sources)]
