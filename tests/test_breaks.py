"""Tests written against deliberate breaks (tests/benchmark/breaks.py applies them one at a time):
each expectation here is worked out by hand or read with plain PyYAML / the standard library's
HTML parser, never computed by the function under test."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from helpers import ROOT
from youfu import figures, search
from youfu.catalog import load_catalog

import test_bad_input as catalogue


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def messages(tmp_path: Path, files: dict[str, str]) -> list[str]:
    base = {"data/sources.yml": catalogue.SOURCES_YML, "data/bureaus.yml": catalogue.BUREAUS_YML, **catalogue.VALID}
    _, problems = load_catalog(write(tmp_path, {**base, **files}))
    return [str(p) for p in sorted(problems)]


# ---------------------------------------------------------------------------
# Figures: a sum is checked both ways
# ---------------------------------------------------------------------------


def _figure(value, parts, parts_are="all", unit="人"):
    return figures.Figure(id="x", what="人数", value=value, unit=unit, parts_are=parts_are,
                          parts=[figures.FigurePart(what=f"分项{i}", value=v, unit=unit) for i, v in enumerate(parts)])


@pytest.mark.parametrize("value, parts, parts_are, status", [
    (100, [60, 40], "all", "ok"),
    (100, [60, 30], "all", "mismatch"),   # parts short of the total
    (100, [60, 50], "all", "mismatch"),   # parts over the total
    (100, [60, 41], "all", "mismatch"),   # over by one: whole numbers add up exactly
    (100, [60, 30], "some", "within"),
    (100, [60, 40], "some", "within"),
    (100, [60, 41], "some", "mismatch"),  # "其中" parts over the total
])
def test_a_sum_is_checked_both_ways(value, parts, parts_are, status):
    assert figures.check(_figure(value, parts, parts_are)).status == status


def test_the_message_for_parts_over_the_total_names_both_sums():
    result = figures.check(_figure(100, [60, 50]))
    assert result.message == ("数字 x：分项加起来必须等于总数（分项合计 110 人，总数是 100 人）；"
                              "请对照资料核对，资料本身不一致就写 note 说明")


def test_parts_over_the_total_in_another_unit_are_flagged():
    """Yangzhou's slip, by hand: 5,233,208.69 元 + 11,644,664 万元 is far above 16,877,872.69 元."""
    figure = figures.Figure(id="relief", what="减免", value=16877872.69, unit="元", parts=[
        figures.FigurePart(what="住院", value=5233208.69, unit="元"),
        figures.FigurePart(what="门诊", value=11644664.00, unit="万元")])
    assert figures.check(figure).status == "mismatch"


def test_every_report_flags_exactly_the_hand_listed_contradictions():
    """Read with plain PyYAML: the figures whose front matter explains a discrepancy and that the
    check must flag. Worked out by hand from the reports' numbers."""
    expected = {("chengdu-city/2005-zongjie", "window-approvals"),
                ("chengdu-city/2005-zongjie", "ncms-participation-rate"),
                ("yangzhou-city/unknown-zongjie", "relief-total")}
    catalog, problems = load_catalog(ROOT)
    assert problems == []
    flagged = {(r.id, f.id) for r in catalog.reports for f, c in r.flagged}
    assert flagged == expected
    # each of them carries its explanation in the file itself
    for report_id, figure_id in expected:
        text = (ROOT / "content/reports" / f"{report_id}.md").read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        (figure,) = [f for f in front["figures"] if f["id"] == figure_id]
        assert figure["discrepancy"], (report_id, figure_id)


# ---------------------------------------------------------------------------
# Search: tables and digits next to Han characters are indexed
# ---------------------------------------------------------------------------


def test_table_cells_are_indexed_text():
    html = ('<h1>医院名单</h1><p>下列医院：</p><table><thead><tr><th>医院</th><th>电话</th></tr></thead>'
            '<tbody><tr><td>星河医院</td><td>0514-1234</td></tr><tr><td>月湾<b>卫生院</b></td><td>无</td></tr>'
            '</tbody></table><h2 id="b">其他</h2><p>完</p>')
    sections = search.sections_of(html)
    assert [(s.anchor, s.heading, s.text) for s in sections] == [
        ("", "医院名单", "下列医院：\n医院\n电话\n星河医院\n0514-1234\n月湾卫生院\n无"),
        ("b", "其他", "完"),
    ]


def test_a_page_found_only_through_its_table_is_in_the_index():
    from youfu import indexer

    page = ('<html><body><div data-yf-search="{}"></div><article><h1>名单</h1>'
            '<table><tr><td>星河湾医院</td></tr></table></article></body></html>')
    doc = indexer.document("list.html", page.replace('"{}"', '"{&quot;title&quot;: &quot;名单&quot;, '
                                                      '&quot;kind&quot;: &quot;页面&quot;}"'))
    assert doc is not None and "星河湾医院" in "".join(s.text for s in doc.sections)
    files = search.build([doc])
    shards = "".join(text for name, text in files.items() if name.startswith("search/idx/t/"))
    assert '"星河"' in shards and '"湾医"' in shards


