"""Place pages: every province, city and county in the data has one, joining the national rules,
the records of that place (plans apart), its facilities, bureaus and reports, with a plain answer
at the top. Expectations come from the YAML read with plain PyYAML and the pages are parsed with
the standard library's HTML parser (test_truth's small DOM), not with the code under test."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, build
from test_truth import article

pytestmark = pytest.mark.build

LEVELS = ("province", "city", "county")


def _yaml(name: str):
    return yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site


@pytest.fixture(scope="module")
def data():
    bureaus = {b["id"]: b for b in _yaml("bureaus.yml")}
    facilities = _yaml("facilities.yml")
    packages = [p for p in _yaml("benefits.yml") if p.get("scope", "local") == "local"]
    rules = _yaml("blood_rules.yml")

    def names(region) -> tuple:
        return tuple(region.get(level) for level in LEVELS) if region else (None, None, None)

    where = {}  # ("bureau"|"facility"|"package"|"blood", id) → names
    for b in bureaus.values():
        where[("bureau", b["id"])] = names(b["region"])
    for f in facilities:
        where[("facility", f["id"])] = names(f.get("region") or bureaus[f["bureau"]]["region"])
    for p in packages:
        where[("package", p["id"])] = names(bureaus[p["bureau"]]["region"])
    for r in rules:
        where[("blood", r["id"])] = names(bureaus[r["bureau"]]["region"])
    return {"bureaus": bureaus, "where": where}


def _label(names: tuple) -> str:
    return "".join(n for n in names if n)


def _prefixes(names: tuple) -> set[str]:
    """Labels of the place and every place above it that the names give."""
    return {_label(names[: i + 1]) for i, n in enumerate(names) if n}


def _heading(root) -> str:
    """The H1 without the marks and their note numbers: 山西省（推断，见注1）大同市 → 山西省大同市."""
    h1 = next(n for n in root.walk() if n.tag == "h1")
    return re.sub(r"（[^）]*）", "", h1.text()).strip()


@pytest.fixture(scope="module")
def place_pages(site) -> dict[str, tuple[str, object]]:
    """{label from the H1: (address, parsed article)} for every place page."""
    out = {}
    for path in sorted((site / "places").glob("*.html")):
        if path.name in ("index.html", "unknown.html"):
            continue
        root = article(path)
        label = _heading(root)
        assert label not in out, f"two place pages for {label}: {out[label][0]} and {path.name}"
        out[label] = (f"places/{path.name}", root)
    return out


def _links(root) -> set[str]:
    return {n.attrs["href"].split("#")[0] for n in root.walk() if n.tag == "a" and "href" in n.attrs}


def test_every_place_in_the_data_has_exactly_one_page(place_pages, data):
    expected = set().union(*(_prefixes(names) for names in data["where"].values()))
    assert {"福建省福州市马尾区", "山西省大同市", "安徽省池州市", "四川省成都市龙泉驿区"} <= expected
    assert set(place_pages) == expected


def test_every_record_is_on_the_page_of_its_place(place_pages, site, data):
    unknown = _links(article(site / "places/unknown.html"))
    pages = {"bureau": "../bureaus/{}.html", "facility": "../facilities/{}.html",
             "package": "../benefits/packages/{}.html"}
    checked = 0
    for (kind, record_id), names in data["where"].items():
        if kind == "blood":
            continue  # linked to the blood page's card (below)
        href = pages[kind].format(record_id)
        if not _label(names):
            assert href in unknown, f"{kind} {record_id} (place unknown) is missing from 地区未知的资料"
        else:
            assert href in _links(place_pages[_label(names)][1]), f"{kind} {record_id} missing from {_label(names)}"
        checked += 1
    assert checked > 60


def test_blood_rules_are_on_their_place_page(place_pages, data):
    for (kind, rule_id), names in data["where"].items():
        if kind == "blood":
            root = place_pages[_label(names)][1]
            assert any(n.tag == "a" and n.attrs.get("href", "").endswith(f"blood/index.html#{rule_id}")
                       for n in root.walk()), rule_id


def _answer(root) -> str:
    return next(n for n in root.walk() if n.attrs.get("id") == "answer").text()


def test_mawei_answer_says_no_local_rule_national_rules_apply_and_whom_to_ask(place_pages):
    _, root = place_pages["福建省福州市马尾区"]
    answer = _answer(root)
    assert "本站资料中没有福建省福州市马尾区的专门规定" in answer
    assert "全国性的规定适用于各地" in answer
    assert "请向当地退役军人事务部门或医院询问" in answer
    text = root.text()
    # the district's hospitals (from the YAML) and the city's are on the page
    for name in ("琅岐医院", "亭江卫生院", "罗星社区卫生服务中心", "福州市第二医院"):
        assert name in text
    assert "本站资料中没有这个地方的血站" in text
    assert "福州市马尾区卫生局" in text


def test_datong_answer_lists_its_campaign_as_a_campaign_that_ended(place_pages):
    _, root = place_pages["山西省大同市"]
    answer = _answer(root)
    assert "限期活动" in answer and "早已结束" in answer
    assert "手拉手" in answer
    assert "山西省（推断" in answer  # the inferred province keeps its mark in the answer too
    assert "全国性的规定适用于各地" in answer


def test_plans_are_apart_and_labelled(place_pages):
    _, root = place_pages["安徽省池州市"]
    planned = next(n for n in root.walk() if n.attrs.get("id") == "planned")
    assert "不是可以享受的优待" in planned.text()
    records = [n for n in root.walk() if n.attrs.get("data-yf-record") in ("package", "blood")
               and "yf-record" in n.attrs.get("class", "")]
    assert records and all("工作计划" in n.text() for n in records)
    assert "本站资料中没有安徽省池州市的地方做法记录" in re.sub(r"（[^）]*）", "", root.text())


def test_only_inferred_places_are_listed_with_their_mark(site):
    """安徽省 and 池州市 come only from an inference: the index says so next to each name."""
    root = article(site / "places/index.html")
    for name in ("安徽省", "池州市", "山西省", "涞源县"):
        link = next(n for n in root.walk() if n.tag == "a" and n.text() == name)
        item = link.parent
        assert "（推断，见注" in item.text().split(name, 1)[1][:12], name
    datong = next(n for n in root.walk() if n.tag == "a" and n.text() == "大同市")
    assert not datong.parent.text().split("大同市", 1)[1].startswith("（推断")
    assert any(n.tag == "a" and n.attrs.get("href") == "unknown.html" for n in root.walk())


def test_a_place_with_records_only_below_points_to_them(place_pages):
    _, root = place_pages["四川省"]
    assert "本站资料中没有四川省的专门规定" in _answer(root)
    below = next(n for n in root.walk() if n.attrs.get("id") == "below")
    assert below is not None
    assert any(n.tag == "a" and n.text() == "成都市" for n in root.walk())


def test_a_record_whose_city_is_unknown_is_not_applied_to_the_cities_of_its_province(place_pages):
    """The 福建省 plan of a city bureau whose city is unknown is on the province page with a
    warning, and only pointed at from 马尾区, not listed there as applying."""
    _, fujian = place_pages["福建省"]
    assert "../benefits/packages/anon-000-3-package.html" in _links(fujian)
    assert "不一定适用于当地每个地方" in fujian.text()
    _, mawei = place_pages["福建省福州市马尾区"]
    assert "../benefits/packages/anon-000-3-package.html" not in _links(mawei)
    assert "不一定适用于这里" in mawei.text()


def test_place_addresses_are_distinct_and_homophones_do_not_collide(repo):
    from youfu import atlas
    from youfu.catalog import load_catalog

    bureaus = """\
- id: a
  name: 甲县卫生局
  level: county
  region: {province: 福建省, city: 福州市, county: 马尾区}
  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}]
- id: b
  name: 乙县卫生局
  level: county
  region: {province: 福建省, city: 福州市, county: 马尾县}
  sources: [{file: 001_89d13becceec202a.txt, part: 篇1, where: 第一段}]
"""
    catalog, problems = load_catalog(repo({"data/bureaus.yml": bureaus}))
    assert problems == []
    found = atlas.build(catalog)
    uris = [n.uri for n in found.walk()]
    assert len(uris) == len(set(uris)) == 4
    assert not {"places/index.md", "places/unknown.md"} & set(uris)
    assert "places/fujian.md" in uris and "places/fujian-fuzhou.md" in uris
    spelled_alike = [u for u in uris if u.startswith("places/fujian-fuzhou-mawei")]
    assert len(spelled_alike) == 2 and all(re.fullmatch(r"places/fujian-fuzhou-mawei-[0-9a-f]{6}\.md", u)
                                           for u in spelled_alike)
