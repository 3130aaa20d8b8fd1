"""In real headless Chromium: pages load with no console errors and no request
leaving localhost."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, build, built, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    with serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            args=[a for a in CHROMIUM_ARGS if a != "--headless"],
        )
        yield context
        context.close()


def visit(browser, url: str):
    """Open `url`; return (page, console errors, hosts requested)."""
    page = browser.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: hosts.add(urlparse(req.url).hostname or req.url))
    page.goto(url, wait_until="networkidle")
    return page, errors, hosts


def one_page_of_each_kind() -> list[str]:
    """Home, every index, and one page of every generated kind."""
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    first = lambda items: next(iter(items))  # noqa: E731
    report = first(catalog.reports)
    sources = [
        "index.md", "about.md", "sources/index.md", "bureaus/index.md", f"bureaus/{first(catalog.bureaus).id}.md",
        "reports/index.md", report.src_uri, "benefits/index.md", "benefits/matrix.md",
        "benefits/glossary.md", "benefits/legal.md", f"benefits/groups/{first(catalog.groups).id}.md",
        f"benefits/packages/{first(catalog.packages).id}.md", "facilities/index.md", "facilities/regions.md",
        f"facilities/{first(catalog.facilities).id}.md", "blood/index.md", "downloads/index.md", "search/index.md",
    ]
    return [built(s) for s in sources]


@pytest.mark.parametrize("path", one_page_of_each_kind())
def test_page_loads_cleanly_and_stays_local(browser, base_url, path):
    page, errors, hosts = visit(browser, base_url + path)
    assert errors == []
    assert hosts <= {"127.0.0.1"}, f"requests left localhost: {hosts}"
    assert page.locator("h1").first.is_visible()
    assert page.context.cookies() == []
    page.close()


def test_home_page_shows_emergency_notice(browser, base_url):
    page, _, _ = visit(browser, base_url)
    assert "120" in page.locator(".yf-emergency").inner_text()
    page.close()


# ---------------------------------------------------------------------------
# Filters whose state lives in the URL
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog():
    from youfu.catalog import load_or_fail

    return load_or_fail(ROOT)


def visible_keys(page) -> list[str]:
    return sorted(page.eval_on_selector_all(
        "[data-yf-item]", "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.key)"))


def _choose_matrix_case(catalog):
    """A group and a province that select some, but not all, of the matrix cells."""
    from youfu.pages import placed_items

    placed = [p for p in placed_items(catalog) if p.item.personal]  # the matrix lists personal benefits only
    for group in catalog.groups:
        for province in sorted({p.province for p in placed if p.province != "全国"}):
            keys = sorted(f"{p.package.id}/{p.item.id}" for p in placed
                          if group.id in p.reach.split() and p.province in (province, "全国"))
            if keys and len(keys) < len(placed):
                return group.id, province, keys
    pytest.fail("the shipped data has no group and region that narrow the matrix")


def test_matrix_filter_by_group_and_region_survives_reload(browser, base_url, catalog):
    group, province, expected = _choose_matrix_case(catalog)
    page, errors, _ = visit(browser, base_url + built("benefits/matrix.md"))
    page.select_option("select[name=group]", group)
    page.select_option("select[name=region]", province)
    assert visible_keys(page) == expected
    assert f"group={group}" in page.url
    page.reload(wait_until="networkidle")
    assert page.locator("select[name=group]").input_value() == group
    assert visible_keys(page) == expected
    assert errors == []
    page.close()


def test_directory_filter_by_service_and_region_survives_reload(browser, base_url, catalog):
    regions = {f.id: catalog.region_of(f).province_label for f in catalog.facilities}
    service, province = next(
        (s, regions[f.id]) for f in catalog.facilities for s in f.services
        if 0 < sum(1 for g in catalog.facilities if s in g.services and regions[g.id] == regions[f.id])
        < len(catalog.facilities))
    expected = sorted(f.id for f in catalog.facilities if service in f.services and regions[f.id] == province)
    page, errors, _ = visit(browser, base_url + built("facilities/index.md"))
    page.select_option("select[name=service]", service)
    page.select_option("select[name=region]", province)
    assert visible_keys(page) == expected
    url = page.url
    page.close()
    page, errors2, _ = visit(browser, url)
    assert visible_keys(page) == expected
    assert errors == errors2 == []
    page.close()


def test_filter_with_no_match_shows_a_helpful_message(browser, base_url, catalog):
    page, _, _ = visit(browser, base_url + built("benefits/matrix.md") + "?group=blood-donor&region=%E4%B8%8D%E5%AD%98%E5%9C%A8")
    # An unknown region in the URL is ignored rather than hiding everything.
    assert page.locator("select[name=region]").input_value() == ""
    assert page.locator("[data-yf-empty]").is_hidden() or visible_keys(page) == []
    # find a group and a region that together select nothing (the shipped data has such pairs)
    values = lambda name: page.eval_on_selector_all(  # noqa: E731
        f"select[name={name}] option", "os => os.map(o => o.value).filter(Boolean)")
    empty = None
    for group in values("group"):
        page.select_option("select[name=group]", group)
        for region in values("region"):
            page.select_option("select[name=region]", region)
            if not visible_keys(page):
                empty = (group, region)
                break
        if empty:
            break
    assert empty, "no group and region select nothing: the no-match message cannot be checked"
    assert page.locator("[data-yf-empty]").is_visible()
    # and it goes away when something matches again
    page.select_option("select[name=group]", "")
    page.select_option("select[name=region]", "")
    assert visible_keys(page) and page.locator("[data-yf-empty]").is_hidden()
    page.close()


def test_directory_is_usable_on_a_360px_phone(browser, base_url):
    page = browser.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base_url + built("facilities/index.md"), wait_until="networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone ({width}px)"
    assert page.locator("select[name=service]").is_visible()
    page.close()


SAMPLE_FACILITY = """
- id: sample-card-hospital
  name: 示例市人民医院
  kind: 综合医院
  bureau: chengdu-city
  services: [军人优先窗口, 绿色通道]
  status: in_use
  status_note: 示例数据：资料写到该院设有军人优先窗口
  claim: {kind: report, period: {year: 2005, certainty: stated}}
  curated: 2026-11-22
  sources: [{file: 001_89d13becceec202a.txt, part: 篇10, where: 示例}]
  sample: true