def test_terms_of_han_then_digit_and_digit_then_han():
    """Every unit, every adjacent pair; 第3批 gives 第3 and 3批 (counted by hand)."""
    assert search.terms(search.fold("第3批")) == Counter({"第": 1, "3": 1, "批": 1, "第3": 1, "3批": 1})
    assert search.terms(search.fold("星3门诊")) == Counter(
        {"星": 1, "3": 1, "门": 1, "诊": 1, "门诊": 1, "星3": 1, "3门": 1})
    assert search.terms(search.fold("2014年第3批")) == Counter(
        {"2014": 1, "年": 1, "第": 1, "3": 1, "批": 1, "年第": 1, "2014年": 1, "第3": 1, "3批": 1})


def test_han_then_digit_term_reaches_the_index():
    doc = search.SearchDoc(url="a.html", title="甲", kind="页面",
                           sections=[search.Section(anchor="", heading="", text="第3批名单")])
    files = search.build([doc])
    shards = "".join(text for name, text in files.items() if name.startswith("search/idx/t/"))
    assert '"第3"' in shards and '"3批"' in shards


# ---------------------------------------------------------------------------
# Open data against the data files read with plain PyYAML
# ---------------------------------------------------------------------------


def _plain_yaml(value):
    """YAML's dates as the ISO text JSON carries."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain_yaml(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_yaml(v) for k, v in value.items()}
    return value


def _contains(published, written) -> bool:
    """Every key written in the data file is published with the same value (the published record
    may add defaults the file leaves out)."""
    if isinstance(written, dict):
        return isinstance(published, dict) and all(_contains(published.get(k), v) for k, v in written.items()
                                                    if v is not None or k in published)
    if isinstance(written, list):
        return isinstance(published, list) and len(published) == len(written) and all(
            _contains(p, w) for p, w in zip(published, written))
    if isinstance(written, float) or isinstance(published, float):
        return published == written
    return published == written


@pytest.fixture
def downloads():
    from youfu import opendata

    catalog, problems = load_catalog(ROOT)
    assert problems == []
    return opendata.files(catalog)


DATA_FILES = ["bureaus", "groups", "legal", "benefits", "facilities", "blood_rules", "glossary", "synonyms", "sources"]


@pytest.mark.parametrize("name", DATA_FILES)
def test_open_data_json_holds_every_record_as_written(downloads, name):
    written = yaml.safe_load((ROOT / f"data/{name}.yml").read_text(encoding="utf-8")) or []
    published = json.loads(downloads[f"downloads/{name}.json"])
    key = "id" if written and "id" in written[0] else None
    assert len(published) == len(written)
    if key:
        by_id = {row["id"]: row for row in published}
        assert sorted(by_id) == sorted(r["id"] for r in written)
        pairs = [(by_id[r["id"]], r) for r in written]
    else:
        pairs = list(zip(published, written))
    for row, record in pairs:
        record = _plain_yaml(record)
        for field, value in record.items():
            assert _contains(row.get(field), value), (name, record.get("id"), field, row.get(field), value)


def test_facilities_own_regions_are_in_the_open_data(downloads):
    written = yaml.safe_load((ROOT / "data/facilities.yml").read_text(encoding="utf-8"))
    own = {r["id"]: r["region"] for r in written if r.get("region")}
    assert len(own) >= 10  # the real data: many hospitals sit in a county of their city's bureau
    rows = {r["id"]: r for r in json.loads(downloads["downloads/facilities.json"])}
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(downloads["downloads/facilities.csv"].decode("utf-8-sig")))}
    for facility_id, region in own.items():
        assert {k: v for k, v in rows[facility_id]["region"].items() if v} == {k: v for k, v in region.items() if v}
        for part in (region.get("province"), region.get("city"), region.get("county")):
            if part:
                assert part in table[facility_id]["region"], (facility_id, part)
        if region.get("county"):  # the place column names the facility's own county, not its bureau's
            assert region["county"] in rows[facility_id]["place"], facility_id
            assert region["county"] in table[facility_id]["place"], facility_id


# ---------------------------------------------------------------------------
# Rules with a case each way
# ---------------------------------------------------------------------------

F = catalogue.FACILITIES


@pytest.mark.parametrize("name, expected", [
    ("测试市人民医院", []),
    ("' 测试市人民医院'", [f"{F}:2: name 开头和结尾不能有空格，请删去"]),
    ("'测试市人民医院 '", [f"{F}:2: name 开头和结尾不能有空格，请删去"]),
    ("'测试市 人民医院'", []),
])
def test_text_must_not_start_or_end_with_spaces(tmp_path, name, expected):
    assert messages(tmp_path, {F: catalogue.FACILITY.replace("name: 测试市人民医院", f"name: {name}")}) == expected


@pytest.mark.parametrize("new_id, ok", [("test-hospital-2", True), ("test--hospital", False), ("-test", False),
                                        ("test-", False), ("Test-hospital", False)])
def test_ids_use_single_dashes(tmp_path, new_id, ok):
    text = catalogue.FACILITY.replace("id: test-hospital", f"id: {new_id}")
    found = [m for m in messages(tmp_path, {F: text}) if m.startswith(f"{F}:1:")]
    assert found == ([] if ok else [f'{F}:1: id 只能用小写字母 a-z、数字和单个短横线'
                                    f'（现在写的是 "{new_id}"）'])


ITEM_LAW = "      legal:\n        - {law: %s, article: 第一条}\n"


def test_item_level_law_references_are_checked(tmp_path):
    B = catalogue.BENEFITS
    assert messages(tmp_path / "ok", {B: catalogue.PACKAGE + ITEM_LAW % "veterans-law"}) == []
    assert messages(tmp_path / "bad", {B: catalogue.PACKAGE + ITEM_LAW % "no-such-law"}) == [
        f"{B}:18: law 写的 no-such-law 在 data/legal.yml 里找不到：必须是那里已有条目的 id；请核对拼写或先在 data/legal.yml 里添加"]


# ---------------------------------------------------------------------------
# Publishing: at no moment is the served site missing or half there
# ---------------------------------------------------------------------------


def _site(folder: Path, marker: str) -> dict[str, bytes]:
    files = {"index.html": f"<p>{marker}</p>".encode(), **{f"pages/{i}.html": f"{marker}{i}".encode() * 200
                                                          for i in range(30)}}
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    return files


_AUDIT: list = []  # the hook of the running test (audit hooks cannot be removed)


def _audit(event, args):
    if _AUDIT:
        _AUDIT[-1](event, args)


sys.addaudithook(_audit)

_CHANGES = ("os.remove", "os.rmdir", "os.rename", "os.symlink", "os.unlink", "shutil.rmtree", "shutil.copytree",
            "shutil.copyfile", "os.mkdir", "os.link", "os.truncate")


def test_at_every_file_system_step_of_a_publish_the_site_is_whole(tmp_path):
    """Before every change a publish makes to the file system (an audit hook sees each one), the
    target serves all of site A or all of site B — deterministic, unlike a reader racing it."""
    from youfu import publish

    a, b = tmp_path / "a", tmp_path / "b"
    files_a, files_b = _site(a, "甲"), _site(b, "乙")
    www = tmp_path / "www"
    www.mkdir()
    target = www / "site"
    publish.publish_folder(a, target)
    seen: list[str] = []
    busy = threading.local()

    def served() -> str:
        out = {}
        for name in files_a:
            try:
                out[name] = (target / name).read_bytes()
            except OSError:
                return "missing"
        return "A" if out == files_a else "B" if out == files_b else "mixed"

    def hook(event, args):
        if event in _CHANGES and not getattr(busy, "on", False):
            busy.on = True
            try:
                seen.append(served())
            finally:
                busy.on = False

    _AUDIT.append(hook)
    try:
        for source in (b, a, b):
            publish.publish_folder(source, target)
    finally:
        _AUDIT.pop()
    seen.append(served())
    assert seen and set(seen) <= {"A", "B"}, Counter(seen)
    assert seen[-1] == "B"
    assert "A" in seen and "B" in seen


# ---------------------------------------------------------------------------
# Preview: an edit of a data file reaches the pages
# ---------------------------------------------------------------------------


def test_the_preview_regenerates_pages_after_a_data_file_edit(site_copy, tmp_path):
    """An edit that changes what a page shows but not its title (a status note added to a facility)
    reaches the page on the preview's next run, which reuses unchanged pages."""
    from youfu import pipeline

    data = site_copy / "data/facilities.yml"
    text = data.read_text(encoding="utf-8")
    written = yaml.safe_load(text)
    chosen = next(r for r in written if not r.get("status_note"))
    results = []
    regenerate = pipeline._Regenerator(site_copy, tmp_path / "docs", lambda r, e, s: results.append((r, e)))
    regenerate()
    assert results[-1][1] is None
    (page,) = (tmp_path / "docs").rglob(f"{chosen['id']}.md")
    assert "预览改动的说明甲乙" not in page.read_text(encoding="utf-8")
    start = text.index(f"- id: {chosen['id']}\n")
    end = text.find("\n- id:", start)
    block = text[start:end if end > 0 else len(text)]
    lines = [line for line in block.split("\n") if not line.startswith("  status_note:")]
    lines.insert(1, "  status_note: 预览改动的说明甲乙")
    data.write_text(text[:start] + "\n".join(lines) + text[start + len(block):], encoding="utf-8")
    regenerate()
    assert results[-1][1] is None
    assert "预览改动的说明甲乙" in page.read_text(encoding="utf-8")


