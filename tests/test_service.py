"""A public service, in real headless Chromium at a phone's and a laptop's size (390×844 and
1366×900): from the home page a reader reaches the answer for 马尾 (福州), for 大同 and for
"现役军人家属用血要交保证金吗" in at most two clicks, and the answer is the first thing on the page.
Expectations come from the YAML (plain PyYAML), not from the code that builds the pages."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import ROOT, launch_chromium

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}


def _yaml(name: str):
    return yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def base_url(shipped_url):
    return shipped_url


@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(params=list(SIZES))
def page(request, chromium):
    size = SIZES[request.param]
    context = chromium.new_context(viewport=size, locale="zh-CN", is_mobile=size["width"] < 600,
                                   has_touch=size["width"] < 600)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], errors
    context.close()


def click_through(page, base_url: str, *texts: str) -> int:
    """From the home page, click the visible link with each text in turn (scrolling to it is not a
    click); return the number of clicks."""
    page.goto(base_url, wait_until="networkidle")
    for text in texts:
        link = page.locator("a:visible", has_text=text).filter(has_text=text).first
        assert link.count(), f"no visible link “{text}” on {page.url}"
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_load_state("networkidle")
    return len(texts)


def text_of(page, selector: str) -> str:
    return page.locator(selector).first.inner_text()


def first_screen(page, selector: str) -> bool:
    """The element starts within the first screen (no scrolling needed to see its beginning)."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] < page.viewport_size["height"] * 0.8


def test_mawei_in_two_clicks(page, base_url):
    bureaus = {b["id"]: b for b in _yaml("bureaus.yml")}
    mawei = next(b for b in bureaus.values() if b["region"].get("county") == "马尾区")
    hospitals = [f["name"] for f in _yaml("facilities.yml") if f["bureau"] == mawei["id"] and not f.get("region")]
    national = [p["title"] for p in _yaml("benefits.yml") if p.get("scope") == "national"]
    local = [p for p in _yaml("benefits.yml") if p.get("bureau") == mawei["id"]]
    assert hospitals and national and not local  # the sources record no local rule for 马尾区
    clicks = click_through(page, base_url, "马尾区")
    assert clicks <= 2
    assert "马尾区" in text_of(page, "h1")
    answer = text_of(page, "#answer")
    assert "本站资料中没有" in answer and "全国性的规定适用于各地" in answer
    assert "请向当地退役军人事务部门或医院询问" in answer
    assert first_screen(page, "#answer")
    body = text_of(page, "article")
    for title in national:
        assert title in body
    assert "接下来怎么做" in body and "120" in body
    for name in hospitals:
        assert name in body


def test_datong_in_two_clicks(page, base_url):
    bureau = next(b for b in _yaml("bureaus.yml") if b["region"].get("city") == "大同市")
    packages = [p for p in _yaml("benefits.yml") if p.get("bureau") == bureau["id"]]
    facilities = [f["name"] for f in _yaml("facilities.yml") if f["bureau"] == bureau["id"]]
    assert packages and packages[0]["claim"]["kind"] == "campaign"
    clicks = click_through(page, base_url, "大同市")
    assert clicks <= 2
    assert "大同市" in text_of(page, "h1") and "推断" in text_of(page, "h1")  # 山西省 is inferred
    answer = text_of(page, "#answer")
    assert packages[0]["title"] in answer and "限期活动" in answer and "早已结束" in answer
    assert first_screen(page, "#answer")
    body = text_of(page, "article")
    assert "全国都适用的规定" in body and "接下来怎么做" in body
    for name in facilities:
        assert name in body


def test_blood_deposit_question_in_two_clicks(page, base_url):
    rules = [r for r in _yaml("blood_rules.yml") if "military-family" in r["who"]]
    assert rules and all(r["claim"]["kind"] == "plan" for r in rules)
    clicks = click_through(page, base_url, "现役军人家属用血要交保证金吗")
    assert clicks <= 2
    assert page.url.endswith("#answer-military-family")
    card = page.locator("#answer-military-family")
    box = card.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"] * 0.5, box  # scrolled to the answer
    text = card.inner_text()
    assert "军人家属" in text and "保证金" in text
    assert "工作计划" in text and "不等于可以享受的优待" in text  # a plan, not an entitlement
    assert "资料未写明" in text
    assert "推断" in text  # its place (安徽省池州市) was inferred


