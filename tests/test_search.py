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
from youfu import pinyin, search, vocab

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


def test_glossary_terms_and_headings_are_sections():
    html = ('<h1>名词解释</h1><p>说明</p><dl><dt id="si-youxian" data-yf-section>四优先</dt><dd>四个环节优先。</dd>'
            '<dt>不是小节</dt><dd>正文</dd></dl><h2 id="x">一、加强组织领导</h2><p>内容</p>')
    sections = search.sections_of(html)
    assert [(s.anchor, s.heading) for s in sections] == [("", "名词解释"), ("si-youxian", "四优先"),
                                                          ("x", "一、加强组织领导")]
    assert sections[1].text == "四个环节优先。\n不是小节\n正文"


def test_short_headings_are_terms_of_their_own():
    assert search.heading_key("四优先") == "#四优先"
    assert search.heading_key("一、加强组织领导") == "#加强组织领导"
    assert search.heading_key("（二）征兵体检") == "#征兵体检"
    assert search.heading_key("注：推断和存疑的依据") == "#注推断和存疑的依据"
    assert search.heading_key("Preview") is None and search.heading_key("就医前准备清单：退役军人（全国）") is None
    files = search.build([search.SearchDoc(url="g.html", title="名词解释", kind="页面", sections=[
        search.Section(anchor="a", heading="四优先", text="四个环节优先。")])])
    shard = files[f"search/idx/t/{search.shard_of('四优', search.shard_count(1))}.js"]
    assert '"#四优先":"AB"' in shard  # page 0, once


# ---------------------------------------------------------------------------
# Words for reading queries (youfu.vocab, youfu.synonyms)
# ---------------------------------------------------------------------------


def test_terms_are_cut_into_dictionary_words():
    terms = ["退役军人优待证", "福州市马尾区", "中华人民共和国退役军人保障法"]
    known = vocab.frequencies(terms)
    assert vocab.segment("退役军人优待证", known) == ["退役军人", "优待证"]
    assert vocab.segment("福州市马尾区", known) == ["福州市", "马尾区"]
    assert vocab.sub_words("中华人民共和国退役军人保障法", known) == {"中华人民共和国", "退役军人", "保障法"}


def _vocabulary_files(lexicon) -> dict[str, dict]:
    import json

    docs = [search.SearchDoc(url="p.html", title="用血优先", kind="页面", sections=[search.Section(
        anchor="", heading="", text="星河湾门诊开通绿色通道，现役军人免交用血保证金。")])]
    files = search.build(docs, lexicon=lexicon)
    out: dict[str, dict] = {}
    for name, text in files.items():
        if name.startswith(("search/idx/v/", "search/idx/w/", "search/idx/q.js", "search/idx/y/")):
            out[name] = json.loads(text[text.index(",", text.index(",") + 1) + 1:text.rindex(")")])
    return out


def _words(files) -> dict[str, int]:
    """word → weight (pages of its terms, added up) from the vocabulary files."""
    return {w.split(":")[0]: int(w.split(":")[1]) for name, table in files.items() if "/v/" in name
            for key, entries in table.items() if "?" not in key for w in entries}


def test_vocabulary_keeps_data_words_their_dictionary_words_and_titles():
    words = _words(_vocabulary_files(vocab.Lexicon(words=frozenset({"绿色通道", "看病", "马尾区", "用血保证金"}))))
    assert {"绿色通道", "看病", "马尾区", "用血优先"} <= set(words)  # data words (看病 is on no page) and titles
    assert {"用血", "保证金"} <= set(words)  # inside 用血保证金, and on the page
    assert "星河" not in words and "开通" not in words  # common words, but not the site's terms
    # The one page has 绿色通道's three pairs, 用血优先's three (title), and no 看病.
    assert (words["绿色通道"], words["用血优先"], words["看病"]) == (3, 3, 0)


def test_general_dictionary_words_are_added_when_asked_for():
    words = _words(_vocabulary_files(vocab.Lexicon(words=frozenset({"绿色通道"}), general=True)))
    assert {"门诊", "星河", "保证金", "开通"} <= set(words)  # common words the page uses
    assert "火星" not in words and "什么" not in words  # a word no page has; a question word


