"""The whole validated data set: every kind loaded, then checked against each other.

`load_catalog(root)` is the single entry point used by the MkDocs hook, the
`youfu validate` command and the tests. It returns the catalog and every problem
found; callers decide whether to stop (`DataError`).
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import benefits, bureaus, content, facilities, places, reports, sources, synonyms
from .dataset import Dataset, load_list
from .problems import DataError, Problem
from .records import SourceRef

# (sources of one record, function making a problem at a path inside that record)
Cited = tuple[list[SourceRef], Callable[[tuple, str], Problem]]


@dataclass
class Catalog:
    root: Path
    sources: Dataset[sources.SourceDoc]
    bureaus: Dataset[bureaus.Bureau]
    reports: reports.ReportSet
    groups: Dataset[benefits.Group]
    legal: Dataset[benefits.LegalInstrument]
    glossary: Dataset[benefits.Term]
    packages: Dataset[benefits.Package]
    facilities: Dataset[facilities.Facility]
    blood_rules: Dataset[facilities.BloodRule]
    synonyms: Dataset[synonyms.Synonym]  # search words only (data/synonyms.yml, may be absent)

    def source_of(self, ref: SourceRef) -> sources.SourceDoc | None:
        return next((s for s in self.sources if s.file == ref.file), None)

    def region_of(self, facility: facilities.Facility):
        """A facility's own region, or else its bureau's."""
        if facility.region is not None:
            return facility.region
        bureau = self.bureaus.get(facility.bureau)
        return bureau.region if bureau else None

    def place_of(self, record) -> places.Place:
        """The place of a bureau, facility, blood rule or package, with its inferred parts marked:
        a facility's own region, else its bureau's; a rule's or a package's bureau's."""
        if isinstance(record, bureaus.Bureau):
            return places.place(record.region, record.inferred)
        if isinstance(record, facilities.Facility) and record.region is not None:
            own = places.place(record.region, record.inferred)
            bureau = self.bureaus.get(record.bureau)
            # A part the facility repeats from its bureau (江苏省 of a 扬州 hospital) was inferred
            # there: it stays inferred here, with the bureau's evidence, unless the facility says why.
            return places.inherit(own, self.place_of(bureau)) if bureau else own
        bureau = self.bureaus.get(getattr(record, "bureau", None) or "")
        return self.place_of(bureau) if bureau else places.Place()

    def reports_of(self, bureau_id: str) -> list[reports.Report]:
        return list(self._reports_by_bureau.get(bureau_id, ()))

    @functools.cached_property
    def plan(self):
        """The pages the site will have (`pages.site_plan`), made once: load_catalog
        checks addresses and links against it, the hook builds from it."""
        from .pages import site_plan

        return site_plan(self)

    @functools.cached_property
    def _reports_by_bureau(self) -> dict[str, list[reports.Report]]:
        """Grouped once: every report page asks for its bureau's reports."""
        grouped: dict[str, list[reports.Report]] = {}
        for report in sorted(self.reports, key=report_order):
            grouped.setdefault(report.meta.bureau, []).append(report)
        return grouped


def drafts(catalog: Catalog) -> list[reports.Report]:
    """Reports marked `draft: true`: shown in the preview, left out of what is published."""
    return [report for report in catalog.reports if report.meta.draft]


def draft_facilities(catalog: Catalog) -> list[facilities.Facility]:
    """Facilities marked `draft: true` (data/facilities.yml): like draft reports."""
    return [facility for facility in catalog.facilities if facility.draft]


def published(catalog: Catalog) -> Catalog:
    """The catalog as it is published: without drafts (so without their pages, and without
    them in lists, the feed, the sitemap, the search index and the open data)."""
    if not drafts(catalog) and not draft_facilities(catalog):
        return catalog
    kept = reports.ReportSet(reports=[r for r in catalog.reports if not r.meta.draft], lines=catalog.reports.lines)
    kept_facilities = dataclasses.replace(catalog.facilities, records=[f for f in catalog.facilities if not f.draft])
    return dataclasses.replace(catalog, reports=kept, facilities=kept_facilities)


