"""Search: the index builder in Python, and the query set in headless Chromium against
the built shipped site (Simplified, Traditional, sub-words, digits next to Han
characters, several words, filters, no results, URL round trip, file:// and a sub-path)."""
from __future__ import annotations

import functools
import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

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


def test_sections_leave_out_elements_marked_noindex():
    html = ('<h1>标题</h1><p>一</p><div data-yf-noindex><div>二</div>三<br data-yf-noindex></div>'
            '<p>四<span class="x" data-yf-noindex>五<span>六</span></span>七</p><br data-yf-noindex><p>八</p>'
            '<h2 id="n">注</h2><section data-yf-noindex><h2 id="m">注释</h2><p>九</p></section><p>十</p>')
    sections = search.sections_of(html)
    assert [(s.anchor, s.heading, s.text) for s in sections] == [("", "标题", "一\n四七\n八"), ("n", "注", "十")]


def test_blocks_end_lines_and_inline_tags_join_words():
    sections = search.sections_of('<h1>T</h1><p>绿色<a href="#">通道</a>，<strong>优先</strong>挂号</p><ul><li>甲</li><li>乙</li></ul>')
    assert sections[0].text == "绿色通道，优先挂号\n甲\n乙"


def _repeated_site(pages: int = 12) -> list:
    docs = [search.SearchDoc(url=f"f{i}.html", title=f"机构{i}", kind="机构", sections=[search.Section(
        anchor="", heading="", text=f"第{i}家设有星{i}门诊。现在的情况无人核对过；请先问清楚。")]) for i in range(pages)]
    docs.append(search.SearchDoc(url="r.html", title="报告", kind="报告", sections=[search.Section(
        anchor="", heading="", text="现在的情况无人核对过；报告正文。")]))
    return docs


def test_sentences_on_most_pages_of_a_kind_are_not_indexed_nor_shown():
    files = search.build(_repeated_site())
    shards = "".join(text for name, text in files.items() if name.startswith("search/idx/t/"))
    assert '"核对"' not in shards and '"楚"' not in shards  # only in the repeated sentences
    assert '"门诊"' in shards and '"正文"' in shards
    results = "".join(text for name, text in files.items() if name.startswith("search/idx/x/"))
    assert "核对" not in results and "请先问清楚" not in results
    assert "第3家设有星3门诊。" in results and "报告正文。" in results


def test_repeated_sentences_need_enough_pages():
    assert search.repeated_sentences(_repeated_site(8)) == {}  # on 9 pages: too few to tell
    assert search.repeated_sentences(_repeated_site(12)) == {"现在的情况无人核对过；": 1.0, "请先问清楚。": 1.0}


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


class _ArticleText(HTMLParser):
    """The text a page shows in its article, read with the standard library's HTML parser (not
    the indexer's regular expressions): without navigation, scripts, forms, heading links and
    elements marked data-yf-noindex; block elements end a line."""

    SKIP = {"script", "style", "svg", "form", "nav", "template"}
    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "section", "h1", "h2",
             "h3", "h4", "h5", "h6", "br", "details", "summary", "figure", "figcaption", "blockquote", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_article = 0
        self.skipping: list[str] = []  # the tag being skipped, once per open element of that name

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "article":
            self.in_article += 1
        if self.skipping:
            if tag == self.skipping[0] and tag not in self.VOID:
                self.skipping.append(tag)
            return
        skip = (tag in self.SKIP or "data-yf-noindex" in names
                or (tag == "a" and "headerlink" in (names.get("class") or "").split()))
        if skip and tag not in self.VOID:
            self.skipping.append(tag)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.pop()
            return
        if tag == "article":
            self.in_article -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_article and not self.skipping:
            self.parts.append(data)


_T2S = None


def fold_text(text: str) -> str:
    """Traditional → Simplified (OpenCC's phrase-level converter), full width → half width, lower case."""
    global _T2S
    if _T2S is None:
        import opencc
        _T2S = opencc.OpenCC("t2s")
    return _T2S.convert(unicodedata.normalize("NFKC", text)).lower()


def article_text(html: str) -> str:
    parser = _ArticleText()
    parser.feed(html)
    return "\n".join(" ".join(line.split()) for line in "".join(parser.parts).split("\n") if line.strip())


@functools.cache
def _page_texts(site: Path) -> dict[str, str]:
    texts = {}
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if "<article" not in html or path.name == "404.html" or path.parent.name == "search":
            continue
        if "data-yf-listing" in html:  # lists of reports are left out of search on purpose
            continue
        texts[path.relative_to(site).as_posix()] = fold_text(article_text(html))
    return texts


