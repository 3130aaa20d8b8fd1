"""Search: the index builder in Python, and the query set in headless Chromium against
the built shipped site (Simplified, Traditional, sub-words, digits next to Han
characters, several words, filters, no results, URL round trip, file:// and a sub-path)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, build, built, serve
from youfu import pinyin, search

# ---------------------------------------------------------------------------
# The index builder
# ---------------------------------------------------------------------------


def test_fold_makes_traditional_and_full_width_simple():
    assert search.fold("綠色通道　醫院ＡＢＣ１２") == "绿色通道 医院abc12"


def test_terms_cover_sub_words_and_digits_next_to_han():
    counts = search.terms(search.fold("退役军人绿色通道，2014年"))
    for term in ("通道", "军人", "绿", "2014", "年", "2014年", "役军"):
        assert counts[term] >= 1, term
    assert "道2014" not in counts  # punctuation breaks the run


def _decode(text: str) -> list[tuple[int, int]]:
    out, doc, i = [], -1, 0
    while i < len(text):
        value, shift = 0, 0
        while True:
            c = search._B64.index(text[i]); i += 1
            value |= (c & 31) << shift; shift += 5
            if not c & 32:
                break
        doc += value + 1
        out.append((doc, search._B64.index(text[i]))); i += 1
    return out


def test_postings_round_trip():
    from array import array

    docs, tfs = array("I", [0, 1, 40, 1000, 70000]), array("B", [1, 63, 2, 5, 9])
    assert _decode(search.encode_postings(docs, tfs)) == list(zip(docs, tfs))


def test_sections_follow_headings_with_ids():
    html = '<h1>标题</h1><p>开头</p><h2 id="a">甲</h2><p>一<a class="headerlink" href="#a">¶</a></p><h2 id="b">乙</h2><p>二</p>'
    sections = search.sections_of(html)
    assert [(s.anchor, s.heading, s.text) for s in sections] == [("", "标题", "开头"), ("a", "甲", "一"), ("b", "乙", "二")]


def test_index_files_are_deterministic():
    docs = [search.SearchDoc(url=f"p{i}.html", title=f"页{i}", kind="页面",
                             sections=[search.Section(anchor="", heading="", text="绿色通道 2014年")]) for i in range(3)]
    assert search.build(docs) == search.build(list(reversed(docs)))


def test_pinyin_table_covers_regions_and_the_place_part_of_facility_names():
    class Region:
        def __init__(self, province=None, city=None, county=None):
            self.province, self.city, self.county = province, city, county

    names = pinyin.names_of([Region("山西省", "大同市"), None, Region(county="马尾区")],
                            ["琅岐卫生院", "扬州市第一人民医院", "卫生监督所", "某市人民医院"])
    assert names == {"山西省", "山西", "大同市", "大同", "马尾区", "马尾", "琅岐", "扬州"}
    table = pinyin.aliases(names | {"陕西", "绿化"})
    assert table["datong"] == ["大同"] and table["datongshi"] == ["大同市"]
    assert table["shanxi"] == ["山西", "陕西"]  # same spelling, both names
    assert "大同" in table.get("datong", []) and "马尾" in table["mawei"]  # every reading of 尾
    assert table["lvhua"] == table["luhua"] == ["绿化"]
    assert all(key.isascii() and key.isalpha() and key.islower() for key in table)


def test_result_files_of_huge_pages_are_cut_but_the_page_is_found_by_every_word():
    sections = [search.Section(anchor=f"s{i}", heading=f"第{i}节", text="绿色通道" * 500) for i in range(20)]
    sections.append(search.Section(anchor="end", heading="末节", text="星河湾"))
    files = search.build([search.SearchDoc(url="list.html", title="长列表", kind="页面", sections=sections)])
    result = files["search/idx/x/0.js"]
    assert len(result) < search.RESULT_TEXT_CHARS * 1.2 and "…" in result and "星河湾" not in result
    assert any("星河" in text for name, text in files.items() if name.startswith("search/idx/t/"))
    small = [search.Section(anchor="a", heading="一", text="绿色通道")]
    assert search._within(small) == small


def test_pinyin_table_ships_with_the_index():
    files = search.build([], aliases={"datong": ["大同"]})
    assert files["search/idx/pinyin.js"] == '__yfSearch.load("p",0,{"datong":["大同"]});\n'


def test_traditional_sections_carry_their_simplified_form_for_highlighting():
    """The page highlights hits in Traditional text without fetching the folding table."""
    trad = search.Section(anchor="a", heading="綠色通道", text="醫院設有軍人窗口")
    simple = search.Section(anchor="b", heading="绿色通道", text="医院设有军人窗口")
    assert search._section_row(trad) == ["a", "綠色通道", "醫院設有軍人窗口", "绿色通道\n医院设有军人窗口"]
    assert search._section_row(simple) == ["b", "绿色通道", "医院设有军人窗口"]


# ---------------------------------------------------------------------------
# The query set in Chromium
# ---------------------------------------------------------------------------



@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("search-site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, headless=True,
            args=[a for a in CHROMIUM_ARGS if a != "--headless"])
        yield context
        context.close()


def page_texts(site: Path) -> dict[str, str]:
    """Folded article text of every built page, by its address (the ground truth)."""
    texts = {}
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        start, end = html.find("<article"), html.find("</article>")
        if start < 0 or path.name == "404.html" or path.parent.name == "search":
            continue
        if "data-yf-listing" in html:  # lists of reports are left out of search on purpose
            continue
        # The page's own text: what the article shows, without its navigation links.
        sections = search.sections_of(html[start:end])
        texts[path.relative_to(site).as_posix()] = search.fold(" ".join(s.heading + " " + s.text for s in sections))
    return texts


def containing(site: Path, *words: str) -> set[str]:
    folded = [search.fold(w) for w in words]
    return {url for url, text in page_texts(site).items() if all(w in text.replace(" ", "") for w in folded)}


def results(browser, url: str) -> tuple[list[str], object]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("#search-results[data-state=done]", timeout=15000)
    while page.locator("[data-yf-more]").is_visible():
        page.click("[data-yf-more]")
        page.wait_for_selector("#search-results[data-state=done]", timeout=15000)
    hrefs = page.eval_on_selector_all("#search-results a", "els => els.map(e => e.href)")
    assert errors == []
    return hrefs, page


def addresses(base: str, hrefs: list[str]) -> list[str]:
    return [h.removeprefix(base).split("#")[0] for h in hrefs]


SEARCH = built("search/index.md")


@pytest.mark.browser
@pytest.mark.parametrize("query, words", [
    ("绿色通道", ["绿色通道"]),  # Simplified
    ("綠色通道", ["绿色通道"]),  # Traditional input finds Simplified text
    ("通道", ["通道"]),  # the end of a word
    ("役军", ["役军"]),  # the middle of a word
    ("2014年", ["2014年"]),  # digits next to Han characters
    ("醫院 征兵", ["医院", "征兵"]),  # several words: every one required
])
def test_query_finds_every_page_with_the_words_and_ranks_them_first(browser, base_url, site, query, words):
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote(query))
    found = addresses(base_url, hrefs)
    expected = containing(site, *words)
    assert expected, f"the shipped site should contain {words}"
    assert expected <= set(found), expected - set(found)
    assert set(found[: len(expected)]) == expected, "pages with the exact words come first"
    page.close()


@pytest.mark.browser
def test_multi_word_query_excludes_pages_with_only_one_word(browser, base_url, site):
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote("大同 征兵"))
    found = set(addresses(base_url, hrefs))
    assert found == containing(site, "大同", "征兵")
    assert containing(site, "大同") - found and containing(site, "征兵") - found
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["datong", "DaTong", "da tong"])
def test_pinyin_of_a_place_finds_the_pages_with_its_name(browser, base_url, site, query):
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote(query))
    found = addresses(base_url, hrefs)
    expected = containing(site, "大同")
    assert expected and set(found) == expected
    assert page.locator("#search-results mark").first.inner_text() == "大同"
    assert "datong 按拼音也查了：大同" in page.locator("[data-yf-search-status]").inner_text()
    page.close()


@pytest.mark.browser
def test_pinyin_words_combine_with_han_words(browser, base_url, site):
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote("yangzhou 征兵"))
    assert set(addresses(base_url, hrefs)) == containing(site, "扬州", "征兵") != set()
    page.close()


@pytest.mark.browser
def test_more_results_come_with_their_snippets(browser, base_url, site):
    page = browser.new_page()
    page.goto(base_url + SEARCH + "?q=" + quote("医院"))
    page.wait_for_selector("#search-results[data-state=done]", timeout=15000)
    assert page.locator("#search-results li").count() == 10 < len(containing(site, "医院"))
    page.click("[data-yf-more]")
    page.wait_for_selector("#search-results[data-state=done]", timeout=15000)
    hits = page.locator("#search-results li")
    assert hits.count() == 20
    for i in range(20):
        assert hits.nth(i).locator("mark").first.inner_text() == "医院"
    page.close()


@pytest.mark.browser
def test_no_results_shows_a_helpful_message(browser, base_url):
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote("火星基地"))
    assert hrefs == []
    text = page.locator("#search-results").inner_text()
    assert "没有找到" in text and "火星基地" in text and "试试" in text
    page.close()


@pytest.mark.browser
def test_results_show_title_bureau_year_snippet_and_link_to_the_section(browser, base_url):
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote("涞钢"))
    report = page.locator("#search-results li", has=page.locator("a[href*='reports/laiyuan-county/']")).first
    text = report.inner_text()
    assert "报告" in text and "涞源县卫生局" in text and "2014年" in text
    assert report.locator("mark").first.inner_text() == "涞钢"
    href = report.locator("a").first.get_attribute("href")
    assert "#" in href, "a hit inside a section links to that section"
    page.close()


@pytest.mark.browser
def test_filters_by_year_and_kind_and_the_url_round_trip(browser, base_url, site):
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote("卫生") + "&year_from=2014&year_to=2014")
    expected = {built(r.src_uri) for r in catalog.reports if r.meta.year == 2014}
    expected |= {built(f"benefits/packages/{p.id}.md") for p in catalog.packages if p.claim.period.first_year == 2014}
    assert set(addresses(base_url, hrefs)) == expected
    page.select_option("select[name=kind]", "实施方案")
    page.wait_for_selector("#search-results[data-state=done]")
    page.wait_for_function("() => new URLSearchParams(location.search).get('kind') === '实施方案'")
    url = page.url
    page.close()
    hrefs, page = results(browser, url)
    assert set(addresses(base_url, hrefs)) == {built(r.src_uri) for r in catalog.reports
                                              if r.meta.year == 2014 and r.meta.kind == "实施方案"}
    assert page.locator("#search-input").input_value() == "卫生"
    page.close()


@pytest.mark.browser
def test_typing_updates_the_url(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + SEARCH)
    page.fill("#search-input", "献血")
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === '献血'")
    page.wait_for_selector("#search-results[data-state=done]")
    assert page.locator("#search-results a").count() > 0
    page.close()


@pytest.mark.browser
def test_header_search_box_opens_the_search_page(browser, base_url):
    page = browser.new_page()
    page.goto(base_url + built("facilities/index.md"))
    page.fill("#yf-header-q", "绿色通道")
    page.press("#yf-header-q", "Enter")
    page.wait_for_selector("#search-results[data-state=done]")
    assert page.url.split("?")[0].endswith(SEARCH)
    assert page.locator("#search-results a").count() > 0
    page.close()


@pytest.mark.browser
def test_search_works_from_disk_and_under_a_sub_path(browser, site, tmp_path):
    hrefs, page = results(browser, site.as_uri() + "/" + SEARCH + "?q=" + quote("绿色通道"))
    assert hrefs and all(Path(h.removeprefix("file://").split("#")[0]).exists() for h in hrefs)
    page.close()
    shutil.copytree(site, tmp_path / "host" / "youfu")
    with serve(tmp_path / "host") as url:
        hrefs, page = results(browser, url + "youfu/" + SEARCH + "?q=" + quote("绿色通道"))
        assert hrefs and all(h.startswith(url + "youfu/") for h in hrefs)
        page.close()