def report_order(report: reports.Report) -> tuple:
    """Newest first; unknown years last; then by path for a stable order."""
    year = report.meta.year
    return (year is None, -(year or 0), report.src_uri)


def load_catalog(root: Path, report_memo: dict | None = None) -> tuple[Catalog, list[Problem]]:
    """`report_memo`: see reports.load_reports (the preview reuses unchanged reports)."""
    # Every file under content/ and data/ first: what it refuses is never opened.
    scan, problems = content.scan_content(root)

    def load(relative: str, model):
        if any(relative == r or relative.startswith(r + "/") for r in scan.refused):
            return Dataset(path=relative, readable=False), []  # refused above (a symlink, a FIFO …)
        return load_list(root, relative, model)

    source_docs, found = load(sources.FILE, sources.SourceDoc)
    problems += found
    bureau_list, found = load(bureaus.FILE, bureaus.Bureau)
    problems += found
    report_set, found = reports.load_reports(root, report_memo, paths=[root / f.shown for f in scan.reports])
    problems += found
    lists = {}
    for name, relative, model in _LISTS:
        lists[name], found = load(relative, model)
        problems += found
    lists["synonyms"], found = load_list(root, synonyms.FILE, synonyms.Synonym, required=False)
    problems += found + list(synonyms.check(lists["synonyms"]))
    catalog = Catalog(root=root, sources=source_docs, bureaus=bureau_list, reports=report_set, **lists)
    problems += list(_check_references(catalog))
    problems += _check_site(catalog, scan, data_ok=not problems,
                            link_memo=_LINK_MEMO if report_memo is not None else None)
    return catalog, problems


_LINK_MEMO: dict = {}  # report path → links found in it while unchanged (see content.check_links)


def _check_site(catalog: Catalog, scan: content.Scan, *, data_ok: bool, link_memo: dict | None) -> list[Problem]:
    """Every address of the site made once, and every link in the Markdown pointing at
    one of them (with its #anchor). Both need the pages the data makes."""
    try:
        plan = catalog.plan
    except Exception:  # noqa: BLE001
        if data_ok:
            raise  # a bug, not a data problem
        # Inconsistent data (e.g. a facility of an unknown bureau has no region) may not
        # make a plan; its own problems are reported, these checks follow once they are fixed.
        return []
    generated = [page.src_uri for page in plan.generated]
    unpublished = set()  # drafts, and the pages only they make (a year only a draft has): not in the built site
    if drafts(catalog) or draft_facilities(catalog):
        unpublished = {r.src_uri for r in drafts(catalog)} | (
            set(generated) - {page.src_uri for page in published(catalog).plan.generated})
    return (content.check_addresses(catalog, generated, scan)
            + content.check_links(catalog.root, scan, generated, link_memo, unpublished=unpublished))


_LISTS = (
    ("groups", benefits.GROUPS_FILE, benefits.Group),
    ("legal", benefits.LEGAL_FILE, benefits.LegalInstrument),
    ("glossary", benefits.GLOSSARY_FILE, benefits.Term),
    ("packages", benefits.BENEFITS_FILE, benefits.Package),
    ("facilities", facilities.FACILITIES_FILE, facilities.Facility),
    ("blood_rules", facilities.BLOOD_FILE, facilities.BloodRule),
)


def load_or_fail(root: Path) -> Catalog:
    catalog, problems = load_catalog(root)
    if problems:
        raise DataError(problems)
    return catalog


# ---------------------------------------------------------------------------
# Cross-checks
# ---------------------------------------------------------------------------


def _check_references(catalog: Catalog) -> Iterator[Problem]:
    yield from _check_citations(catalog, _cited_records(catalog))
    bureau_ids = catalog.bureaus.ids()
    for report in catalog.reports:
        if catalog.bureaus.readable and report.meta.bureau not in bureau_ids:
            yield catalog.reports.problem(report, ("bureau",), _unknown("bureau", report.meta.bureau, bureaus.FILE))
    yield from _check_ids(catalog)
    yield from _check_draft_references(catalog)
    yield from check_group_cycles(catalog.groups)
    yield from _check_inferences(catalog)


