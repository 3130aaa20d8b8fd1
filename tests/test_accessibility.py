"""Accessibility in real headless Chromium, on one page of every kind:

- axe-core (bundled in tests/a11y, installed with `npm ci --prefix tests/a11y`) finds no
  serious or critical violation;
- at 360 px (a small phone) no page scrolls sideways: wide tables scroll inside their own
  wrapper;
- at 200 % zoom the content and the filters stay usable. Zoom is emulated the way a
  browser zooms: a 1280 px window at 200 % lays the page out in a 640 CSS px viewport
  with 2 device pixels per CSS pixel, so the context gets viewport width 640 and
  device_scale_factor 2 (not the CSS `zoom` property, which leaves media queries and the
  viewport width unchanged and so tests nothing a zooming reader sees);
- the keyboard alone reaches and works the filters and the search box.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ROOT, build, built, launch_chromium

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
SEARCH_QUERY = "绿色通道"
PHONE = {"width": 360, "height": 740}
ZOOM_200 = {"width": 640, "height": 360}  # a 1280 × 720 window at 200 %


def axe_script() -> Path:
    """The bundled axe-core; a missing install fails the test (it is never skipped)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed ({AXE} is missing): run `npm ci --prefix tests/a11y`",
                    pytrace=False)
    return AXE


# ---------------------------------------------------------------------------
# The pages: one of every kind
# ---------------------------------------------------------------------------


def pages_of_every_kind() -> dict[str, str]:
    """{kind: built path}. Where a kind has several pages, the richest one is taken
    (a bureau with a chart, a report with a figures table, a facility with services),
    so that the check covers as many parts of the templates as it can."""
    from youfu import atlas, pages
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    reports = list(catalog.reports)
    bureau = max(catalog.bureaus, key=lambda b: (len(catalog.reports_of(b.id)), b.id))
    report = max(reports, key=lambda r: (bool(r.meta.figures), len(r.meta.figures or []), r.src_uri))
    facility = max(catalog.facilities, key=lambda f: (len(f.services), f.id))
    year = next(r.meta.year for r in reports if r.meta.year is not None)
    topic = next(t for r in reports for t in r.meta.topics)
    sources = {
        "home": "index.md",
        "about": "about.md",
        "guide index": "guide/index.md",
        "guide page": "guide/add-report.md",
        "sources": "sources/index.md",
        "bureaus index": "bureaus/index.md",
        "bureau": f"bureaus/{bureau.id}.md",
        "reports archive": "reports/index.md",
        "report": report.src_uri,
        "reports of a year": pages.year_uri(year),
        "reports of a topic": pages.topic_uri(topic),
        "benefits index": "benefits/index.md",
        "matrix": "benefits/matrix.md",
        "legal": "benefits/legal.md",
        "glossary": "benefits/glossary.md",
        "group": f"benefits/groups/{next(iter(catalog.groups)).id}.md",
        "package": f"benefits/packages/{next(iter(catalog.packages)).id}.md",
        "facilities directory": "facilities/index.md",
        "facility": f"facilities/{facility.id}.md",
        "regions": "facilities/regions.md",
        "blood": "blood/index.md",
        "places index": "places/index.md",
        "place": max(atlas.build(catalog).walk(), key=lambda n: (len(n.facilities) + len(n.packages), n.uri)).uri,
        "unknown places": "places/unknown.md",
        "downloads": "downloads/index.md",
        "search with results": "search/index.md",
    }
    return {kind: built(src) for kind, src in sources.items()}


PAGES = pages_of_every_kind()
KINDS = list(PAGES)
MATRIX, DIRECTORY, SEARCH = PAGES["matrix"], PAGES["facilities directory"], PAGES["search with results"]


# ---------------------------------------------------------------------------
# Fixtures: one build, one server, one Chromium
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(shipped_url):
    return shipped_url


@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="zh-CN")
    yield context
    context.close()


@pytest.fixture(scope="module")
def zoomed(chromium):
    context = chromium.new_context(viewport=ZOOM_200, device_scale_factor=2, locale="zh-CN")
    yield context
    context.close()