def test_near_miss_keys_name_the_term_and_the_readings_of_the_missing_character():
    files = _vocabulary_files(vocab.Lexicon(words=frozenset({"绿色通道", "用血保证金"}), general=False))
    keys = {key: entries for name, table in files.items() if "/w/" in name for key, entries in table.items()}
    assert keys["绿色通?"] == ["绿色通道:dao"]
    assert keys["用血?证金"] == ["用血保证金:bao"]
    assert "保?金" in keys  # 保证金, a dictionary word inside the term
    readings = {c: r for name, table in files.items() if "/y/" in name for c, r in table.items()}
    assert readings["到"] == "dao" and readings["代"] == "dai" and {"zhong", "chong"} <= set(readings["重"].split("/"))


def test_query_table_has_question_words_synonyms_and_english():
    files = _vocabulary_files(vocab.Lexicon(synonyms=(("用血", "输血"),), english={"blood": ("用血", "输血")}))
    table = files["search/idx/q.js"]
    assert {"吗", "什么", "怎么", "哪些", "有", "要", "的", "了", "请问"} <= set(table["stop"])
    # 输血 is on no page: it leads to 用血, but the page does not look for it.
    assert table["syn"] == [["用血:1", "-输血"]] and table["en"] == {"blood": ["用血:1", "-输血"]}  # 用血: 1 page


def test_the_data_gives_places_with_and_without_their_level_names_groups_and_english():
    from youfu import synonyms
    from youfu.catalog import load_or_fail

    lexicon = synonyms.lexicon(load_or_fail(ROOT))
    # Written out from data/bureaus.yml, data/facilities.yml, data/groups.yml and data/synonyms.yml.
    assert {"福州", "福州市", "马尾", "马尾区", "福建", "福建省", "琅岐", "扬州", "宝应", "涞源县", "涞源"} <= lexicon.words
    assert {"军人家属", "军属", "烈士遗属", "烈属", "四优先", "绿色通道", "琅岐卫生院"} <= lexicon.words
    assert ("军人家属", "军属") in lexicon.synonyms and ("就医", "看病", "看医生", "求医") in lexicon.synonyms
    assert lexicon.english["veteran"][0] == "退役军人" and lexicon.english["green channel"][0] == "绿色通道"


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
    ("至11月", ["至11月"]),  # Han characters before digits (the 第3批 kind)
    ("行政层级", ["行政层级"]),  # only in a table (the data dictionary of the downloads page)
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


# ---------------------------------------------------------------------------
# Queries as people type them
# ---------------------------------------------------------------------------