def test_the_preview_watches_the_data_folder(site_copy):
    from youfu import pipeline

    calls = threading.Event()
    observer = pipeline._watch(site_copy, calls.set)
    try:
        time.sleep(0.3)
        data = site_copy / "data/facilities.yml"
        data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert calls.wait(10), "an edit of data/facilities.yml did not regenerate the preview"
    finally:
        observer.stop()
        observer.join(5)


# ---------------------------------------------------------------------------
# youfu stale: every record kind, at the 12-month boundary
# ---------------------------------------------------------------------------

STALE_TAIL = "已超过 12 个月；请向机构核实后在 checks 里记一笔"


def _with_curated(text: str, day: str) -> str:
    assert text.count("curated: 2026-11-22") == 1
    return text.replace("curated: 2026-11-22", f"curated: {day}")


@pytest.mark.parametrize("today, curated, stale", [
    ("2025-12-01", "2024-12-01", False),  # exactly 12 months
    ("2025-12-01", "2024-11-30", True),   # a day more
    ("2024-12-01", "2023-12-01", False),  # exactly 12 months across 29 February
    ("2024-12-01", "2023-11-30", True),
    ("2025-03-01", "2024-03-01", False),  # the 12 months hold 29 February 2024
    ("2025-03-01", "2024-02-29", True),
])
@pytest.mark.parametrize("kind", ["facility", "package", "blood", "law"])
def test_stale_at_the_twelve_month_boundary_for_every_record_kind(tmp_path, capsys, kind, today, curated, stale):
    from youfu.cli import main

    files = {"facility": (F, catalogue.FACILITY, "test-hospital", 1),
             "package": (catalogue.BENEFITS, catalogue.PACKAGE, "test-package", 1),
             "blood": (catalogue.BLOOD_F, catalogue.BLOOD, "test-deposit", 1),
             "law": (catalogue.LEGAL_F, catalogue.LEGAL, "veterans-law", 1)}
    path, text, record_id, line = files[kind]
    base = {"data/sources.yml": catalogue.SOURCES_YML, "data/bureaus.yml": catalogue.BUREAUS_YML, **catalogue.VALID}
    # every other record is fresh as of `today`
    fresh = {p: t.replace("curated: 2026-11-22", f"curated: {today}") for p, t in base.items()}
    root = write(tmp_path, {**fresh, path: _with_curated(text, curated)})
    assert main(["stale", "--root", str(root), "--today", today]) == 0
    out = capsys.readouterr().out.splitlines()
    if stale:
        assert out == [f"{path}:{line}: {record_id}：{curated} 从资料整理，从未向机构核实，{STALE_TAIL}",
                       "1 条记录超过 12 个月未核实（1 stale record(s)）"]
    else:
        assert out == ["0 条记录超过 12 个月未核实（0 stale record(s)）"]


