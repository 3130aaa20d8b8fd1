"""Which pages the data makes, and what each page's partial receives.

Pure Python. `site_plan(catalog)` returns:
- `generated`: pages that exist only as data (`File.generated` in the hook);
- `views`: for every page we render (generated or a Markdown report), the partial
  from `overrides/partials/youfu/` and its context. The partial receives the page's
  own Markdown HTML as `body`.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import atlas as atlases, bureaus, charts, places, reports
from .catalog import Catalog, report_order

ARCHIVE_PAGE_SIZE = 25


@dataclass(frozen=True, kw_only=True)
class View:
    template: str  # partial under overrides/partials/youfu/
    context: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()  # repository files the page is made from (for its change history)


@dataclass(frozen=True, kw_only=True)
class GeneratedPage:
    src_uri: str  # e.g. "bureaus/datong-city.md"
    title: str
    description: str | None = None

    def markdown(self) -> str:
        """The page's Markdown source: front matter only; the partial renders the body."""
        meta = {"title": self.title}
        if self.description:
            # Material prints the description into an attribute without escaping it.
            meta["description"] = html.escape(self.description, quote=True)
        return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n"


@dataclass
class SitePlan:
    generated: list[GeneratedPage] = field(default_factory=list)
    views: dict[str, View] = field(default_factory=dict)
    atlas: atlases.Atlas = field(default_factory=atlases.Atlas)  # place pages; templates link places through it

    def add(self, src_uri: str, title: str, template: str, description: str | None = None, *,
            files: tuple[str, ...] = (), **context) -> None:
        self.generated.append(GeneratedPage(src_uri=src_uri, title=title, description=description))
        self.views[src_uri] = View(template=template, context=context, files=files)


def site_plan(catalog: Catalog) -> SitePlan:
    plan = SitePlan(atlas=atlases.build(catalog))
    _plan_places(plan, catalog)
    _plan_bureaus(plan, catalog)
    _plan_sources(plan, catalog)
    _plan_reports(plan, catalog)
    _plan_benefits(plan, catalog)
    _plan_facilities(plan, catalog)
    _plan_downloads(plan, catalog)
    _plan_search(plan, catalog)
    packages = list(catalog.packages)
    plan.views["index.md"] = View(template="home.html", context={
        "groups": sorted((g for g in catalog.groups if not g.parent), key=lambda g: (g.order, g.id)),
        "places": plan.atlas.roots, "counts": {
        "groups": len(catalog.groups),
        "national": sum(p.scope == "national" for p in packages),
        "recorded": sum(p.scope == "local" and not p.claim.is_plan for p in packages),
        "planned": sum(p.scope == "local" and p.claim.is_plan for p in packages),
        "facilities": len(catalog.facilities),
        "military_facilities": sum(f.military for f in catalog.facilities),
        "blood_rules": len(catalog.blood_rules),
        "reports": len(catalog.reports), "bureaus": len(catalog.bureaus)}})
    return plan


# ---------------------------------------------------------------------------
# Bureaus and sources
# ---------------------------------------------------------------------------


def _plan_bureaus(plan: SitePlan, catalog: Catalog) -> None:
    ordered = sorted(catalog.bureaus, key=_bureau_order)
    plan.add("bureaus/index.md", "卫生部门", "bureau-index.html", files=(bureaus.FILE,), description=
             "本站资料涉及的卫生局及其他机构，按地区排列。",
             groups=_group_by_province(catalog, ordered), place_of=catalog.place_of,
             report_counts={b.id: len(catalog.reports_of(b.id)) for b in ordered})
    for bureau in ordered:
        timeline = catalog.reports_of(bureau.id)
        plan.add(bureaus.page_path(bureau.id), bureau.marked_name, "bureau.html",
                 files=(bureaus.FILE, "data/facilities.yml", "data/benefits.yml", "data/blood_rules.yml",
                        *(f"content/{r.src_uri}" for r in timeline)), description=
                 f"{bureau.marked_name}（{catalog.place_of(bureau).marked_label}）的工作报告与相关信息。",
                 bureau=bureau, place=catalog.place_of(bureau), sources=_cited(catalog, bureau.sources),
                 timeline=timeline, charts=charts.bureau_charts(timeline),
                 facilities=sorted((f for f in catalog.facilities if f.bureau == bureau.id), key=lambda f: (f.name, f.id)),
                 packages=[p for p in catalog.packages if p.bureau == bureau.id],
                 rules=[r for r in catalog.blood_rules if r.bureau == bureau.id])