# Each query with the page a reader who types it wants, chosen by reading the built pages
# (written out here, never computed): it must be among the first three results.
QUERY_SET = [
    # Questions, with question and function words
    ("现役军人家属用血要交保证金吗", "", "blood/index.html"),
    ("退役军人看病有什么优待", "", "benefits/groups/veteran.html"),
    ("军属看病有哪些优待？", "", "benefits/groups/military-family.html"),
    ("烈属就医能优先吗", "", "benefits/groups/martyr-family.html"),
    ("残疾军人看病可以减免费用吗", "", "benefits/groups/disabled-servicemember.html"),
    ("什么是四优先", "", "benefits/glossary.html"),
    ("三减半是什么意思", "", "benefits/glossary.html"),
    ("献血者的家属用血能免费吗", "", "blood/index.html"),
    ("退役军人优待证有什么用", "", "benefits/glossary.html"),
    ("带病回乡退伍军人看病怎么报销", "", "benefits/groups/ill-returned.html"),
    ("在乡老复员军人有什么待遇", "", "benefits/groups/old-demobilized.html"),
    ("琅岐卫生院在哪里", "", "facilities/fuzhou-mawei-district-langqi-health-center.html"),
    ("大同的手拉手活动是什么", "", "reports/datong-city/2014-fangan.html"),
    ("革命功臣看病要带什么证件", "", "benefits/groups/meritorious.html"),
    # Places typed together, without 省/市/区/县
    ("福州马尾", "", "bureaus/fuzhou-mawei-district.html"),
    ("马尾琅岐", "", "places/fujian-fuzhou-mawei.html"),  # two facilities are named 琅岐: the place page lists both
    ("扬州宝应", "", "facilities/yangzhou-city-baoying-peoples-hospital.html"),
    ("成都大邑", "", "facilities/chengdu-city-dayi-cdc.html"),
    ("保定涞源", "", "places/hebei-baoding-laiyuan.html"),  # the place page answers "I am in …"
    ("山西大同", "", "bureaus/datong-city.html"),
    ("成都温江采血点", "", "facilities/chengdu-city-wenjiang-collection-point.html"),
    ("湖北宜昌对口支援", "", "reports/yichang-city/2012-zongjie.html"),
    ("扬州仪征谢集", "", "facilities/yangzhou-city-xieji-health-center.html"),
    # One character off (homophones first)
    ("绿色通到", "", "benefits/glossary.html"),
    ("优代证", "", "benefits/groups/veteran.html"),
    ("用血保正金", "", "benefits/glossary.html"),
    ("四优鲜", "", "benefits/glossary.html"),
    ("琅岐卫生园", "", "facilities/fuzhou-mawei-district-langqi-health-center.html"),
    ("征兵休检", "", "reports/anon-001-5/unknown-huibao.html"),
    # Words the public uses
    ("烈属", "", "benefits/groups/martyr-family.html"),
    ("退伍军人", "", "benefits/groups/veteran.html"),
    ("军属住院", "", "benefits/groups/military-family.html"),
    ("输血优先", "", "blood/index.html"),
    ("用血押金", "", "blood/index.html"),
    ("老兵看病", "", "benefits/groups/veteran.html"),
    ("疾控中心 成都", "", "facilities/chengdu-city-cdc.html"),
    # English
    ("veteran", "", "benefits/groups/veteran.html"),
    ("blood", "", "blood/index.html"),
    ("green channel", "", "benefits/glossary.html"),
    ("military family", "", "benefits/groups/military-family.html"),
    ("blood bank chengdu", "", "facilities/chengdu-city-qionglai-blood-station.html"),
    ("cdc yangzhou", "", "facilities/yangzhou-city-cdc.html"),
    ("martyr family", "", "benefits/groups/martyr-family.html"),
    ("see a doctor veteran", "", "benefits/groups/veteran.html"),
    # Long sentences
    ("我是一名退伍军人，想知道在福州马尾看病有没有优先窗口", "", "places/fujian-fuzhou-mawei.html"),
    ("我父亲是烈士，我们家属去医院看病能不能享受优待", "", "benefits/groups/martyr-family.html"),
    ("我的儿子在部队当兵，我们作为军人家属去医院看病有什么优先", "", "benefits/groups/military-family.html"),
    ("请问无偿献血者本人以后自己用血是不是可以免交费用", "", "benefits/packages/national-blood-donation-law.html"),
    # With filters
    ("涞源 总结", "&year_from=2014&year_to=2014", "reports/laiyuan-county/2014-zongjie.html"),
    ("卫生工作总结", "&region=福建省", "reports/fuzhou-mawei-district/unknown-zongjie.html"),
    ("对口支援", "&region=湖北省", "reports/yichang-city/2012-zongjie.html"),
    ("双拥计划", "&kind=计划", "reports/anon-000-2/2020-jihua.html"),
]


def first_results(browser, url: str, count: int = 3) -> tuple[list[str], object]:
    """The addresses (relative to the site, without ?h= and #section) of the first results."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("#search-results[data-state=done]", state="attached", timeout=15000)
    hrefs = page.eval_on_selector_all("#search-results li.yf-search-hit > a", "els => els.map(e => e.href)")
    assert errors == []
    site_root = url.split("search/index.html")[0]
    return [h.removeprefix(site_root).split("#")[0].split("?")[0] for h in hrefs[:count]], page


@pytest.mark.browser
@pytest.mark.parametrize("query, params, expected", QUERY_SET, ids=[q[0] + q[1] for q in QUERY_SET])
def test_a_query_as_people_type_it_finds_its_page_among_the_first_three(browser, base_url, query, params, expected):
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote(query) + params)
    assert expected in top, top
    page.close()


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    """60 synthetic reports from the benchmark's generator, built: (site folder, probes)."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "benchmark"))
    import corpus

    project = tmp_path_factory.mktemp("corpus") / "project"
    probes = corpus.generate(60, 1, project)
    out = tmp_path_factory.mktemp("corpus-site")
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    return out, [p for p in probes if p["expect"]]


CORPUS_KINDS = ["exact", "subword", "digits", "traditional", "multiword", "title",
                "question", "typo", "together", "synonym", "english", "sentence"]


