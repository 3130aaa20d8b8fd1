"""Which pages the data makes, and what each page's partial receives.

Pure Python. `site_plan(catalog)` returns:
- `generated`: pages that exist only as data (`File.generated` in the hook);
- `views`: for every page we render (generated or a Markdown report), the partial
  from `overrides/partials/youfu/` and its context. The partial receives the page's
  own Markdown HTML as `body`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from . import bureaus, charts, reports
from .catalog import Catalog, report_order

ARCHIVE_PAGE_SIZE = 25


@dataclass(frozen=True, kw_only=True)
class View:
    template: str  # partial under overrides/partials/youfu/
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class GeneratedPage:
    src_uri: str  # e.g. "bureaus/datong-city.md"
    title: str
    description: str | None = None

    def markdown(self) -> str:
        """The page's Markdown source: front matter only; the partial renders the body."""
        meta = {"title": self.title}
        if self.description:
            meta["description"] = self.description
        return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n"


@dataclass
class SitePlan:
    generated: list[GeneratedPage] = field(default_factory=list)
    views: dict[str, View] = field(default_factory=dict)

    def add(self, src_uri: str, title: str, template: str, description: str | None = None, **context) -> None:
        self.generated.append(GeneratedPage(src_uri=src_uri, title=title, description=description))
        self.views[src_uri] = View(template=template, context=context)


def site_plan(catalog: Catalog) -> SitePlan:
    plan = SitePlan()
    _plan_bureaus(plan, catalog)
    _plan_sources(plan, catalog)
    _plan_reports(plan, catalog)
    return plan


# ---------------------------------------------------------------------------
# Bureaus and sources
# ---------------------------------------------------------------------------


def _plan_bureaus(plan: SitePlan, catalog: Catalog) -> None:
    ordered = sorted(catalog.bureaus, key=_bureau_order)
    plan.add("bureaus/index.md", "卫生部门", "bureau-index.html",
             "本站资料涉及的卫生局及其他机构，按地区排列。",
             groups=_group_by_province(ordered),
             report_counts={b.id: len(catalog.reports_of(b.id)) for b in ordered})
    for bureau in ordered:
        timeline = catalog.reports_of(bureau.id)
        plan.add(bureaus.page_path(bureau.id), bureau.name, "bureau.html",
                 f"{bureau.name}（{bureau.region.label}）的工作报告与相关信息。",
                 bureau=bureau, sources=_cited(catalog, bureau.sources),
                 timeline=timeline, charts=charts.bureau_charts(timeline))


def _plan_sources(plan: SitePlan, catalog: Catalog) -> None:
    plan.add("sources/index.md", "资料来源", "sources.html", "本站所有数据与摘要引用的原始资料。",
             documents=list(catalog.sources),
             citing={doc.file: _citing_bureaus(catalog, doc.file) for doc in catalog.sources},
             reports_citing={doc.file: [r for r in sorted(catalog.reports, key=report_order)
                                        if any(ref.file == doc.file for ref in r.meta.sources)]
                             for doc in catalog.sources})


# ---------------------------------------------------------------------------
# Reports: each report page, the paginated archive, years and topics
# ---------------------------------------------------------------------------


def _plan_reports(plan: SitePlan, catalog: Catalog) -> None:
    ordered = sorted(catalog.reports, key=report_order)
    for report in ordered:
        plan.views[report.src_uri] = View(template="report.html", context={
            "report": report,
            "bureau": catalog.bureaus.get(report.meta.bureau),
            "sources": _cited(catalog, report.meta.sources),
            "companions": companions(catalog, report),
        })
    pages = [ordered[i:i + ARCHIVE_PAGE_SIZE] for i in range(0, len(ordered), ARCHIVE_PAGE_SIZE)] or [[]]
    page_uris = [archive_uri(n) for n in range(1, len(pages) + 1)]
    for number, chunk in enumerate(pages, start=1):
        title = "工作报告" if number == 1 else f"工作报告（第{number}页）"
        plan.add(page_uris[number - 1], title, "report-archive.html",
                 "各地卫生部门历年的双拥工作总结、计划和汇报。",
                 reports=chunk, number=number, page_uris=page_uris,
                 years=_years(ordered), topics=_topics(ordered), total=len(ordered),
                 bureaus={b.id: b for b in catalog.bureaus})
    for year, members in _years(ordered):
        plan.add(year_uri(year), f"{year_title(year)}的工作报告", "report-list.html",
                 f"{year_title(year)}各地卫生部门的工作报告。",
                 heading=f"{year_title(year)}的工作报告", reports=members,
                 bureaus={b.id: b for b in catalog.bureaus})
    for topic, members in _topics(ordered):
        plan.add(topic_uri(topic), f"主题：{topic}", "report-list.html",
                 f"涉及“{topic}”的工作报告。",
                 heading=f"主题：{topic}", reports=members, bureaus={b.id: b for b in catalog.bureaus})


def archive_uri(number: int) -> str:
    return "reports/index.md" if number == 1 else f"reports/page/{number}.md"


def year_uri(year: int | None) -> str:
    return f"reports/years/{year if year is not None else 'unknown'}.md"


def year_title(year: int | None) -> str:
    return f"{year}年" if year is not None else "年份不详"


TOPIC_SLUGS = {
    "征兵体检": "conscription-exam", "优抚医疗": "entitled-care", "绿色通道": "green-channel",
    "献血用血": "blood", "国防教育": "defence-education", "走访慰问": "visits", "退役安置": "resettlement",
    "军民共建": "joint-building", "对口支援": "counterpart-support", "新农合": "rural-insurance",
    "惠民医疗": "affordable-care", "纠风": "anti-malpractice", "医疗服务": "medical-services",
    "公共卫生": "public-health", "卫生改革": "health-reform", "基层卫生": "primary-care",
    "人才培训": "training", "卫生监督": "health-inspection",
}
assert set(TOPIC_SLUGS) == set(reports.TOPICS), "every topic needs an address"


def topic_uri(topic: str) -> str:
    return f"reports/topics/{TOPIC_SLUGS[topic]}.md"


def companions(catalog: Catalog, report: reports.Report) -> list[reports.Report]:
    """The plan for a summary's year, or the summaries for a plan's year, same bureau."""
    if report.meta.year is None:
        return []
    wanted = reports.SUMMARY_KINDS if report.meta.kind in reports.PLAN_KINDS else reports.PLAN_KINDS
    return [r for r in catalog.reports_of(report.meta.bureau)
            if r.meta.year == report.meta.year and r.meta.kind in wanted and r is not report]


def _years(ordered: list[reports.Report]) -> list[tuple[int | None, list[reports.Report]]]:
    groups: dict[int | None, list[reports.Report]] = {}
    for report in ordered:
        groups.setdefault(report.meta.year, []).append(report)
    return list(groups.items())


def _topics(ordered: list[reports.Report]) -> list[tuple[str, list[reports.Report]]]:
    return [(topic, [r for r in ordered if topic in r.meta.topics])
            for topic in reports.TOPICS if any(topic in r.meta.topics for r in ordered)]


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