def _plan_sources(plan: SitePlan, catalog: Catalog) -> None:
    plan.add("sources/index.md", "资料来源", "sources.html", "本站所有数据与摘要引用的原始资料。",
             files=("data/sources.yml",),
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
            "place": catalog.place_of(catalog.bureaus.get(report.meta.bureau)) if report.meta.bureau in catalog.bureaus.ids()
            else places.Place(),
            "sources": _cited(catalog, report.meta.sources),
            "companions": companions(catalog, report),
        })
    years, topics = _years(ordered), _topics(ordered)
    bureaus_by_id = {b.id: b for b in catalog.bureaus}
    for number, chunk, pager in _paged(ordered, archive_uri):
        title = "工作报告" if number == 1 else f"工作报告（第{number}页）"
        plan.add(pager.uris[number - 1], title, "report-archive.html",
                 files=tuple(f"content/{r.src_uri}" for r in chunk), description=
                 "各地卫生部门历年的双拥工作总结、计划和汇报。",
                 reports=chunk, number=number, pager=pager,
                 years=years, topics=topics, total=len(ordered), bureaus=bureaus_by_id)
    lists = [(f"{year_title(year)}的工作报告", f"{year_title(year)}各地卫生部门的工作报告。",
              functools.partial(year_uri, year), members) for year, members in years]
    lists += [(f"主题：{topic}", f"涉及“{topic}”的工作报告。", functools.partial(topic_uri, topic), members)
              for topic, members in topics]
    for heading, description, uri_of, members in lists:
        for number, chunk, pager in _paged(members, lambda n, uri_of=uri_of: uri_of(page=n)):
            title = heading if number == 1 else f"{heading}（第{number}页）"
            plan.add(pager.uris[number - 1], title, "report-list.html",
                     files=tuple(f"content/{r.src_uri}" for r in chunk), description=description,
                     heading=title, reports=chunk, total=len(members), number=number, pager=pager,
                     bureaus=bureaus_by_id)