def open_page(context, base_url: str, kind: str):
    """Open the page of `kind`; the search page with a query typed in and its results shown."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + PAGES[kind], wait_until="networkidle")
    if PAGES[kind] == SEARCH:
        page.fill("#search-input", SEARCH_QUERY)
        page.press("#search-input", "Enter")
        wait_for_results(page)
    assert errors == [], errors
    return page


def wait_for_results(page) -> int:
    page.wait_for_selector("#search-results[data-state=done] .yf-search-hit", timeout=15000)
    return page.locator("#search-results .yf-search-hit").count()


# ---------------------------------------------------------------------------
# axe-core
# ---------------------------------------------------------------------------


def run_axe(page) -> list[dict]:
    # Evaluated, not added as a <script> element: the page's Content-Security-Policy allows
    # no inline script, and the test must not switch it off.
    page.evaluate("source => { (0, eval)(source); }", axe_script().read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def readable(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_violation(desktop, base_url, kind):
    axe_script()
    page = open_page(desktop, base_url, kind)
    if PAGES[kind] == SEARCH:
        page.locator(".yf-search__filters summary").click()  # check the filters too
    violations = run_axe(page)
    page.close()
    assert not violations, f"axe-core on {PAGES[kind]} ({kind}):\n{readable(violations)}"


def test_axe_is_the_pinned_version():
    """The bundled axe-core is the one package.json pins (npm ci installed it)."""
    axe_script()
    pinned = json.loads((ROOT / "tests/a11y/package.json").read_text(encoding="utf-8"))["dependencies"]["axe-core"]
    installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == pinned, f"run `npm ci --prefix tests/a11y` (installed {installed}, pinned {pinned})"


# ---------------------------------------------------------------------------
# Reflow: a 360 px phone and 200 % zoom
# ---------------------------------------------------------------------------


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def wider_than_viewport(page, limit: int) -> list[str]:
    """Elements that stick out to the right of the viewport (for a readable failure)."""
    return page.evaluate("""limit => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > limit + 1 && !el.closest('.md-typeset__scrollwrap, .md-sidebar, .md-nav'))
                out.push(el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' → ' + Math.round(r.right) + 'px');
        }
        return out.slice(0, 10);
    }""", limit)


@pytest.mark.parametrize("kind", KINDS)
def test_no_sideways_scroll_on_a_360px_phone(phone, base_url, kind):
    page = open_page(phone, base_url, kind)
    width = page_width(page)
    culprits = wider_than_viewport(page, PHONE["width"]) if width > PHONE["width"] + 1 else []
    page.close()
    assert width <= PHONE["width"] + 1, f"{PAGES[kind]} scrolls sideways at 360 px ({width}px): {culprits}"


@pytest.mark.parametrize("kind", KINDS)
def test_content_fits_at_200_percent_zoom(zoomed, base_url, kind):
    page = open_page(zoomed, base_url, kind)
    assert page.evaluate("devicePixelRatio") == 2
    width = page_width(page)
    culprits = wider_than_viewport(page, ZOOM_200["width"]) if width > ZOOM_200["width"] + 1 else []
    assert width <= ZOOM_200["width"] + 1, f"{PAGES[kind]} scrolls sideways at 200 % ({width}px): {culprits}"
    content = page.locator(".md-content").bounding_box()
    assert content["x"] >= 0 and content["x"] + content["width"] <= ZOOM_200["width"] + 1
    assert page.locator("h1").first.is_visible()
    page.close()


@pytest.mark.parametrize("path, filters", [
    (MATRIX, ["group", "region"]),
    (DIRECTORY, ["region", "service"]),
])
def test_filters_are_usable_at_200_percent_zoom(zoomed, base_url, path, filters):
    page = zoomed.new_page()
    page.goto(base_url + path, wait_until="networkidle")
    total = len(shown_keys(page))
    for name in filters:
        select = page.locator(f"select[name={name}]")
        assert select.is_visible()
        box = select.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= ZOOM_200["width"], f"{name} filter is cut off: {box}"
        assert box["height"] >= 24, f"{name} filter is too small to use at 200 % ({box['height']}px)"
    select = page.locator(f"select[name={filters[0]}]")
    select.select_option(index=1)
    assert 0 < len(shown_keys(page)) < total or page.locator("[data-yf-empty]").is_visible()
    assert page_width(page) <= ZOOM_200["width"] + 1
    page.close()


def test_search_is_usable_at_200_percent_zoom(zoomed, base_url):
    page = open_page(zoomed, base_url, "search with results")
    page.locator(".yf-search__filters summary").click()
    for element in ("#search-input", ".yf-search__form button[type=submit]", "select[name=year_from]", "select[name=topic]"):
        box = page.locator(element).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= ZOOM_200["width"], f"{element} is cut off: {box}"
    assert page_width(page) <= ZOOM_200["width"] + 1
    page.close()


# ---------------------------------------------------------------------------
# Keyboard
# ---------------------------------------------------------------------------


def shown_keys(page) -> list[str]:
    return sorted(page.eval_on_selector_all(
        "[data-yf-item]", "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.key)"))


def tab_to(page, selector: str, limit: int = 400) -> int:
    """Press Tab until the element matching `selector` has the focus; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    pytest.fail(f"Tab never reached {selector} in {limit} presses")


def focused_has_visible_outline(page) -> bool:
    return page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    }""")


@pytest.mark.parametrize("path, filters", [
    (MATRIX, ["group", "region"]),
    (DIRECTORY, ["region", "service"]),
])
def test_keyboard_reaches_and_works_the_filters(desktop, base_url, path, filters):
    page = desktop.new_page()
    page.goto(base_url + path, wait_until="networkidle")
    total = len(shown_keys(page))
    for name in filters:
        tab_to(page, f"select[name={name}]")
        assert focused_has_visible_outline(page), f"the focused {name} filter shows no focus outline"
        before = page.locator(f"select[name={name}]").input_value()
        page.keyboard.press("ArrowDown")  # a closed select changes its value and fires change
        after = page.locator(f"select[name={name}]").input_value()
        assert after != before, f"ArrowDown did not change the {name} filter"
        assert f"{name}=" in page.url
        shown = shown_keys(page)
        assert len(shown) < total or page.locator("[data-yf-empty]").is_visible(), f"{name} did not filter"
        assert page.locator("[data-yf-count]").inner_text().startswith(f"显示 {len(shown)} /")
    page.close()


def test_keyboard_reaches_the_search_box_and_enter_searches(desktop, base_url):
    page = desktop.new_page()
    page.goto(base_url + SEARCH, wait_until="networkidle")
    # The box has autofocus; start from nothing focused, so that Tab has to find it.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    assert page.evaluate("document.activeElement === document.body")
    tab_to(page, "#search-input")
    assert focused_has_visible_outline(page), "the focused search box shows no focus outline"
    page.keyboard.type(SEARCH_QUERY)
    page.keyboard.press("Enter")
    assert wait_for_results(page) > 0
    assert page.locator("[data-yf-search-status]").inner_text().startswith("找到")
    page.close()