@pytest.mark.parametrize("path", ["blood/index.html", "benefits/groups/veteran.html",
                                  "benefits/groups/military-family.html"])
def test_topic_pages_open_with_the_answer(page, base_url, path):
    page.goto(base_url + path, wait_until="networkidle")
    assert first_screen(page, "#answer")
    # nothing but the title (and a one-line lead) above the answer
    above = page.evaluate("""() => {
        const answer = document.querySelector('#answer');
        const h1 = document.querySelector('article h1');
        let n = 0;
        for (let el = h1.nextElementSibling; el && el !== answer; el = el.nextElementSibling) n += 1;
        return n;
    }""")
    assert above <= 1, f"{path}: {above} blocks before the answer"


def test_home_has_a_visible_menu(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    if page.viewport_size["width"] >= 1220:
        nav = page.locator(".md-sidebar--primary .md-nav__link:visible")
        assert nav.count() >= 8
    else:
        button = page.locator(".yf-menu-button")
        assert button.is_visible() and "菜单" in button.inner_text()
        button.click()
        page.wait_for_timeout(400)
        assert page.locator(".md-sidebar--primary a:visible", has_text="用血优先").count() == 1


def test_home_emergency_notice_is_body_size(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    sizes = page.evaluate("""() => ({
        notice: parseFloat(getComputedStyle(document.querySelector('.yf-emergency p')).fontSize),
        body: parseFloat(getComputedStyle(document.querySelector('article')).fontSize),
        footer: parseFloat(getComputedStyle(document.querySelector('.yf-notice p')).fontSize),
    })""")
    assert "120" in text_of(page, ".yf-emergency")
    assert sizes["notice"] >= sizes["body"] >= 16, sizes
    assert sizes["footer"] >= 16, sizes


# ---------------------------------------------------------------------------
# Tables: readable at both sizes
# ---------------------------------------------------------------------------


def _report_with_figures() -> str:
    for path in sorted((ROOT / "content/reports").rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n"))
        if front.get("figures"):
            return path.relative_to(ROOT / "content").with_suffix(".html").as_posix()
    pytest.fail("no report with figures")


TABLE_PAGES = ["benefits/matrix.html", "facilities/regions.html", "downloads/index.html", _report_with_figures()]


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_every_table_cell_is_three_characters_wide_or_a_card(page, base_url, path):
    page.goto(base_url + path, wait_until="networkidle")
    found = page.evaluate("""() => {
        const out = [];
        for (const table of document.querySelectorAll('article table')) {
            const row = table.querySelector('tbody tr');
            const cards = row && getComputedStyle(row).display === 'block';
            const look = getComputedStyle(table.querySelector('td, th'));
            const narrow = [];
            if (!cards) {
                for (const cell of table.querySelectorAll('th, td')) {
                    if (!cell.offsetParent) continue;  // filtered out
                    const em = parseFloat(getComputedStyle(cell).fontSize);
                    const width = cell.getBoundingClientRect().width;
                    if (width < 3 * em) narrow.push(cell.textContent.trim().slice(0, 20) + ' ' + Math.round(width) + 'px');
                }
            }
            out.push({cards, narrow, padding: parseFloat(look.paddingLeft), border: look.borderTopStyle});
        }
        return out;
    }""")
    assert found, f"{path} has no table"
    for table in found:
        assert table["cards"] or not table["narrow"], f"{path}: cells narrower than 3 characters: {table['narrow'][:5]}"
        assert table["padding"] >= 4 or table["cards"], f"{path}: table cells without padding"


def test_a_table_that_must_scroll_says_so(chromium, base_url):
    """The downloads dictionary is wider than a 390 px screen: a visible cue says it scrolls."""
    context = chromium.new_context(viewport=SIZES["phone"], locale="zh-CN")
    page = context.new_page()
    page.goto(base_url + "downloads/index.html", wait_until="networkidle")
    scrolling = page.evaluate("""() => [...document.querySelectorAll('.md-typeset__scrollwrap')]
        .filter(w => w.scrollWidth > w.clientWidth + 1).length""")
    hints = page.locator(".yf-scroll-hint:visible").count()
    assert scrolling >= 1 and hints == scrolling
    assert "左右滑动" in page.locator(".yf-scroll-hint").first.inner_text()
    context.close()


# ---------------------------------------------------------------------------
# Keyboard: focus always visible; the closed phone menu is not in the Tab order
# ---------------------------------------------------------------------------

FOCUS_PAGES = ["index.html", "places/fujian-fuzhou-mawei.html", "blood/index.html", "benefits/matrix.html",
               "facilities/index.html"]


def tab_walk(page, limit: int = 160) -> list[dict]:
    """Press Tab until the focus comes back to the start or `limit` presses; what each focus looked like."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const s = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            return {what: el.tagName.toLowerCase() + ' ' + (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 20),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                    shadow: s.boxShadow !== 'none',
                    drawer: !!el.closest('.md-sidebar--primary'),
                    onscreen: r.right > 0 && r.left < innerWidth && r.width > 0,
                    id: el.outerHTML.slice(0, 80)};
        }""")
        if info is None or (seen and info["id"] == seen[0]["id"] and len(seen) > 3):
            break
        seen.append(info)
    return seen


@pytest.mark.parametrize("path", FOCUS_PAGES)
def test_focus_is_visible_on_everything_tab_reaches(page, base_url, path):
    page.goto(base_url + path, wait_until="networkidle")
    walked = tab_walk(page)
    assert len(walked) > 10
    invisible = [w["what"] for w in walked if not (w["outline"] or w["shadow"])]
    assert not invisible, f"{path}: focus not visible on {invisible[:8]}"
    assert any("搜索" in w["what"] or w["id"].startswith("<input id=\"yf-header-q\"") for w in walked)
    if page.viewport_size["width"] < 1220:
        drawer = [w["what"] for w in walked if w["drawer"]]
        assert not drawer, f"{path}: Tab walks into the closed menu: {drawer[:5]}"
        offscreen = [w["what"] for w in walked if not w["onscreen"]]
        assert not offscreen, f"{path}: Tab reaches elements off the screen: {offscreen[:5]}"


def test_the_phone_menu_opens_from_the_keyboard_and_its_links_are_then_reachable(chromium, base_url):
    context = chromium.new_context(viewport=SIZES["phone"], locale="zh-CN")
    page = context.new_page()
    page.goto(base_url + "index.html", wait_until="networkidle")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('yf-menu-button')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('yf-menu-button')")
    assert page.get_attribute(".yf-menu-button", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert page.get_attribute(".yf-menu-button", "aria-expanded") == "true"
    assert page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert page.get_attribute(".yf-menu-button", "aria-expanded") == "false"
    context.close()


def test_search_label_is_hidden_text_not_tiny_text(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    label = page.locator("label[for=yf-header-q]")
    assert label.inner_text() == "搜索本站" or label.text_content() == "搜索本站"
    box = label.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1)


def test_h1_is_not_grey(page, base_url):
    page.goto(base_url + "blood/index.html", wait_until="networkidle")
    colour = page.evaluate("getComputedStyle(document.querySelector('article h1')).color")
    body = page.evaluate("getComputedStyle(document.querySelector('article')).color")
    assert colour == body, (colour, body)


@pytest.mark.parametrize("value, level", [("四川省/成都市", "city"), ("四川省/成都市/龙泉驿区", "county"),
                                          ("福建省", "province")])
def test_facility_filter_by_province_city_and_county(page, base_url, value, level):
    """Expected from the YAML: a facility's own region, else its bureau's, starts with the chosen place."""
    bureaus = {b["id"]: b for b in _yaml("bureaus.yml")}
    wanted = value.split("/")
    expected = []
    for f in _yaml("facilities.yml"):
        region = f.get("region") or bureaus[f["bureau"]]["region"]
        names = [region.get(k) for k in ("province", "city", "county")]
        if names[: len(wanted)] == wanted:
            expected.append(f["id"])
    assert expected
    page.goto(base_url + "facilities/index.html", wait_until="networkidle")
    page.select_option("select[name=region]", value)
    shown = sorted(page.eval_on_selector_all(
        "[data-yf-item]", "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.key)"))
    assert shown == sorted(expected)