def test_stale_counts_from_the_last_check_not_from_curation(tmp_path, capsys):
    from youfu.cli import main

    checks = ("  checks: [{on: 2024-12-01, method: phone, by: 区卫生健康局办公室, contact: 医院医务科, result: 窗口仍在}]\n")
    base = {"data/sources.yml": catalogue.SOURCES_YML, "data/bureaus.yml": catalogue.BUREAUS_YML, **catalogue.VALID}
    fresh = {p: t.replace("curated: 2026-11-22", "curated: 2025-12-01") for p, t in base.items()}
    facility = _with_curated(catalogue.FACILITY, "2020-01-01") + checks
    root = write(tmp_path, {**fresh, F: facility})
    assert main(["stale", "--root", str(root), "--today", "2025-12-01"]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 条记录超过 12 个月未核实（0 stale record(s)）"]
    root = write(tmp_path, {F: facility.replace("on: 2024-12-01", "on: 2024-11-30")})
    assert main(["stale", "--root", str(root), "--today", "2025-12-01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{F}:1: test-hospital：最后一次向机构核实是 2024-11-30，{STALE_TAIL}",
        "1 条记录超过 12 个月未核实（1 stale record(s)）"]


def test_every_deliberate_break_still_applies():
    """tests/benchmark/breaks.py patches the code by its text: a reworded line would make a
    break silently impossible, so each text must still be found exactly once."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "benchmark"))
    import breaks

    stale = [b.name for b in breaks.BREAKS
             if (ROOT / "hooks/youfu" / b.file).read_text(encoding="utf-8").count(b.old) != 1]
    assert len(breaks.BREAKS) >= 16 and stale == []
