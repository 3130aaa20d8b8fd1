"""End to end: the real site builds with --strict and its pages say what they must."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import ROOT, build, built

pytestmark = pytest.mark.build


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def test_home_page_has_emergency_notice_and_offer(site):
    html = read(site, "index.html")
    assert "120" in html and "急症" in html
    assert "不构成医疗或法律意见" in html
    for offer in ("优待政策", "医院与机构", "用血优先", "工作报告", "搜索"):
        assert offer in html


def test_every_bureau_has_a_page_with_its_name(site):
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    assert len(catalog.bureaus) > 0
    for bureau in catalog.bureaus:
        html = read(site, built(f"bureaus/{bureau.id}.md"))
        assert f"<h1>{bureau.name}" in html
        for part in (bureau.region.province, bureau.region.city, bureau.region.county):
            assert part is None or part in html


def test_bureau_index_links_every_bureau(site):
    from youfu.catalog import load_or_fail

    html = read(site, "bureaus/index.html")
    for bureau in load_or_fail(ROOT).bureaus:
        assert f'href="{bureau.id}.html"' in html


def test_every_navigation_label_is_a_title(site):
    """Tabs, sidebar and footer name every page (MkDocs gives None for a page whose
    Markdown was released before its title was fixed; this once reached 300 labels)."""
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r">\s*None\s*<|: None\"", html), f"{page} shows None as a title"


def test_no_third_party_requests_in_html(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Only the sitemap namespace-free links to itself; nothing is loaded from elsewhere.
        loaded = re.findall(r'(?:src|href)="(https?:)?//[^"]*"', html)
        assert loaded == [], f"{page} loads from another origin: {loaded}"
        assert "fonts.googleapis" not in html


def test_content_folder_is_not_written_to(site):
    generated = list((ROOT / "content").rglob("bureaus"))
    assert generated == [], "generated pages must not be written into content/"


def test_broken_data_fails_cleanly_and_leaves_site_untouched(site_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous site", encoding="utf-8")
    bureaus = site_copy / "data/bureaus.yml"
    bureaus.write_text(bureaus.read_text(encoding="utf-8") + "- id: broken\n  name: 甲\n  level: town\n",
                       encoding="utf-8")
    result = build(site_copy, out)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(r"data/bureaus\.yml:\d+: level 只能是", result.stderr)
    assert re.search(r"data/bureaus\.yml:\d+: region 必须填写：请补上这一项", result.stderr)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "previous site"


# ---------------------------------------------------------------------------
# Reports: pages, archives, feed, sitemap, invariants
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def catalog():
    from youfu.catalog import load_or_fail

    return load_or_fail(ROOT)


def test_every_report_page_shows_source_and_update(site, catalog):
    assert len(catalog.reports) > 0
    for report in catalog.reports:
        html = read(site, built(report.src_uri))
        assert report.meta.title in html
        assert 'id="sources"' in html and f"资料{report.meta.sources[0].number}" in html
        assert "本页最后更新" in html
        if report.meta.year_inferred:
            assert 'data-yf-period="inferred"' in html and "（推断，见" in html
        if report.meta.year_doubtful:
            assert 'data-yf-period="doubtful"' in html and "（存疑，见" in html


def test_flagged_figures_are_shown_not_corrected(site, catalog):
    """The contradictions worked out by hand from the reports' numbers (not from figures.check):
    each is shown with the file's own explanation, read with plain PyYAML and the standard
    library's HTML parser; no other figure carries a discrepancy note."""
    import yaml
    from html.parser import HTMLParser

    expected = {"chengdu-city/2005-zongjie": {"window-approvals", "ncms-participation-rate"},
                "yangzhou-city/unknown-zongjie": {"relief-total"}}

    class Notes(HTMLParser):
        def __init__(self):
            super().__init__()
            self.notes: dict[str, str] = {}
            self.inside: list = []  # [id, depth] while in a note

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if self.inside:
                self.inside[1] += tag not in ("br", "img", "hr", "wbr")
            elif tag == "div" and (attrs.get("id") or "").startswith("discrepancy-"):
                self.inside = [attrs["id"].removeprefix("discrepancy-"), 1]
                self.notes[self.inside[0]] = ""

        def handle_endtag(self, tag):
            if self.inside:
                self.inside[1] -= 1
                if self.inside[1] == 0:
                    self.inside = []

        def handle_data(self, data):
            if self.inside:
                self.notes[self.inside[0]] += data

    for report in catalog.reports:
        parser = Notes()
        parser.feed(read(site, built(report.src_uri)))
        assert set(parser.notes) == expected.get(report.id, set()), report.id
        front = yaml.safe_load((ROOT / "content" / report.src_uri).read_text(encoding="utf-8").split("---\n")[1])
        for figure in front.get("figures") or []:
            if figure["id"] in parser.notes:
                assert figure["discrepancy"] in " ".join(parser.notes[figure["id"]].split()), figure["id"]