# Records whose `inferred:` list names fields of the record itself.
def _inferring(catalog: Catalog) -> Iterable[tuple[Dataset, object, tuple]]:
    for dataset in (catalog.bureaus, catalog.packages, catalog.facilities, catalog.blood_rules):
        for record in dataset:
            yield dataset, record, ()
    for package in catalog.packages:
        for n, item in enumerate(package.items):
            yield catalog.packages, (package, item), ("items", n)


def _check_inferences(catalog: Catalog) -> Iterator[Problem]:
    """An inferred value must exist: `inferred: [{field: region.city}]` needs a region.city."""
    for dataset, record, inner in _inferring(catalog):
        owner, target = (record if isinstance(record, tuple) else (record, record))
        for index, inference in enumerate(target.inferred):
            value: object = target
            for part in inference.field.split("."):
                value = getattr(value, part, None) if not isinstance(value, dict) else value.get(part)
            if value in (None, "", []):
                yield dataset.problem(owner.id, inner + ("inferred", index, "field"),
                                      f"inferred 中的 field 写的是 {inference.field}，但这条记录没有这个字段或它是空的；"
                                      "只能为记录里实际写了的值说明推断依据（字段名如 region.city、name、year）")


def _check_ids(catalog: Catalog) -> Iterator[Problem]:
    """Every id a record points at must exist in the file it belongs to."""
    targets = {"bureau": catalog.bureaus, "group": catalog.groups, "law": catalog.legal,
               "facility": catalog.facilities}
    known = {what: (target.ids(), target.path) for what, target in targets.items()}

    def check(dataset: Dataset, record_id: str, at: tuple, what: str, value) -> Iterator[Problem]:
        ids, where = known[what]
        if not targets[what].readable:
            return  # that file's own error is reported; every reference to it would only repeat it
        if value is not None and value not in ids:
            yield dataset.problem(record_id, at, _unknown(what, value, where))

    for group in catalog.groups:
        yield from check(catalog.groups, group.id, ("parent",), "group", group.parent)
        for i, other in enumerate(group.see_also):
            yield from check(catalog.groups, group.id, ("see_also", i), "group", other)
        for i, ref in enumerate(group.defined_by):
            yield from check(catalog.groups, group.id, ("defined_by", i, "law"), "law", ref.law)
        for n, document in enumerate(group.bring):
            for i, ref in enumerate(document.legal):
                yield from check(catalog.groups, group.id, ("bring", n, "legal", i, "law"), "law", ref.law)
    for term in catalog.glossary:
        for i, ref in enumerate(term.legal):
            yield from check(catalog.glossary, term.id, ("legal", i, "law"), "law", ref.law)
    for package in catalog.packages:
        pk = package.id
        yield from check(catalog.packages, pk, ("bureau",), "bureau", package.bureau)
        for i, ref in enumerate(package.legal):
            yield from check(catalog.packages, pk, ("legal", i, "law"), "law", ref.law)
        first_item: dict[str, int] = {}
        for n, item in enumerate(package.items):
            line = catalog.packages.line(pk, "items", n, "id")
            if item.id in first_item:
                yield catalog.packages.problem(pk, ("items", n, "id"), f"items 的 id {item.id} 在同一套优待里只能用一次（第 {first_item[item.id]} 行已经用过）；"
                                               f"请换一个 id")
            first_item.setdefault(item.id, line)
            for i, group in enumerate(item.groups):
                yield from check(catalog.packages, pk, ("items", n, "groups", i), "group", group)
            for i, facility in enumerate(item.facilities):
                yield from check(catalog.packages, pk, ("items", n, "facilities", i), "facility", facility)
            for i, ref in enumerate(item.legal):
                yield from check(catalog.packages, pk, ("items", n, "legal", i, "law"), "law", ref.law)
    for facility in catalog.facilities:
        yield from check(catalog.facilities, facility.id, ("bureau",), "bureau", facility.bureau)
    for rule in catalog.blood_rules:
        yield from check(catalog.blood_rules, rule.id, ("bureau",), "bureau", rule.bureau)
        yield from check(catalog.blood_rules, rule.id, ("facility",), "facility", rule.facility)
        for i, group in enumerate(rule.who):
            yield from check(catalog.blood_rules, rule.id, ("who", i), "group", group)