"""


def test_facility_card_prints_on_one_a4_page(browser, site_copy, tmp_path):
    """The shipped data has no facility a reader could act on (the military services in it are
    plans), so a sample one is added to a copy: its card prints alone on one A4 page."""
    with (site_copy / "data/facilities.yml").open("a", encoding="utf-8") as f:
        f.write(SAMPLE_FACILITY)
    out = tmp_path / "site"
    result = build(site_copy, out)
    assert result.returncode == 0, result.stderr
    with serve(out) as url:
        page = browser.new_page()
        page.goto(url + built("facilities/sample-card-hospital.md"), wait_until="networkidle")
        assert page.locator(".yf-card").is_visible()
        page.evaluate("document.documentElement.setAttribute('data-yf-printing', '')")  # what the button does
        page.emulate_media(media="print")
        assert not page.locator(".md-header").is_visible()
        assert page.locator(".yf-card").is_visible()
        pdf = page.pdf(format="A4", print_background=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        page.close()


def test_group_checklist_prints_on_one_a4_page(browser, base_url, catalog):
    group = next(iter(catalog.groups))
    page = browser.new_page()
    page.goto(base_url + built(f"benefits/groups/{group.id}.md"), wait_until="networkidle")
    page.evaluate("document.documentElement.setAttribute('data-yf-printing', '')")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.close()


# ---------------------------------------------------------------------------
# Privacy and the Content-Security-Policy
# ---------------------------------------------------------------------------


def test_every_kind_of_page_satisfies_the_documented_headers(browser, tmp_path_factory):
    """Served with the response headers of the publishing guide (the policy again, with
    frame-ancestors, nosniff and no referrer), on top of each page's own policy."""
    from youfu.security import HEADERS

    out = tmp_path_factory.mktemp("csp-site")
    assert build(ROOT, out).returncode == 0
    with serve(out, headers=HEADERS) as url:
        for path in one_page_of_each_kind() + [built("search/index.md") + "?q=%E7%BB%BF%E8%89%B2"]:
            page = browser.new_page()
            violations: list[str] = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(url + path, wait_until="networkidle")
            page.evaluate("() => new Promise(r => setTimeout(r, 100))")
            assert violations == [], (path, violations)
            page.close()


def test_publishing_guide_quotes_the_same_csp():
    from youfu.security import CSP

    assert CSP in (ROOT / "content/guide/publish.md").read_text(encoding="utf-8")