def page_texts(site: Path) -> dict[str, str]:
    """Folded article text of every built page, by its address (the ground truth)."""
    return _page_texts(site)


def containing(site: Path, *words: str) -> set[str]:
    folded = [fold_text(w) for w in words]
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
    return [h.removeprefix(base).split("#")[0].split("?")[0] for h in hrefs]


SEARCH = built("search/index.md")


# Template sentences (written out by hand from overrides/partials/youfu/*.html): on many pages,
# never what a page says.
BOILERPLATE = [
    "提醒：本站的地方资料大多是多年前的工作记录和计划", "这条信息没有向机构核实过", "资料整理于",
    "资料未写明，请向医院或当地退役军人事务部门询问", "急症直接拨打 120", "请直接拨打 120",
    "注：推断和存疑的依据", "像是网上流传的模板；本站只算作一条", "资料记载的当时做法，现在是否仍然这样，未核实",
    "计划中的安排，不等于可以享受的优待", "先问清医院有没有军人或优抚对象的优先窗口", "打印准备",
    "服务面向哪些人，以下面的优待项目和出处为准", "现在的状态未核实", "本页最后更新",
    "十三篇卫生局文稿合集",  # a source's title, repeated with every citation of it
    "为规定的对象开设的就医快速通道，急危重症先救治",  # the fixed meaning of a facility service
]


def test_result_files_show_no_template_sentences(site):
    shown = [(path.name, path.read_text(encoding="utf-8")) for path in (site / "search/idx/x").glob("*.js")]
    # The pages made from the data (the editors' guide quotes some of these sentences on purpose).
    shown = [(name, text) for name, text in shown
             if re.search(r'\[\["(facilities|benefits|bureaus|reports|blood)/', text)]
    assert len(shown) > 100
    for sentence in BOILERPLATE:
        assert [name for name, text in shown if sentence in text] == [], sentence


@pytest.mark.parametrize("page, sentences", [
    ("facilities/fuzhou-mawei-district-langqi-health-center.md",
     ["提醒：本站的地方资料大多是多年前的工作记录和计划", "这条信息没有向机构核实过", "注：推断和存疑的依据",
      "资料记载的当时做法，现在是否仍然这样，未核实", "十三篇卫生局文稿合集"]),
    ("facilities/anon-000-2-peoples-hospital.md", ["为规定的对象开设的就医快速通道，急危重症先救治",
                                                    "服务面向哪些人，以下面的优待项目和出处为准"]),
    ("benefits/groups/veteran.md", ["资料未写明，请向医院或当地退役军人事务部门询问", "急症直接拨打 120",
                                    "先问清医院有没有军人或优抚对象的优先窗口", "打印准备清单"]),
])
def test_template_sentences_are_marked_noindex_on_the_pages_that_show_them(site, page, sentences):
    """The pages show them; the marks (read with the standard library's parser) leave them out of
    search even where they are too rare for the count of repeated sentences."""
    html = (site / built(page)).read_text(encoding="utf-8")
    for sentence in sentences:
        assert sentence in html and sentence not in article_text(html), sentence


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
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote("火星"))
    assert hrefs == []
    text = page.locator("#search-results").inner_text()
    assert "没有找到" in text and "火星" in text and "试试" in text
    page.close()


@pytest.mark.browser
def test_when_no_page_has_every_word_the_pages_with_some_are_shown_and_the_missing_words_named(browser, base_url, site):
    """火星 is on no page, 基地 on two (read by hand: two reports name a 国防教育基地)."""
    hrefs, page = results(browser, base_url + SEARCH + "?q=" + quote("火星基地"))
    assert set(addresses(base_url, hrefs)) == containing(site, "基地") == {
        "reports/anon-000-3/2020-jihua.html", "reports/anon-001-5/unknown-huibao.html"}
    status = page.locator("[data-yf-search-status]").inner_text()
    assert "没有页面同时含有全部的词" in status and "没有找到：火星" in status
    assert page.locator("#search-results li .yf-search-holds").first.inner_text() == "含有：基地"
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
    assert hrefs and all(Path(unquote(h.removeprefix("file://").split("#")[0].split("?")[0])).exists() for h in hrefs)
    page.close()
    shutil.copytree(site, tmp_path / "host" / "youfu")
    with serve(tmp_path / "host") as url:
        hrefs, page = results(browser, url + "youfu/" + SEARCH + "?q=" + quote("绿色通道"))
        assert hrefs and all(h.startswith(url + "youfu/") for h in hrefs)
        page.close()