@pytest.mark.browser
@pytest.mark.parametrize("kind", CORPUS_KINDS)
def test_benchmark_queries_find_their_pages_among_the_first_three(browser, corpus_site, kind):
    """The generator placed each probe's marker words on known pages (its ground truth)."""
    site, probes = corpus_site
    probe = next(p for p in probes if p["kind"] == kind)
    with serve(site) as url:
        top, page = first_results(browser, url + SEARCH + "?q=" + quote(probe["query"]))
        status = page.locator("[data-yf-search-status]").inner_text()
        suggestion = page.locator("[data-yf-search-suggest]").inner_text() if kind == "typo" else ""
        page.close()
    if kind == "typo":  # 星河湾示范门珍: the 门珍 at its end is read as 门诊
        assert suggestion == "你是不是要找：星河湾示范门诊"
    top = [t.removesuffix(".html") + "/" for t in top]
    assert set(probe["expect"]) <= set(top), (probe["query"], top)
    if kind != "sentence":  # found by every word (the near miss, the synonym, the English word), not by some
        assert "没有页面同时含有全部的词" not in status, status


@pytest.mark.browser
def test_the_query_set_is_large_enough():
    assert len(QUERY_SET) + len(CORPUS_KINDS) >= 40


@pytest.mark.browser
def test_places_typed_together_are_read_as_separate_words(browser, base_url):
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote("福州马尾"))
    assert "按这些词查找：福州、马尾。" in page.locator("[data-yf-search-status]").inner_text()
    page.close()


@pytest.mark.browser
def test_question_words_are_left_out_and_synonyms_are_named(browser, base_url):
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote("退役军人看病有什么优待"))
    status = page.locator("[data-yf-search-status]").inner_text()
    assert "按这些词查找：退役军人、看病、优待。" in status
    # 求医 (data/synonyms.yml) is on no page: it leads to 就医 but is not looked for.
    assert "看病 按同义词也查了：就医" in status and "求医" not in status
    page.close()


@pytest.mark.browser
def test_english_words_are_searched_as_their_chinese_words(browser, base_url):
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote("green channel"))
    assert "green channel 按英文也查了：绿色通道、快速通道" in page.locator("[data-yf-search-status]").inner_text()
    assert page.locator("#search-results mark").first.inner_text() == "绿色通道"
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("typed, meant", [("绿色通到", "绿色通道"), ("优代证", "优待证"), ("四优鲜", "四优先")])
def test_a_near_miss_is_suggested_and_the_suggestion_runs_the_corrected_search(browser, base_url, typed, meant):
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote(typed))
    suggestion = page.locator("[data-yf-search-suggest]")
    assert suggestion.is_visible() and suggestion.inner_text() == "你是不是要找：" + meant
    page.click("[data-yf-suggestion]")
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === '%s'" % meant)
    page.wait_for_selector("#search-results[data-state=done]", state="attached")
    assert page.locator("#search-input").input_value() == meant
    assert not suggestion.is_visible()
    assert page.locator("#search-results li.yf-search-hit").count() > 0
    page.close()


@pytest.mark.browser
def test_no_suggestion_for_a_word_the_pages_have(browser, base_url):
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote("绿色通道"))
    assert not page.locator("[data-yf-search-suggest]").is_visible()
    page.close()


@pytest.mark.browser
def test_pages_found_by_some_words_say_which_and_template_text_is_never_a_snippet(browser, base_url, site):
    """No page holds both 亭江 (a township of 马尾) and 保证金 (the blood-use deposit) in its own words
    (worked out from the built pages' text, not from the index): the results are the pages with
    one of the words, each marked with the word it has."""
    assert containing(site, "亭江") and containing(site, "保证金") and not containing(site, "亭江", "保证金")
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote("亭江 保证金"), 10)
    assert "没有页面同时含有全部的词" in page.locator("[data-yf-search-status]").inner_text()
    holds = page.locator("#search-results li.yf-search-hit .yf-search-holds").all_inner_texts()
    assert len(holds) >= 3 and "含有：亭江、保证金" not in holds
    for url, held in zip(top[:3], holds):
        word = held.removeprefix("含有：")
        assert word in ("亭江", "保证金") and url in containing(site, word), (url, held)
    for snippet in page.locator("#search-results .yf-search-snippet").all_inner_texts():
        assert not any(sentence in snippet for sentence in BOILERPLATE), snippet
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("query, title, sub", [
    # From data/bureaus.yml and content/reports by hand: the year 2020 of the plan is doubtful,
    # the province of 大同 is inferred; result lines say so as the pages do.
    ("某市卫生系统双拥工作安排", "某市卫生系统双拥工作安排（资料000篇一）", "2020年（存疑）"),
    ("大同市卫生局", "大同市卫生局", "山西省（推断）大同市"),
    ("涞源县卫生局年终卫生工作总结", "涞源县卫生局年终卫生工作总结", "2014年（推断）"),
])
def test_result_lines_keep_the_marks_of_inferred_and_doubtful_values(browser, base_url, query, title, sub):
    top, page = first_results(browser, base_url + SEARCH + "?q=" + quote(query))
    hit = page.locator("#search-results li.yf-search-hit", has=page.locator(f"a:text-is('{title}')")).first
    assert sub in hit.locator(".yf-meta").first.inner_text()
    page.close()