def test_nav_does_not_list_reports(site, catalog):
    html = read(site, "index.html")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[: nav.index("</nav>")]
    for report in catalog.reports:
        assert report.meta.title not in nav


def test_every_source_document_is_cited_by_a_report(catalog):
    cited = {ref.file for r in catalog.reports for ref in r.meta.sources}
    assert cited == {doc.file for doc in catalog.sources}


def test_every_source_piece_is_covered_by_a_report(catalog):
    covered = {(ref.file, ref.part) for r in catalog.reports for ref in r.meta.sources}
    expected = {(doc.file, part) for doc in catalog.sources for part in doc.parts}
    assert expected - covered == set()


def test_atom_feed_is_valid_and_lists_every_report(site, catalog):
    import xml.etree.ElementTree as ET

    tree = ET.parse(site / "feed.xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = tree.getroot().findall("a:entry", ns)
    assert len(entries) == len(catalog.reports)
    titles = {e.find("a:title", ns).text for e in entries}
    assert titles == {r.meta.title for r in catalog.reports}
    for entry in entries:
        href = entry.find("a:link", ns).get("href")
        assert (site / href).exists(), href


def test_sitemap_lists_every_report_when_site_url_is_set(tmp_path, catalog, monkeypatch):
    import xml.etree.ElementTree as ET

    monkeypatch.setenv("YOUFU_SITE_URL", "https://example.org/youfu/")
    result = build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    root = ET.parse(tmp_path / "site" / "sitemap.xml").getroot()
    locs = {el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for report in catalog.reports:
        assert f"https://example.org/youfu/{built(report.src_uri)}" in locs
    feed = (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8")
    assert 'href="https://example.org/youfu/reports/' in feed


def test_year_and_topic_archives(site, catalog):
    from youfu import pages

    for report in catalog.reports:
        year_page = read(site, built(pages.year_uri(report.meta.year)))
        assert report.meta.title in year_page
        for topic in report.meta.topics:
            assert report.meta.title in read(site, built(pages.topic_uri(topic)))


# ---------------------------------------------------------------------------
# Benefits, facilities, open data
# ---------------------------------------------------------------------------


def test_every_group_package_and_facility_has_a_page(site, catalog):
    for group in catalog.groups:
        assert group.name in read(site, built(f"benefits/groups/{group.id}.md"))
    for package in catalog.packages:
        html = read(site, built(f"benefits/packages/{package.id}.md"))
        assert package.title in html and "资料整理于" in html and "请先向医院" in html
    for facility in catalog.facilities:
        html = read(site, built(f"facilities/{facility.id}.md"))
        assert facility.name in html
        # a card only where there is something to go there for (a military service), and never
        # for a facility the source says was closed or only planned, nor for services only planned
        card = facility.military and facility.status not in ("closed", "planned") and facility.claim.kind != "plan"
        assert ("就医前准备卡" in html) == card, facility.id
        if card and facility.phone is None:
            assert "资料未写明" in html


def test_every_local_item_cites_a_source_and_every_matrix_cell_links_to_a_record(site, catalog):
    for package in catalog.packages:
        for item in package.items:
            if package.scope == "local":
                assert package.item_sources(item), f"{package.id}/{item.id} cites no source"
            else:
                assert item.legal or package.legal
    html = read(site, built("benefits/matrix.md"))
    keys = re.findall(r'data-key="([^"]+)"', html)
    # support for troops or staff (type support) is not a personal benefit and stays out of the matrix
    assert sorted(keys) == sorted(f"{p.id}/{i.id}" for p in catalog.packages for i in p.items if i.type != "support")
    for package_id, item_id in (k.split("/") for k in keys):
        assert f'id="item-{item_id}"' in read(site, built(f"benefits/packages/{package_id}.md"))


def test_open_data_round_trip(site, catalog):
    import csv
    import io
    import json

    from youfu import opendata

    import yaml

    def plain(value):  # YAML dates as the ISO text JSON carries
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    def holds(published, written) -> bool:
        """What the file says is published (the published record may add defaults)."""
        if written is None:
            return published in (None, [], "")
        if isinstance(written, dict):
            return isinstance(published, dict) and all(holds(published.get(k), v) for k, v in written.items())
        if isinstance(written, list):
            return (isinstance(published, list) and len(published) == len(written)
                    and all(holds(p, w) for p, w in zip(published, written)))
        return published == written

    def written_cell(value) -> str:  # the CSV convention of the data dictionary, spelt out here
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "；".join(written_cell(v) for v in value)
        return str(value)

    for dataset in opendata.DATASETS:
        published = json.loads(read(site, f"downloads/{dataset.name}.json"))
        raw = (site / f"downloads/{dataset.name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a BOM for Excel"
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) == len(published)
        data_file = ROOT / dataset.data_file
        if data_file.suffix == ".yml":
            written = yaml.safe_load(data_file.read_text(encoding="utf-8")) or []
            assert len(published) == len(written), dataset.name
            if written and "id" in written[0]:
                assert [r["id"] for r in published] == [r["id"] for r in written]
                assert [r["id"] for r in rows] == [r["id"] for r in written]
            for record, row, table_row in zip(written, published, rows):
                for field, value in plain(record).items():
                    assert holds(row.get(field), value), (dataset.name, record.get("id"), field)
                    if value is not None and not isinstance(value, dict) and not (
                            isinstance(value, list) and value and isinstance(value[0], dict)):
                        assert table_row[field] == written_cell(value), (dataset.name, field)
        schema = json.loads(read(site, f"downloads/{dataset.name}.schema.json"))
        assert schema["type"] == "array"


def test_bureau_chart_of_a_figure_across_years(site_copy, tmp_path):
    """Two reports of one bureau with the same figure id make a build-time SVG chart."""
    bureaus = site_copy / "data/bureaus.yml"
    bureaus.write_text(bureaus.read_text(encoding="utf-8") + """
- id: sample-city
  name: 示例市卫生局
  level: city
  region: {province: 江苏省, city: 示例市}
  sample: true
  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 示例}]
""", encoding="utf-8")
    for year, value, kind in ((2014, 120, "计划"), (2015, 150, "总结")):
        path = site_copy / f"content/reports/sample-city/{year}-x.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"""---
title: 示例市{year}年报告
bureau: sample-city
year: {year}
kind: {kind}
topics: [征兵体检]
sample: true
sources: [{{file: 001_89d13becceec202a.txt, part: 篇1, where: 示例}}]
figures:
  - {{id: exams, what: 征兵体检人数, value: {value}, unit: 人}}
---

## 背景

示例正文。
""", encoding="utf-8")
    out = tmp_path / "site"
    result = build(site_copy, out)
    assert result.returncode == 0, result.stderr
    html = (out / built("bureaus/sample-city.md")).read_text(encoding="utf-8")
    chart = html[html.index("<figure class=\"yf-chart\""):]
    svg = chart[: chart.index("</svg>")]
    assert svg.count("<rect") == 2 and "2014年：120人" in svg and "2015年：150人" in svg
    assert html.index("示例市2015年报告") < html.index("示例市2014年报告"), "timeline is newest first"
    # A plan and the summary of the same year link to each other; different years do not.
    plan = (out / built("reports/sample-city/2014-x.md")).read_text(encoding="utf-8")
    assert "同一部门同一年" not in plan


def test_compact_keeps_preformatted_text_and_collapses_the_rest():
    from youfu.compact import compact

    page = ("<div>\n    \n   <p>一\n     二</p>\n\n</div>\n<pre><code>a\n    b\n\n</code></pre>"
            "<script>\n  var x = 1;\n\n  y()\n</script>\n  <textarea>\n  keep\n</textarea>")
    assert compact(page) == ("<div>\n<p>一\n二</p>\n</div>\n<pre><code>a\n    b\n\n</code></pre>"
                             "<script>\n  var x = 1;\n\n  y()\n</script>\n<textarea>\n  keep\n</textarea>")


# ---------------------------------------------------------------------------
# Key figures on report pages (content audit F12, F18, F24)
# ---------------------------------------------------------------------------

def _texts_by_id(html: str, prefix: str) -> dict[str, str]:
    """Plain text of every element whose id starts with `prefix`, read with html.parser."""
    from html.parser import HTMLParser

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "col", "source"}

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.open: list[list] = []  # [id, depth, parts]
            self.depth = 0
            self.found: dict[str, str] = {}

        def handle_starttag(self, tag, attrs):
            if tag in VOID:
                return
            self.depth += 1
            ident = dict(attrs).get("id") or ""
            if ident.startswith(prefix):
                self.open.append([ident, self.depth, []])

        def handle_endtag(self, tag):
            if tag in VOID:
                return
            if self.open and self.open[-1][1] == self.depth:
                ident, _, parts = self.open.pop()
                self.found[ident] = " ".join("".join(parts).split())
            self.depth -= 1

        def handle_data(self, data):
            for entry in self.open:
                entry[2].append(data)

    parser = Collect()
    parser.feed(html)
    return parser.found


def test_chengdu_page_flags_only_the_two_real_inconsistencies(site):
    html = read(site, "reports/chengdu-city/2005-zongjie.html")
    assert set(_texts_by_id(html, "discrepancy-")) == {"discrepancy-window-approvals",
                                                       "discrepancy-ncms-participation-rate"}
    rows = _texts_by_id(html, "figure-")
    for subset in ("figure-emergencies-by-type", "figure-event-health-tasks", "figure-drug-procurement"):
        assert "不是全部分项" in rows[subset] and "✔" not in rows[subset] and "相符" not in rows[subset], subset
    assert "所列分项合计 47 次，另有 13 次，原文没有说明属于哪一类" in rows["figure-emergencies-by-type"]
    assert "189余项" in rows["figure-event-health-tasks"] and "少于总数" in rows["figure-event-health-tasks"]
    assert "另有 14,162 万元" in rows["figure-drug-procurement"]
    assert "✔ 分项之和与总数相符" in rows["figure-emergencies-by-size"]
    assert "✔" in rows["figure-petitions-closure-rate"] and "93.48%" in rows["figure-petitions-closure-rate"]
    rate = _texts_by_id(html, "discrepancy-")["discrepancy-ncms-participation-rate"]
    assert "比例约为 89.92%，而原文写作 89.43%" in rate
    approvals = _texts_by_id(html, "discrepancy-")["discrepancy-window-approvals"]
    assert "原文的分项加起来是 12,108 件，而总数写作 12,113 件" in approvals


def test_approximate_figures_keep_their_hedge(site):
    rows = _texts_by_id(read(site, "reports/anon-001-1/2005-zongjie.html"), "figure-")
    assert "近1万元" in rows["figure-condolence-money"]
    rows = _texts_by_id(read(site, "reports/chengdu-city/2005-zongjie.html"), "figure-")
    assert "约200万元" in rows["figure-three-cuts-two-waivers"]
    assert "95%以上" in rows["figure-vaccination-rate"]


def test_excerpts_keep_years_written_with_marks(site):
    """“20**” and “20__” are text, not Markdown emphasis, in lists and in the feed."""
    import xml.etree.ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    summaries = {e.find("a:title", ns).text: e.find("a:summary", ns).text or ""
                 for e in ET.parse(site / "feed.xml").getroot().findall("a:entry", ns)}
    shuzhi = next(text for title, text in summaries.items() if "述职" in title)
    assert "年份写作“20**”" in shuzhi
    yichang = next(text for title, text in summaries.items() if "宜昌" in title)
    assert "年份一律写成“20__”" in yichang
    listing = read(site, "reports/index.html")
    assert "年份写作“20**”" in listing and "年份一律写成“20__”" in listing