@dataclass(frozen=True)
class Pager:
    """Links between the pages of one paginated list: the first and the last page, and
    the pages near the current one (the number of links does not grow with the list)."""

    uris: tuple[str, ...]
    number: int
    window: int = 2

    @property
    def links(self) -> list[tuple[int, str] | None]:
        """(page number, uri) in order; None where pages are left out."""
        count = len(self.uris)
        shown = sorted({1, count, *range(max(1, self.number - self.window),
                                          min(count, self.number + self.window) + 1)})
        out: list[tuple[int, str] | None] = []
        for previous, n in zip([0, *shown], shown):
            if n - previous > 1:
                out.append(None)
            out.append((n, self.uris[n - 1]))
        return out

    @property
    def previous(self) -> str | None:
        return self.uris[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.uris[self.number] if self.number < len(self.uris) else None


def _paged(items: list, uri_of) -> Iterator[tuple[int, list, Pager]]:
    """(number, items of that page, pager) for pages of ARCHIVE_PAGE_SIZE items; page 1 always exists."""
    chunks = [items[i:i + ARCHIVE_PAGE_SIZE] for i in range(0, len(items), ARCHIVE_PAGE_SIZE)] or [[]]
    uris = tuple(uri_of(n) for n in range(1, len(chunks) + 1))
    for number, chunk in enumerate(chunks, start=1):
        yield number, chunk, Pager(uris=uris, number=number)


def archive_uri(number: int) -> str:
    return "reports/index.md" if number == 1 else f"reports/page/{number}.md"


def year_uri(year: int | None, page: int = 1) -> str:
    name = year if year is not None else "unknown"
    return f"reports/years/{name}.md" if page == 1 else f"reports/years/{name}-p{page}.md"


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


def topic_uri(topic: str, page: int = 1) -> str:
    slug = TOPIC_SLUGS[topic]
    return f"reports/topics/{slug}.md" if page == 1 else f"reports/topics/{slug}-p{page}.md"


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


def _group_by_province(catalog: Catalog, ordered: list[bureaus.Bureau]) -> list[tuple[str, list[bureaus.Bureau]]]:
    """[(province heading, bureaus)]: a heading says （含推断） when a bureau's province under it was inferred."""
    groups: dict[str, list[bureaus.Bureau]] = {}
    for bureau in ordered:
        groups.setdefault(catalog.place_of(bureau).province_label, []).append(bureau)
    labels = dict(province_options([catalog.place_of(b) for b in ordered]))
    return [(labels[province], members) for province, members in groups.items()]


def _cited(catalog: Catalog, refs) -> list[tuple]:
    """Pair each citation with its source document (for titles on the page)."""
    return [(ref, catalog.source_of(ref)) for ref in refs]


def _citing_bureaus(catalog: Catalog, file: str) -> list[bureaus.Bureau]:
    return [b for b in catalog.bureaus if any(ref.file == file for ref in b.sources)]


# ---------------------------------------------------------------------------
# Benefits: groups, packages, the comparison matrix, the glossary
# ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Placed:
    """A benefit item with its package, its claim and the place it applies to."""

    item: Any
    package: Any
    claim: Any  # the item's own claim, or its package's
    place: places.Place | None  # None for national packages
    bureau: Any  # None for national packages
    reach: str  # space-separated ids of every group the item applies to, subgroups included

    @property
    def province(self) -> str:
        """Filter value: 全国, or the province (whether stated or inferred)."""
        return "全国" if self.place is None else self.place.province_label

    @property
    def national(self) -> bool:
        return self.place is None


def placed_items(catalog: Catalog) -> list[Placed]:
    out = []
    for package in sorted(catalog.packages, key=lambda p: (p.scope != "national", p.id)):
        bureau = catalog.bureaus.get(package.bureau) if package.bureau else None
        place = catalog.place_of(bureau) if bureau else None
        for item in package.items:
            reach = sorted(set().union(*(subgroups(catalog, g) for g in item.groups)))
            out.append(Placed(item=item, package=package, claim=package.claim_of(item), place=place, bureau=bureau,
                              reach=" ".join(reach)))
    return out


def province_options(found: list[places.Place | None]) -> list[tuple[str, str]]:
    """(value, label) of the province filter: a label says （推断） when the province of any
    record under it was inferred, so that a filter never shows an inferred place as fact."""
    options: dict[str, bool] = {}
    for place in found:
        value = "全国" if place is None else place.province_label
        part = place.part("province") if place is not None else None
        options[value] = options.get(value, False) or bool(part and part.inferred)
    return [(value, value + ("（含推断）" if inferred else ""))
            for value, inferred in sorted(options.items(), key=lambda kv: _province_key(kv[0]))]


def subgroups(catalog: Catalog, group_id: str) -> set[str]:
    """A group and every group below it (重点优抚对象 → 革命功臣, 在乡老复员军人 …)."""
    found = {group_id}
    changed = True
    while changed:
        more = {g.id for g in catalog.groups if g.parent in found} - found
        found |= more
        changed = bool(more)
    return found


def group_family(catalog: Catalog, group_id: str) -> set[str]:
    """A group and the groups it belongs to (革命功臣 → 重点优抚对象)."""
    family, current = set(), catalog.groups.get(group_id)
    while current is not None and current.id not in family:
        family.add(current.id)
        current = catalog.groups.get(current.parent) if current.parent else None
    return family


def _plan_benefits(plan: SitePlan, catalog: Catalog) -> None:
    from . import benefits

    placed = placed_items(catalog)
    groups = sorted(catalog.groups, key=lambda g: (g.order, g.id))
    common = {"groups_by_id": {g.id: g for g in groups}, "laws": {law.id: law for law in catalog.legal},
              "item_types": benefits.ITEM_TYPES, "place_of": catalog.place_of}
    plan.add("benefits/index.md", "优待政策", "benefits-index.html", files=(benefits.BENEFITS_FILE, benefits.GROUPS_FILE),
             description=
             "各类优抚对象就医时可以享受的优待：全国性规定，以及各地资料里记录的做法和计划。",
             groups=groups, packages=sorted(catalog.packages, key=_package_order), **common,
             bureaus={b.id: b for b in catalog.bureaus})
    for group in groups:
        family = group_family(catalog, group.id)
        mine = [p for p in placed if family & set(p.item.groups)]
        personal = [p for p in mine if p.item.personal]
        local = [p for p in personal if not p.national]
        plan.add(benefits.group_path(group.id), f"{group.name}的就医优待", "benefit-group.html",
                 files=(benefits.GROUPS_FILE, benefits.BENEFITS_FILE), description=
                 f"{group.name}就医时全国适用的规定、各地资料里的记录，以及资料没有写明的事项。",
                 group=group, national=[p for p in personal if p.national],
                 recorded=_by_package([p for p in local if not p.claim.is_plan]),
                 planned=_by_package([p for p in local if p.claim.is_plan]),
                 support=[p for p in mine if not p.item.personal],
                 see_also=[catalog.groups.get(g) for g in group.see_also if catalog.groups.get(g)],
                 cards=_cards(catalog, mine), group_bring=[(group, d) for d in group.bring],
                 steps=[p for p in personal if p.national and p.item.type in ("priority", "other") and p.item.note],
                 documents=_documents(group, [p for p in personal if p.national]), **common)
    for package in catalog.packages:
        bureau = catalog.bureaus.get(package.bureau) if package.bureau else None
        plan.add(benefits.package_path(package.id), package.title, "benefit-package.html",
                 files=(benefits.BENEFITS_FILE,), description=
                 f"{package.title}：项目、适用对象、资料的性质和年份、出处。",
                 package=package, bureau=bureau, place=catalog.place_of(bureau) if bureau else None,
                 sources=_cited(catalog, package.sources),
                 item_sources={i.id: _cited(catalog, package.item_sources(i)) for i in package.items},
                 facilities={f.id: f for f in catalog.facilities}, **common)
    types = [t for t in benefits.ITEM_TYPES if any(p.item.type == t for p in placed if p.item.personal)]
    shown = [p for pk, members in _by_package([p for p in placed if p.item.personal]) for p in members]
    plan.add("benefits/matrix.md", "优待对照表", "benefit-matrix.html",
             files=(benefits.BENEFITS_FILE, benefits.GROUPS_FILE), description=
             "按身份和地区对照全国规定和各地资料里的就医优待，每一项都注明资料的性质、年份和出处。",
             items=shown, types=types,
             paths={p.package.id: atlases.path_of(p.place) for p in shown},
             covers={p.package.id: p.bureau is not None and atlases.COVERS.get(p.bureau.level) == _deepest(p.place)
                     for p in shown},
             place_options=atlases.options([p.place for p in shown]), **common)
    plan.add("benefits/legal.md", "法律依据", "legal.html", files=(benefits.LEGAL_FILE,), description=
             "与军人、优抚对象就医和用血优待有关的全国性法律法规和文件。",
             laws=list(catalog.legal),
             citing={law.id: [p for p in catalog.packages
                              if any(r.law == law.id for r in [*p.legal, *(x for i in p.items for x in i.legal)])]
                     for law in catalog.legal})
    plan.add("benefits/glossary.md", "名词解释", "glossary.html", files=(benefits.GLOSSARY_FILE,), description=
             "四优先、六优先、两免、三免、三减半、七减、一站式结算、绿色通道等词语的通俗解释和出处。",
             terms=list(catalog.glossary), laws={law.id: law for law in catalog.legal},
             term_sources={t.id: _cited(catalog, t.sources) for t in catalog.glossary})


def _cards(catalog: Catalog, placed: list[Placed]) -> list[tuple[str, list]]:
    """Each card or certificate a group's records name, once, with the packages naming it."""
    cards: dict[str, list] = {}
    for p in placed:
        if p.national:
            continue  # national cards come with their law, in the group's own list
        for card in p.package.cards:
            if p.package not in cards.setdefault(card, []):
                cards[card].append(p.package)
    return sorted(cards.items())


def _deepest(place: places.Place | None) -> str | None:
    return place.parts[-1].level if place is not None and place.parts else None


def _documents(group, national: list[Placed]) -> list[tuple[str, list]]:
    """The documents to bring, each once: the group's own list, then cards its national rules
    name (with their legal basis) that the list does not already hold."""
    out: dict[str, list] = {}
    for document in group.bring:
        out.setdefault(document.what, list(document.legal))
    for p in national:
        for card in p.package.cards:
            if not any(card in known or known in card for known in out):
                out[card] = list(p.package.legal)
    return list(out.items())


def _package_order(package) -> tuple:
    return (package.scope != "national", package.claim.is_plan, package.id)


def _province_key(name: str) -> tuple:
    return (name != "全国", name.endswith("未知"), name)


def _by_package(placed: list[Placed]) -> list[tuple[Any, list[Placed]]]:
    """[(package, its items)], national first, then by province and place."""
    groups: dict[str, list[Placed]] = {}
    for p in placed:
        groups.setdefault(p.package.id, []).append(p)
    rows = list(groups.values())
    return [(members[0].package, members) for members in sorted(rows, key=lambda m: (
        _province_key(m[0].province), m[0].place.label if m[0].place else "", m[0].package.claim.is_plan,
        m[0].package.id))]


# ---------------------------------------------------------------------------
# Facilities, blood rules, regions
# ---------------------------------------------------------------------------


def _plan_facilities(plan: SitePlan, catalog: Catalog) -> None:
    from . import facilities

    where = {f.id: catalog.place_of(f) for f in catalog.facilities}
    ordered = sorted(catalog.facilities, key=lambda f: (_province_key(where[f.id].province_label),
                                                         where[f.id].label, f.name, f.id))
    services = [s for s in facilities.SERVICES if any(s in f.services for f in ordered)]
    bureaus_by_id = {b.id: b for b in catalog.bureaus}
    titles, same_place = facility_titles(catalog, where)
    plan.add("facilities/index.md", "医院与机构", "facility-directory.html",
             files=(facilities.FACILITIES_FILE,), description=
             "资料里提到的医院和卫生机构：为军人和优抚对象设的服务、资料的性质和年份、机构状态，可按省、市、县和服务筛选。",
             facilities=ordered, places=where, services=services, paths={f.id: atlases.path_of(where[f.id]) for f in ordered},
             place_options=atlases.options(list(where.values())), bureaus=bureaus_by_id,
             shared_names={f.name for f in ordered if titles[f.id] != f.name}, same_place=same_place)
    placed = placed_items(catalog)
    for facility in ordered:
        applying = [p for p in placed if p.item.personal and (facility.id in p.item.facilities
                    or (p.package.bureau == facility.bureau and not p.item.facilities and facility.military))]
        plan.add(f"facilities/{facility.id}.md", titles[facility.id], "facility.html",
                 files=(facilities.FACILITIES_FILE, facilities.BLOOD_FILE, "data/benefits.yml"), description=
                 f"{facility.name}：资料记载的服务、状态、适用的优待和出处。",
                 facility=facility, place=where[facility.id], bureau=bureaus_by_id.get(facility.bureau),
                 meanings=facilities.SERVICES, applying=applying, sources=_cited(catalog, facility.sources),
                 blood=[r for r in catalog.blood_rules if r.facility == facility.id],
                 groups_by_id={g.id: g for g in catalog.groups},
                 shared_name=titles[facility.id] != facility.name, same_place=facility.id in same_place)
    plan.add("facilities/regions.md", "各地区概况", "regions.html", files=(facilities.FACILITIES_FILE,), description=
             "各地区收录的机构数量和服务数量（只统计资料里提到的机构）。",
             rows=_region_rows(ordered, where), services=services)
    rules = sorted(catalog.blood_rules, key=lambda r: (not r.national, r.id))
    plan.add("blood/index.md", "用血优先", "blood.html", files=(facilities.BLOOD_FILE, "data/legal.yml", "data/benefits.yml"),
             answers=blood_answers(catalog, placed),
             description=
             "临床用血的优待：献血法对献血者及其亲属的全国规定，以及各地资料里对现役军人和军属的记录。",
             rules=rules, bureaus=bureaus_by_id, facilities={f.id: f for f in catalog.facilities},
             groups_by_id={g.id: g for g in catalog.groups}, place_of=catalog.place_of,
             laws=[law for law in catalog.legal if law.id == BLOOD_LAW], laws_by_id={law.id: law for law in catalog.legal},
             rule_sources={r.id: _cited(catalog, r.sources) for r in rules})


def facility_titles(catalog: Catalog, where: dict) -> tuple[dict[str, str], set[str]]:
    """Page titles: a name several facilities share (six are 市人民医院 in some data) gets its
    place, and its bureau when the place does not tell them apart either. Also the ids whose
    place is shared by another facility of the same name."""
    from collections import Counter

    names = Counter(f.name for f in catalog.facilities)
    labelled = Counter((f.name, where[f.id].marked_label) for f in catalog.facilities)
    titles, same_place = {}, set()
    for f in catalog.facilities:
        if names[f.name] == 1:
            titles[f.id] = f.name
            continue
        label = where[f.id].marked_label
        bureau = catalog.bureaus.get(f.bureau)
        if labelled[(f.name, label)] > 1 and bureau is not None:
            same_place.add(f.id)
            titles[f.id] = f"{f.name}（{label}，{bureau.marked_name}）"
        else:
            titles[f.id] = f"{f.name}（{label}）"
    return titles, same_place


BLOOD_LAW = "blood-donation-law"


@dataclass(frozen=True, kw_only=True)
class BloodAnswer:
    """What the data says about one group's clinical blood use: national rules, local records."""

    group: Any
    national: list  # Placed items of national packages citing the blood donation law
    local: list  # blood rules naming the group (or a group it belongs to)
    see_also: list  # related groups that have a national blood rule (献血者及其亲属)


def blood_answers(catalog: Catalog, placed: list[Placed]) -> list[BloodAnswer]:
    """One answer per top-level group (and every group a blood record names), in group order."""
    blood_items = [p for p in placed if p.national and p.item.personal
                   and any(r.law == BLOOD_LAW for r in [*p.package.legal, *p.item.legal])]
    named = {g for r in catalog.blood_rules for g in r.who} | {g for p in blood_items for g in p.item.groups}
    out = []
    for group in sorted(catalog.groups, key=lambda g: (g.order, g.id)):
        if group.parent and group.id not in named:
            continue
        family = group_family(catalog, group.id)
        national = [p for p in blood_items if family & set(p.item.groups)]
        local = sorted((r for r in catalog.blood_rules if family & set(r.who) and not r.national),
                       key=lambda r: (r.claim.is_plan, r.id))
        see_also = [g for g in (catalog.groups.get(x) for x in group.see_also)
                    if g and any(g.id in p.item.groups for p in blood_items)]
        out.append(BloodAnswer(group=group, national=national, local=local, see_also=see_also))
    return out


def _region_rows(ordered, where) -> list[tuple[places.Place, int, dict[str, int]]]:
    """One row per distinct place (inferred and stated places kept apart)."""
    rows: dict[places.Place, tuple[int, dict[str, int]]] = {}
    for facility in ordered:
        place = where[facility.id]
        count, per_service = rows.get(place, (0, {}))
        for service in facility.services:
            per_service[service] = per_service.get(service, 0) + 1
        rows[place] = (count + 1, per_service)
    return [(place, count, per) for place, (count, per) in rows.items()]


# ---------------------------------------------------------------------------
# Search page (the index itself is written by the hook after the build)
# ---------------------------------------------------------------------------


def _plan_search(plan: SitePlan, catalog: Catalog) -> None:
    ordered = sorted(catalog.bureaus, key=_bureau_order)
    periods = [r.period for r in catalog.reports] + [p.claim.period for p in catalog.packages]
    plan.add("search/index.md", "搜索", "search.html", "在全部页面中搜索，支持简体、繁体和按年份、部门、地区筛选。",
             years=_year_options(periods),
             bureaus=ordered, regions=province_options([catalog.place_of(b) for b in ordered]),
             kinds=[k for k in reports.KINDS if any(r.meta.kind == k for r in catalog.reports)],
             topics=[t for t in reports.TOPICS if any(t in r.meta.topics for r in catalog.reports)])


def _year_options(periods) -> list[tuple[int, str]]:
    """(year, label) of the year filter, newest first: a label says （含推断）/（含存疑） when a page
    filed under that year has an inferred or doubtful year, so a filter never shows one as fact."""
    marks: dict[int, set[str]] = {}
    for period in periods:
        if period.first_year is not None:
            marks.setdefault(period.first_year, set()).add(period.certainty)
    words = {"inferred": "推断", "doubtful": "存疑"}
    out = []
    for year in sorted(marks, reverse=True):
        extra = "、".join(words[c] for c in ("inferred", "doubtful") if c in marks[year])
        out.append((year, f"{year}年" + (f"（含{extra}）" if extra else "")))
    return out


LISTING_TEMPLATES = frozenset({"report-archive.html", "report-list.html"})


def search_meta(catalog: Catalog, plan: SitePlan, src_uri: str) -> dict | None:
    """What the search index records about a page besides its text; None for a page
    that is not searched. Lists of reports (archive, years, topics) are not: they only
    repeat the titles of the reports, which are searched themselves, and the search
    page filters by year and topic."""
    view = plan.views.get(src_uri)
    if view is not None and view.template in LISTING_TEMPLATES:
        return None
    context = view.context if view else {}
    if "report" in context:
        report, bureau = context["report"], context["bureau"]
        return {"kind": "报告", "bureau": report.meta.bureau, "year": report.meta.year,
                "doc_kind": report.meta.kind, "topics": tuple(report.meta.topics),
                "region": catalog.place_of(bureau).province_label if bureau else None,
                "sub": " · ".join(x for x in [bureau.marked_name if bureau else "", report.year_label, report.meta.kind] if x)}
    if "facility" in context:
        f, place = context["facility"], context["place"]
        return {"kind": "机构", "bureau": f.bureau, "region": place.province_label,
                "sub": f"{f.kind} · {place.marked_label} · 资料所述状态：{f.status_name}"}
    if "package" in context:
        p, b = context["package"], context["bureau"]
        return {"kind": "优待", "bureau": p.bureau, "year": p.claim.period.first_year,
                "region": catalog.place_of(b).province_label if b else None,
                "sub": f"{b.marked_name if b else '全国性规定'} · {p.claim.kind_name}"}
    if "bureau" in context and view.template == "bureau.html":
        b = context["bureau"]
        place = catalog.place_of(b)
        return {"kind": "部门", "bureau": b.id, "region": place.province_label, "sub": place.marked_label}
    # For editors and researchers: found, but after the pages for the public.
    if src_uri.startswith(("guide/", "tech/", "downloads/")):
        kind = {"guide/": "编辑指南", "tech/": "技术说明", "downloads/": "开放数据"}[src_uri.split("/")[0] + "/"]
        return {"kind": kind, "weight": 0.5}
    return {"kind": "页面"}


# ---------------------------------------------------------------------------
# Open data
# ---------------------------------------------------------------------------


def _plan_downloads(plan: SitePlan, catalog: Catalog) -> None:
    from . import opendata

    entries = [(d, len(d.rows(catalog)), opendata.dictionary(d)) for d in opendata.DATASETS]
    plan.add("downloads/index.md", "开放数据下载", "downloads.html",
             files=tuple(d.data_file for d in opendata.DATASETS if d.data_file.endswith(".yml")), description=
             "本站全部数据的 JSON、CSV 下载，以及 JSON Schema 和中文数据字典。",
             entries=entries)


# ---------------------------------------------------------------------------
# Places: one page per province, city and county, and one for unknown places
# ---------------------------------------------------------------------------

DATA_FILES = ("data/bureaus.yml", "data/facilities.yml", "data/benefits.yml", "data/blood_rules.yml",
              "data/groups.yml", "data/legal.yml")


@dataclass(frozen=True, kw_only=True)
class LocalRecord:
    """A local package (its personal items) or blood rule, as a place page lists it."""

    record: Any
    kind: str  # "package" | "blood"
    node: atlases.PlaceNode | None  # where it is placed (None: unknown place)
    bureau: Any
    items: tuple = ()  # Placed items of a package
    whole: bool = True  # its bureau speaks for the whole area of its place (else: a part of it, which one unknown)

    @property
    def claim(self):
        return self.record.claim

    @property
    def is_plan(self) -> bool:
        return self.record.claim.is_plan


def _local_records(catalog: Catalog, node: atlases.PlaceNode | None, packages, rules, personal) -> list[LocalRecord]:
    out = []
    for package in packages:
        bureau = catalog.bureaus.get(package.bureau) if package.bureau else None
        items = tuple(personal.get(package.id, ()))
        if items:
            out.append(LocalRecord(record=package, kind="package", node=node, bureau=bureau, items=items,
                                   whole=node is None or node.covers(bureau)))
    for rule in rules:
        bureau = catalog.bureaus.get(rule.bureau) if rule.bureau else None
        out.append(LocalRecord(record=rule, kind="blood", node=node, bureau=bureau,
                               whole=node is None or node.covers(bureau)))
    return out


def _plan_places(plan: SitePlan, catalog: Catalog) -> None:
    from . import benefits

    atlas = plan.atlas
    placed = [p for p in placed_items(catalog) if p.item.personal]
    personal: dict[str, list[Placed]] = {}
    for p in placed:
        personal.setdefault(p.package.id, []).append(p)
    groups = sorted(catalog.groups, key=lambda g: (g.order, g.id))
    common = {
        # newest first: the veterans' law and the 2020 opinion before the 1998 blood donation law
        "national": sorted(_by_package([p for p in placed if p.national]),
                           key=lambda pm: (-(pm[0].claim.period.first_year or 0), pm[0].id)),
        "bring": [(g, d) for g in groups for d in g.bring],
        "steps": [p for p in placed if p.national and p.item.type in ("priority", "other") and p.item.note],
        "laws": {law.id: law for law in catalog.legal}, "groups_by_id": {g.id: g for g in groups},
        "item_types": benefits.ITEM_TYPES,
    }

    def records_at(node: atlases.PlaceNode) -> list[LocalRecord]:
        return _local_records(catalog, node, node.packages, node.blood_rules, personal)

    def summary(node: atlases.PlaceNode) -> dict[str, int]:
        within = [n for n in node.walk()]
        return {"records": sum(len(records_at(n)) for n in within),
                "facilities": sum(len(n.facilities) for n in within),
                "bureaus": sum(len(n.bureaus) for n in within)}

    plan.add(atlases.INDEX, "按地区查找", "place-index.html", files=DATA_FILES, description=
             "按省、市、县（区）查看：全国都适用的规定、当地资料里的记录、医院与机构、卫生部门和工作报告。",
             roots=atlas.roots, summaries={n.uri: summary(n) for n in atlas.walk()},
             unknown=atlas.unknown)
    for node in atlas.walk():
        own = records_at(node)
        # Records of the places above that speak for their whole area apply here too; the others
        # (a city bureau whose city is unknown, placed at its province) may or may not.
        above = [r for a in reversed(node.ancestors) for r in records_at(a) if r.whole]
        elsewhere = [(a, [r for r in records_at(a) if not r.whole]) for a in node.ancestors]
        applying = own + above
        within_bureaus = [b for n in node.walk() for b in n.bureaus]
        label = node.place.marked_label
        plan.add(node.uri, label, "place.html",
                 files=DATA_FILES + tuple(f"content/{r.src_uri}" for b in within_bureaus
                                          for r in catalog.reports_of(b.id)),
                 description=f"{label}：全国都适用的规定、当地资料里的记录、医院与机构、卫生部门和工作报告。",
                 node=node, recorded=[r for r in applying if not r.is_plan],
                 planned=[r for r in applying if r.is_plan],
                 elsewhere=[(a, rs) for a, rs in elsewhere if rs],
                 children=[(c, summary(c)) for c in node.children],
                 facilities=[(n, sorted(n.facilities, key=lambda f: (f.name, f.id)))
                             for n in node.walk() if n.facilities],
                 facilities_above=[(a, sorted(a.facilities, key=lambda f: (f.name, f.id)))
                                   for a in reversed(node.ancestors) if a.facilities],
                 bureaus=[(b, catalog.reports_of(b.id)) for b in sorted(within_bureaus, key=_bureau_order)],
                 place_of=catalog.place_of, **common)
    unknown = atlas.unknown
    records = _local_records(catalog, None, unknown.packages, unknown.blood_rules, personal)
    plan.add(atlases.UNKNOWN, "地区未知的资料", "place-unknown.html",
             files=DATA_FILES + tuple(f"content/{r.src_uri}" for b in unknown.bureaus for r in catalog.reports_of(b.id)),
             description="资料隐去了地名、本站也无法推断地区的卫生部门、记录和机构。",
             recorded=[r for r in records if not r.is_plan], planned=[r for r in records if r.is_plan],
             facilities=sorted(unknown.facilities, key=lambda f: (f.name, f.id)),
             bureaus=[(b, catalog.reports_of(b.id)) for b in sorted(unknown.bureaus, key=_bureau_order)],
             place_of=catalog.place_of, **common)


# ---------------------------------------------------------------------------
# Change notes for readers (最后更新 DATE：NOTE)
# ---------------------------------------------------------------------------

NOTED = ("report", "facility", "package", "group")  # context keys of the record a page is about


def change_note(plan: SitePlan, src_uri: str) -> str | None:
    """The reader's note on the last change of the record a page is about (`change_note`), if any."""
    view = plan.views.get(src_uri)
    if view is None:
        return None
    context = view.context
    if "report" in context:
        return context["report"].meta.change_note
    for key in NOTED[1:]:
        if key in context:
            return getattr(context[key], "change_note", None)
    if view.template == "bureau.html":
        return context["bureau"].change_note
    return None