def _open_first_result(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#search-results[data-state=done]", state="attached", timeout=15000)
    page.locator("#search-results li.yf-search-hit > a").first.click()
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.documentElement.hasAttribute('data-yf-highlighted')", timeout=5000)


@pytest.mark.browser
@pytest.mark.parametrize("where", ["server", "disk"])
def test_a_result_opens_its_page_at_the_section_with_the_words_marked(browser, base_url, site, where):
    start = (base_url if where == "server" else site.as_uri() + "/") + SEARCH
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 700})
    _open_first_result(page, start + "?q=" + quote("三减半是什么意思"))
    assert page.url.split("?")[0].endswith("benefits/glossary.html") and page.url.endswith("#san-jianban")
    assert "h=" in page.url
    marks = page.locator("mark[data-yf-highlight]")
    assert marks.count() >= 1 and set(marks.all_inner_texts()) == {"三减半"}
    # The first mark after the term's own heading is on screen.
    box = page.evaluate("""() => { const dt = document.getElementById('san-jianban');
        const m = [...document.querySelectorAll('mark[data-yf-highlight]')]
          .find(m => dt.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING);
        const r = m.getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }""")
    assert 0 <= box[0] and box[1] <= box[2], box
    page.close()


@pytest.mark.browser
def test_a_result_found_by_a_synonym_marks_the_word_the_page_uses(browser, base_url):
    page = browser.new_page()
    _open_first_result(page, base_url + SEARCH + "?q=" + quote("用血押金"))
    assert page.url.split("?")[0].endswith("blood/index.html")
    assert {"用血", "保证金"} <= set(page.locator("mark[data-yf-highlight]").all_inner_texts())
    page.close()


def test_every_synonym_entry_names_a_word_the_site_uses(site):
    """The table links the public's words to the site's: at least one word of each entry is
    on a built page (read with the standard library's parser)."""
    import yaml

    text = "\n".join(page_texts(site).values())
    for entry in yaml.safe_load((ROOT / "data/synonyms.yml").read_text(encoding="utf-8")):
        assert any(word in text for word in entry["words"]), entry["id"]


@pytest.mark.browser
def test_common_words_of_a_long_question_only_rank_the_results_beyond_the_fetch_budget(browser, corpus_site):
    """At thousands of pages a long question would fetch the lists of all its common words; past
    the budget (here made small) they are not fetched and only rank the results shown."""
    site, probes = corpus_site
    probe = next(p for p in probes if p["kind"] == "sentence")
    fetched = {}
    with serve(site) as url:
        for budget in (10 ** 9, 20000):
            page = browser.new_page()
            page.add_init_script(f"window.__yfPostingsBudget = {budget}")
            shards: list[str] = []
            page.on("request", lambda r, shards=shards: shards.append(r.url) if "/search/idx/t/" in r.url else None)
            page.goto(url + SEARCH + "?q=" + quote(probe["query"]))
            page.wait_for_selector("#search-results[data-state=done]", state="attached", timeout=15000)
            hrefs = page.eval_on_selector_all("#search-results li.yf-search-hit > a", "els => els.map(e => e.href)")
            top = [h.removeprefix(url).split("?")[0].split("#")[0].removesuffix(".html") + "/" for h in hrefs[:3]]
            assert set(probe["expect"]) <= set(top), (budget, top)
            fetched[budget] = (len(set(shards)), page.locator("[data-yf-search-status]").inner_text())
            page.close()
    assert "只用来给前面的结果排序" not in fetched[10 ** 9][1]
    assert "在很多页面上都有，只用来给前面的结果排序" in fetched[20000][1]
    assert fetched[20000][0] < fetched[10 ** 9][0]
