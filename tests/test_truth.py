"""Every page tells the truth about each claim it shows: what kind of claim, which period, how
sure, which place was inferred, what state a facility was in — and what is not known.

The expectations are read from the data files with plain PyYAML (not youfu's loader) and the
built pages are parsed with the standard library's HTML parser (not the templates), so a
template that drops a qualifier, or a loader that loses one, fails here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, build

pytestmark = pytest.mark.build

KIND_NAMES = {"law": "法律法规", "local_rule": "地方规定", "plan": "工作计划", "report": "工作记录", "campaign": "限期活动"}
MARKS = {"inferred": "推断", "doubtful": "存疑"}


# ---------------------------------------------------------------------------
# A small DOM from html.parser: enough to ask "which element holds this link"
# ---------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: "Node | None" = None
    children: list = field(default_factory=list)  # Node or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def article(path: Path) -> Node:
    tree = _Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    found = next((n for n in tree.root.walk() if n.tag == "article"), None)
    assert found is not None, f"{path} has no <article>"
    return found


# ---------------------------------------------------------------------------
# Expectations from the data, read with plain PyYAML
# ---------------------------------------------------------------------------


def _yaml(name: str):
    return yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))


def _front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


@dataclass
class Expected:
    kind: str | None = None  # claim kind
    certainty: str | None = None  # of the period
    place_inferred: set[str] = field(default_factory=set)  # names of inferred place parts
    status: str | None = None  # facilities


@pytest.fixture(scope="module")
def expected() -> dict[str, Expected]:
    """Qualifiers by the address of the record's own page ("facilities/x.html")."""
    bureaus = {b["id"]: b for b in _yaml("bureaus.yml")}

    def inferred_parts(region, inferred) -> set[str]:
        fields = {i["field"] for i in inferred or []}
        return {region[level] for level in ("province", "city", "county")
                if region.get(level) and ({f"region.{level}", "region"} & fields)}

    def bureau_place(bureau_id) -> set[str]:
        bureau = bureaus.get(bureau_id)
        return inferred_parts(bureau["region"], bureau.get("inferred")) if bureau else set()

    out: dict[str, Expected] = {}
    for bureau_id in bureaus:
        out[f"bureaus/{bureau_id}.html"] = Expected(place_inferred=bureau_place(bureau_id))
    for package in _yaml("benefits.yml"):
        claim = package["claim"]
        out[f"benefits/packages/{package['id']}.html"] = Expected(
            kind=claim["kind"], certainty=claim["period"]["certainty"],
            place_inferred=bureau_place(package.get("bureau")))
    for facility in _yaml("facilities.yml"):
        place = bureau_place(facility["bureau"])
        if facility.get("region"):  # its own region: its own inferences, plus the bureau's for the same names
            own = facility["region"]
            place = inferred_parts(own, facility.get("inferred")) | {
                n for n in place if n in (own.get("province"), own.get("city"), own.get("county"))}
        out[f"facilities/{facility['id']}.html"] = Expected(
            kind=facility["claim"]["kind"], certainty=facility["claim"]["period"]["certainty"],
            place_inferred=place, status=facility["status"])
    for report in sorted((ROOT / "content/reports").rglob("*.md")):
        meta = _front(report)
        certainty = ("doubtful" if meta.get("year_doubtful") else "inferred" if meta.get("year_inferred")
                     else "stated" if meta.get("year") else "unknown")
        out[report.relative_to(ROOT / "content").with_suffix(".html").as_posix()] = Expected(
            certainty=certainty, place_inferred=bureau_place(meta["bureau"]))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("truth-site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


def _pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if relative.startswith(("guide/", "tech/")) or relative == "404.html":
            continue
        yield relative, article(path)


def _target(page: str, href: str) -> str | None:
    """The site address a relative link points at ("../facilities/x.html#y" → "facilities/x.html")."""
    href = href.split("#")[0].split("?")[0]
    if not href or href.startswith(("http:", "https:", "mailto:")):
        return None
    parts = page.split("/")[:-1]
    for piece in href.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


CONTAINERS = {"li", "tr", "section", "dd", "p", "h3"}


def _holder(link: Node) -> Node:
    """The smallest list item, row, section or paragraph holding a link."""
    return next((a for a in link.ancestors() if a.tag in CONTAINERS), link.parent)


def _notes(page: Node) -> dict[str, str]:
    return {n.attrs["id"]: n.text().strip() for n in page.walk() if n.attrs.get("id", "").startswith("yf-note-")}


# ---------------------------------------------------------------------------
# The walk over every built page
# ---------------------------------------------------------------------------


def test_every_link_to_a_plan_or_campaign_shows_its_kind_where_it_is_shown(site, expected):
    """Wherever a plan or campaign is linked, the words 工作计划 / 限期活动 are next to the link
    (in the same row, card or list item), or — for an item card on its own package's page —
    in the answer box at the top of that page. A plan is never shown as an entitlement."""
    checked = 0
    for page, root in _pages(site):
        answer = " ".join(n.text() for n in root.walk() if "yf-answer" in n.classes())
        for link in (n for n in root.walk() if n.tag == "a" and "href" in n.attrs):
            target = _target(page, link.attrs["href"])
            record = expected.get(target or "")
            if record is None or record.kind not in ("plan", "campaign") or target == page:
                continue
            if "yf-cite" in " ".join(" ".join(a.classes()) for a in link.ancestors()):
                continue
            word = KIND_NAMES[record.kind]
            holder = _holder(link)
            marked = [a for a in link.ancestors() if a.attrs.get("data-yf-claim-kind") == record.kind]
            # in the same row or card, or in the heading of the section (one package) holding it
            shown_here = word in holder.text() or any(word in a.text() for a in marked)
            on_own_package_page = bool(marked) and word in answer and page.startswith("benefits/packages/")
            assert shown_here or on_own_package_page, f"{page}: link to {target} without “{word}”"
            checked += 1
    assert checked > 20  # the shipped data links its plans from many pages


def test_every_inferred_place_is_marked_with_a_note_that_exists(site, expected):
    """Every place shown through the place macro says which parts were inferred, each mark links
    to a note on the same page, and the note is not empty."""
    inferred_names = set().union(*(e.place_inferred for e in expected.values()))
    assert {"池州市", "安徽省", "福建省", "涞源县"} <= inferred_names
    # a name stated for one record (福建省 of 马尾区) and inferred for another cannot be judged by its text
    stated = set()
    for bureau in _yaml("bureaus.yml"):
        fields = {i["field"] for i in bureau.get("inferred") or []}
        stated |= {bureau["region"][k] for k in ("province", "city", "county")
                   if bureau["region"].get(k) and f"region.{k}" not in fields and "region" not in fields}
    inferred_names -= stated
    seen = 0
    for page, root in _pages(site):
        notes = _notes(root)
        for span in (n for n in root.walk() if n.attrs.get("data-yf-place")):
            text = span.text()
            names_here = {n for n in inferred_names if n in text}
            if span.attrs["data-yf-place"] == "inferred":
                assert "推断" in text, f"{page}: {text}"
                # a place may link each of its parts to the place's page; its marks link to notes
                refs = [a.attrs["href"][1:] for a in span.walk()
                        if a.tag == "a" and a.attrs["href"].startswith("#")]
                assert refs and all(notes.get(r) for r in refs), f"{page}: {text} points at missing notes"
                seen += 1
            for name in names_here:  # an inferred name shown without the mark right after its run
                after = text[text.index(name):]
                assert "推断" in after, f"{page}: {name} shown without its mark in “{text}”"
    assert seen > 50


def test_no_page_shows_an_inferred_place_as_plain_text(site, expected):
    """The whole label of an inferred place ("安徽省池州市", "山西省大同市") never appears as one
    unbroken run of text: the place macro always puts the mark inside it or after it.
    (Report summaries are hand-written prose and say “推断” in their own words.)"""
    labels = set()
    for bureau in _yaml("bureaus.yml"):
        region = bureau["region"]
        parts = [region[k] for k in ("province", "city", "county") if region.get(k)]
        fields = {i["field"] for i in bureau.get("inferred") or []}
        if len(parts) > 1 and any(f.startswith("region") for f in fields):
            labels.add("".join(parts))
    assert "安徽省池州市" in labels and "山西省大同市" in labels
    for page, root in _pages(site):
        skip = {id(n) for n in root.walk() if {"yf-md", "yf-notes"} & n.classes() or n.attrs.get("data-yf-place")}
        for node in root.walk():
            if id(node) in skip or any(id(a) in skip for a in node.ancestors()):
                continue
            own = "".join(c for c in node.children if isinstance(c, str))
            for label in labels:
                assert label not in own, f"{page}: “{label}” shown without its mark"


def test_every_shown_inferred_or_doubtful_year_is_marked(site, expected):
    """Wherever a report with an inferred or doubtful year is linked together with its year,
    the year carries its mark (推断 or 存疑) in the same list item or row."""
    reports = {t: e for t, e in expected.items() if t.startswith("reports/") and e.certainty in MARKS}
    assert any(e.certainty == "doubtful" for e in reports.values())
    years = {}
    for path in (ROOT / "content/reports").rglob("*.md"):
        meta = _front(path)
        years[path.relative_to(ROOT / "content").with_suffix(".html").as_posix()] = meta.get("year")
    checked = 0
    for page, root in _pages(site):
        for link in (n for n in root.walk() if n.tag == "a" and "href" in n.attrs):
            target = _target(page, link.attrs["href"])
            if target not in reports:
                continue
            holder = _holder(link)
            if f"{years[target]}年" not in holder.text():
                continue  # the year is not shown here
            assert MARKS[reports[target].certainty] in holder.text(), f"{page}: {target} year without its mark"
            checked += 1
        if page in reports:  # the report's own page
            spans = [n for n in root.walk() if n.attrs.get("data-yf-period") == reports[page].certainty]
            assert spans and MARKS[reports[page].certainty] in spans[0].text(), page
    assert checked > 10


def test_every_link_to_a_facility_not_known_in_use_shows_its_status(site, expected):
    """A facility the sources do not show in use (status unknown, planned, under construction,
    closed) is never linked without that status next to the link."""
    checked = 0
    for page, root in _pages(site):
        for link in (n for n in root.walk() if n.tag == "a" and "href" in n.attrs):
            target = _target(page, link.attrs["href"])
            record = expected.get(target or "")
            if record is None or record.status in (None, "in_use") or target == page:
                continue
            holder = _holder(link)
            statuses = [n for n in holder.walk() if n.attrs.get("data-yf-status") == record.status]
            assert statuses, f"{page}: link to {target} without its status ({record.status})"
            checked += 1
        if page.startswith("facilities/") and expected.get(page) and expected[page].status:
            assert any(n.attrs.get("data-yf-status") == expected[page].status for n in root.walk()), page
    assert checked > 20


def test_own_pages_show_kind_period_and_verification(site, expected):
    """Each package, facility and blood rule shows its kind of claim, its period with its mark,
    when it was curated, and that it was not checked with the facility (nothing in the data
    records a check)."""
    for target, record in expected.items():
        if record.kind is None:
            continue
        root = article(site / target)
        text = root.text()
        assert KIND_NAMES[record.kind] in text, target
        if record.certainty in MARKS:
            assert any(n.attrs.get("data-yf-period") == record.certainty for n in root.walk()), target
        assert "资料整理于 2026-11-22" in text and "没有向机构核实过" in text, target
        assert "最后核实" not in text, target


# ---------------------------------------------------------------------------
# One record per text, and counts of distinct things
# ---------------------------------------------------------------------------


def test_the_deposit_waiver_is_shown_once_with_its_three_sources_and_inferred_place(site):
    root = article(site / "blood/index.html")
    cards = [n for n in root.walk() if n.attrs.get("data-yf-record") == "blood"]
    waivers = [c for c in cards if "免交用血保证金" in c.text()]
    assert len(waivers) == 1
    text = waivers[0].text()
    for cite in ("资料000篇二", "资料001篇4", "资料001篇3"):
        assert cite in text
    assert "池州市（推断" in text and "工作计划" in text and "存疑" in text


def test_home_counts_distinct_records(site):
    """Counted by hand from the data: 3 national packages, 6 local records (001 篇1/2, 5, 6, 7, 8 and
    the Datong campaign), 3 plans (000 篇一, template text A, template text B), 2 blood rules."""
    text = article(site / "index.html").text()
    assert "全国性规定 3 套" in text
    assert "做法记录 6 套，计划中的安排 3 套" in text
    assert "各地资料里的 2 条记录" in text
    packages = _yaml("benefits.yml")
    assert len(packages) == 12
    assert len(_yaml("blood_rules.yml")) == 2


def test_every_record_and_glossary_entry_cites_a_source_as_the_home_page_promises(site):
    """The home and about pages promise that every record names its source: hold them to it."""
    for name in ("bureaus.yml", "facilities.yml", "blood_rules.yml"):
        for record in _yaml(name):
            assert record.get("sources"), f"{name}: {record['id']} cites nothing"
    for package in _yaml("benefits.yml"):
        assert package.get("sources") or package.get("legal"), package["id"]
        for item in package["items"]:
            assert item.get("sources") or package.get("sources") or item.get("legal") or package.get("legal")
    for term in _yaml("glossary.yml"):
        assert term.get("sources") or term.get("legal"), term["id"]
    for group in _yaml("groups.yml"):
        assert "ask" not in group
        for document in group.get("bring", []):
            assert document.get("legal") or document.get("sources"), group["id"]
    home = article(site / "index.html").text() + article(site / "about.html").text()
    assert "资料未写明" in home


def test_where_sources_are_silent_pages_say_so(site):
    for group in _yaml("groups.yml"):
        text = article(site / f"benefits/groups/{group['id']}.html").text()
        assert "资料未写明，请向医院或当地退役军人事务部门询问" in text, group["id"]
        assert "身份证、医保卡" not in text and "军官证" not in text


def test_fixed_service_descriptions_do_not_widen_who_is_covered(site):
    """The sources give the green channel to 部队官兵 and the window to 军人; a fixed description
    must not hand them to all 优抚对象 (audit F7)."""
    for path in (site / "facilities").glob("*.html"):
        for dd in (n for n in article(path).walk() if n.tag == "dd"):
            assert "优抚对象可" not in dd.text(), path.name


def test_national_law_stated_as_the_law_says(site):
    text = article(site / "benefits/legal.html").text()
    assert "第十四条" in text and "无偿献血者本人临床需要用血时，免交" in text
    assert "《军人及军队相关人员医疗待遇保障暂行规定》" in text and "中央军委办公厅" in text
    assert "1988年首次发布" in text
    assert "中央军事委员会关于军人医疗待遇的暂行规定" not in text


def test_historical_context_is_shown_next_to_old_items(site):
    text = article(site / "benefits/packages/anon-001-5-package.html").text()
    assert "城乡居民医保" in text
    assert "现在是否有效没有核实" in text
    datong = article(site / "benefits/packages/datong-city-package.html").text()
    assert "2014年3月20日至12月31日" in datong and "早已结束" in datong


def test_no_inferred_or_doubtful_year_in_a_report_title():
    for path in (ROOT / "content/reports").rglob("*.md"):
        meta = _front(path)
        if meta.get("year") and (meta.get("year_inferred") or meta.get("year_doubtful")):
            assert f"{meta['year']}年" not in meta["title"], path


# ---------------------------------------------------------------------------
# The validator refuses claims it cannot stand behind
# ---------------------------------------------------------------------------

from conftest import BUREAUS_YML, SOURCES_YML  # noqa: E402

CITE = "  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}]\n"
GROUPS = "- id: veteran\n  name: 退役军人\n  definition: 依法退出现役的军人。\n"


def _package(claim: str, extra: str = "") -> str:
    return ("- id: p\n  bureau: test-city\n" + claim + "  title: 甲\n  curated: 2026-11-22\n" + CITE
            + "  items: [{id: i, type: priority, label: 四优先, groups: [veteran]}]\n" + extra)


def _facility(lines: str) -> str:
    return "- id: f\n  name: 乙\n  kind: 综合医院\n  bureau: test-city\n  curated: 2026-11-22\n" + CITE + lines


OK_CLAIM = "  claim: {kind: report, period: {certainty: unknown}}\n"

REFUSALS = {
    "plan without a period": (
        {"data/benefits.yml": _package("  claim: {kind: plan}\n")},
        ["data/benefits.yml:3: claim.period 必须填写：请补上这一项"]),
    "inferred year without evidence": (
        {"data/benefits.yml": _package("  claim: {kind: report, period: {year: 2005, certainty: inferred}}\n")},
        ["data/benefits.yml:3: claim.period certainty 为 inferred（推断）时必须写 evidence，说明依据"]),
    "doubtful year without evidence": (
        {"data/benefits.yml": _package("  claim: {kind: plan, period: {year: 2020, certainty: doubtful}}\n")},
        ["data/benefits.yml:3: claim.period certainty 为 doubtful（存疑）时必须写 evidence，说明依据"]),
    "unknown period with a year": (
        {"data/benefits.yml": _package("  claim: {kind: report, period: {year: 2005, certainty: unknown}}\n")},
        ["data/benefits.yml:3: claim.period certainty 为 unknown（不详）时不能再写年份或日期；"
         "知道年份就写 stated、inferred 或 doubtful"]),
    "campaign without its dates": (
        {"data/benefits.yml": _package("  claim: {kind: campaign, period: {year: 2014, certainty: stated}}\n")},
        ["data/benefits.yml:3: claim kind 为 campaign（限期活动）时 period 必须写 start 和 end（起止日期）"]),
    "inferred place without evidence": (
        {"data/bureaus.yml": BUREAUS_YML + "  inferred: [{field: region.city}]\n"},
        ["data/bureaus.yml:7: inferred[1].evidence 必须填写：请补上这一项"]),
    "inference for a value that is not there": (
        {"data/bureaus.yml": BUREAUS_YML + "  inferred: [{field: region.county, evidence: 文中写到某县}]\n"},
        ["data/bureaus.yml:7: inferred 中的 field 写的是 region.county，但这条记录没有这个字段或它是空的；"
         "只能为记录里实际写了的值说明推断依据（字段名如 region.city、name、year）"]),
    "facility without a status": (
        {"data/facilities.yml": _facility(OK_CLAIM)},
        ["data/facilities.yml:1: status 必须填写：请补上这一项"]),
    "facility status without the sentence it comes from": (
        {"data/facilities.yml": _facility(OK_CLAIM + "  status: in_use\n")},
        ["data/facilities.yml:1: status 为 in_use（在用）时必须写 status_note，说明资料的哪句话写了这个状态；"
         "资料没说就写 status: unknown"]),
    "the old last_verified date": (
        {"data/facilities.yml": _facility(OK_CLAIM + "  status: unknown\n  last_verified: 2026-11-22\n")},
        ["data/facilities.yml:9: last_verified 已停用：从资料整理的日期写在 curated；只有真正向机构核实过，"
         "才在 checks 里写明日期、方式（method）、核实人（by）、向谁核实（contact）和结果（result）"]),
    "a check without who was asked and what they said": (
        {"data/facilities.yml": _facility(OK_CLAIM + "  status: unknown\n  checks: [{on: 2026-11-01, method: phone}]\n")},
        ["data/facilities.yml:9: checks[1].by 必须填写：请补上这一项", "data/facilities.yml:9: checks[1].contact 必须填写：请补上这一项",
         "data/facilities.yml:9: checks[1].result 必须填写：请补上这一项"]),
    "a check dated in the future": (
        {"data/facilities.yml": _facility(OK_CLAIM + "  status: unknown\n  checks: [{on: 2999-01-01, method: phone, "
                                          "by: 区卫生健康局办公室, contact: 医院医务科, result: 窗口仍在}]\n")},
        [f"data/facilities.yml:9: checks[1].on（核实日期）不能晚于今天（{__import__('datetime').date.today()}）：这里记的是已经发生的事；请核对日期"]),
    "a shared text with one source": (
        {"data/benefits.yml": _package(OK_CLAIM, "  shared_text: true\n")},
        ["data/benefits.yml:1: shared_text: true 表示同一段文字见于多份资料，sources 至少要列出两处"]),
    "a document to bring without a basis": (
        {"data/groups.yml": GROUPS + "  bring: [{what: 身份证}]\n"},
        ["data/groups.yml:4: bring[1] 要带的证件必须写明依据：在 legal 写法律条款，或在 sources 写出处；"
         "没有依据的不要写（页面会显示“资料未写明”）"]),
    "a glossary term citing nothing": (
        {"data/glossary.yml": "- id: t\n  term: 四优先\n  plain: 四个环节优先。\n"},
        ["data/glossary.yml:1: 名词必须注明出处：在 sources 写出现这个词的资料，或在 legal 写法律条款"]),
    "a plan of a national law": (
        {"data/benefits.yml": _package("  claim: {kind: law, period: {year: 2021, certainty: stated}}\n")},
        ["data/benefits.yml:1: 地方做法（scope: local）的 claim.kind 不能是 law；地方文件写 local_rule"]),
}


@pytest.mark.parametrize("name", REFUSALS)
def test_the_validator_refuses(repo, name):
    from youfu.catalog import load_catalog

    files, expected = REFUSALS[name]
    base = {"data/groups.yml": GROUPS}
    _, problems = load_catalog(repo({**base, **files}))
    assert [str(p) for p in sorted(problems)] == expected


def test_the_refusal_cases_start_from_valid_data(repo):
    from youfu.catalog import load_catalog

    files = {"data/groups.yml": GROUPS, "data/benefits.yml": _package(OK_CLAIM),
             "data/facilities.yml": _facility(OK_CLAIM + "  status: unknown\n")}
    _, problems = load_catalog(repo(files))
    assert problems == []
    assert SOURCES_YML  # the shared valid sources list