def _check_draft_references(catalog: Catalog) -> Iterator[Problem]:
    """A published package or blood rule must not name a draft facility: it is not published."""
    held = {facility.id for facility in draft_facilities(catalog)}
    if not held:
        return

    def message(facility_id: str) -> str:
        return (f"facility {facility_id} 是草稿（draft: true），发布的网站里没有它；"
                "请等它定稿（删去 draft: true）后再引用，或先删掉这一项")

    for package in catalog.packages:
        for n, item in enumerate(package.items):
            for i, facility_id in enumerate(item.facilities):
                if facility_id in held:
                    yield catalog.packages.problem(package.id, ("items", n, "facilities", i), message(facility_id))
    for rule in catalog.blood_rules:
        if rule.facility in held:
            yield catalog.blood_rules.problem(rule.id, ("facility",), message(rule.facility))


def _unknown(what: str, value: str, where: str) -> str:
    return f"{what} 写的 {value} 在 {where} 里找不到：必须是那里已有条目的 id；请核对拼写或先在 {where} 里添加"


def _cited_records(catalog: Catalog) -> Iterable[Cited]:
    for dataset in (catalog.bureaus, catalog.packages, catalog.facilities, catalog.blood_rules):
        for record in dataset:
            yield record.sources, (lambda inner, msg, d=dataset, i=record.id: d.problem(i, inner, msg))
    for package in catalog.packages:
        for n, item in enumerate(package.items):
            yield item.sources, (lambda inner, msg, i=package.id, n=n:
                                 catalog.packages.problem(i, ("items", n) + inner, msg))
    for report in catalog.reports:
        yield report.meta.sources, (lambda inner, msg, r=report: catalog.reports.problem(r, inner, msg))
    for term in catalog.glossary:
        yield term.sources, (lambda inner, msg, i=term.id: catalog.glossary.problem(i, inner, msg))
    for group in catalog.groups:
        for n, document in enumerate(group.bring):
            yield document.sources, (lambda inner, msg, i=group.id, n=n:
                                     catalog.groups.problem(i, ("bring", n) + inner, msg))


def _check_citations(catalog: Catalog, cited: Iterable[Cited]) -> Iterator[Problem]:
    """Every `sources:` entry must name a known document and one of its pieces."""
    known = {doc.file: doc for doc in catalog.sources}
    if not catalog.sources.readable:
        return
    for refs, problem in cited:
        for index, ref in enumerate(refs):
            doc = known.get(ref.file)
            if doc is None:
                if not catalog.sources.failed:  # else the broken entry may be the one meant
                    yield problem(("sources", index, "file"), f"资料文件 {ref.file} 必须先登记在 {sources.FILE} 里；请核对文件名")
            elif ref.part not in doc.parts:
                yield problem(("sources", index, "part"),
                              f"part 写的 {ref.part} 不是 {ref.file} 里的一篇：只能是 {'、'.join(doc.parts)} 之一")


def check_group_cycles(groups: Dataset[benefits.Group]) -> Iterator[Problem]:
    """Following `parent` from any group must end, not come back round: each cycle is
    told once, on the parent line of its member that comes first in the file."""
    parent = {group.id: group.parent for group in groups}
    order = {group.id: index for index, group in enumerate(groups)}
    finished: set[str] = set()
    for group in groups:
        trail: list[str] = []
        on_trail: set[str] = set()
        current: str | None = group.id
        while current in parent and current not in finished and current not in on_trail:
            trail.append(current)
            on_trail.add(current)
            current = parent[current]
        finished.update(trail)
        if current not in on_trail:
            continue  # ended at a group without parent, an unknown id, or a group already followed
        cycle = trail[trail.index(current):]
        first = min(cycle, key=order.__getitem__)
        cycle = cycle[cycle.index(first):] + cycle[:cycle.index(first)]
        if len(cycle) == 1:
            message = f"parent（上级群体）不能是自己（{first} → {first}）；请删掉 parent 或改成真正的上级群体"
        else:
            chain = " → ".join(cycle + [first])
            message = f"parent（上级群体）不能绕成环（{chain}）；请改正其中一个群体的 parent"
        yield groups.problem(first, ("parent",), message)
