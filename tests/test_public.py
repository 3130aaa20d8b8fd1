"""Public pages are for the public: no commit messages, no field names in code font, no staff pages
in the menu; change notes written for readers (validated), and the publisher, contact and licence
from mkdocs.yml on every page — or nothing where they are not configured."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT, build
from test_truth import article

pytestmark = pytest.mark.build

STAFF = ("guide/", "tech/")


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site


def public_pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if not relative.startswith(STAFF):
            yield relative, path.read_text(encoding="utf-8")


def test_no_public_page_shows_commit_messages(site):
    subjects = subprocess.run(["git", "log", "--format=%s"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.splitlines()
    english = [s for s in subjects if len(s) > 15 and re.search(r"[A-Za-z]{4,}", s)]
    assert len(english) > 10
    for page, html in public_pages(site):
        for subject in english:
            assert subject[:60] not in html, f"{page} shows the commit message “{subject[:60]}”"
        assert "修改记录" not in html


def test_no_public_page_shows_field_names_in_code_font(site):
    identifier = re.compile(r"<code[^>]*>\s*[A-Za-z_][\w.\-]*[._][\w.\-]*\s*</code>")
    for page, html in public_pages(site):
        main = html[html.find("<article"):html.find("</article>")]
        assert not identifier.search(main), f"{page}: {identifier.search(main).group(0)}"
        # The data dictionary for researchers names the columns of the downloads (in plain text)
        # with the models' descriptions, which also serve the editors' JSON Schemas.
        if page == "downloads/index.html":
            main = main[: main.index('id="dictionary"')]
        for name in ("region.province", "region.city", "claim.kind", "data/bureaus.yml", "data/facilities.yml"):
            assert name not in main, f"{page} shows {name}"


def test_staff_pages_are_out_of_the_menu_but_linked_from_the_footer(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[: nav.index("</nav>")]
    assert "编辑指南" not in nav and "技术说明" not in nav and "guide/" not in nav
    for page, html in public_pages(site):
        if page == "404.html":
            continue
        assert "guide/index.html" in html and "编辑指南" in html, page
    assert (site / "guide/index.html").exists() and (site / "tech/search.html").exists()


def test_publisher_contact_and_licence_appear_only_when_configured(site, tmp_path):
    for page, html in public_pages(site):
        assert "发布者：" not in html and "联系方式：" not in html and "内容许可：" not in html, page
    env = {**os.environ, "YOUFU_PUBLISHER": "某市退役军人事务局（示例）", "YOUFU_CONTACT": "0000-0000000（示例）",
           "YOUFU_LICENCE": "署名 4.0 国际（CC BY 4.0）"}
    out = tmp_path / "site"
    result = subprocess.run([*build_command(out)], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    pages = [p for p in out.rglob("*.html")]
    assert len(pages) > 50
    for path in pages:
        html = path.read_text(encoding="utf-8")
        footer = html[html.rfind('class="yf-notice"'):]
        assert "发布者：某市退役军人事务局（示例）" in footer, path
        assert "联系方式：0000-0000000（示例）" in footer and "内容许可：署名 4.0 国际（CC BY 4.0）" in footer


def build_command(out: Path) -> list[str]:
    import sys

    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out),
            "--config-file", str(ROOT / "mkdocs.yml")]


# ---------------------------------------------------------------------------
# Change notes
# ---------------------------------------------------------------------------

from conftest import BUREAUS_YML  # noqa: E402


@pytest.mark.parametrize("note, message", [
    ('""', "change_note （更新说明）不能是空的"),
    ('"更正了<b>电话</b>"', "change_note （更新说明）只能是纯文字"),
    ('"更正了 **电话**"', "change_note （更新说明）只能是纯文字"),
    ('"见 [说明](http://x)"', "change_note （更新说明）只能是纯文字"),
    ('"Fix phone number"', "change_note （更新说明）要用中文写给读者"),
    ('"' + "改" * 201 + '"', "change_note （更新说明）最多 200 个字（现在 201 个字）"),
    ('"第一行\\n第二行"', "change_note （更新说明）只能写一行"),
])
def test_change_notes_are_validated(repo, note, message):
    from youfu.catalog import load_catalog

    _, problems = load_catalog(repo({"data/bureaus.yml": BUREAUS_YML + f"  change_note: {note}\n"}))
    assert [str(p) for p in problems] and str(problems[0]).startswith("data/bureaus.yml:7: " + message), problems


def test_a_valid_change_note_is_accepted(repo):
    from youfu.catalog import load_catalog

    catalog, problems = load_catalog(repo({"data/bureaus.yml": BUREAUS_YML + "  change_note: 补充了所在城市的依据\n"}))
    assert problems == []
    assert next(iter(catalog.bureaus)).change_note == "补充了所在城市的依据"


def git(root, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2026-03-04T12:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-03-04T12:00:00+08:00"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_pages_show_the_date_and_the_readers_note_never_the_commit(site_copy, tmp_path):
    report = next((site_copy / "content/reports/datong-city").glob("*.md"))
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("\n---\n", "\nchange_note: 补充了活动的起止日期\n---\n", 1), encoding="utf-8")
    facilities = site_copy / "data/facilities.yml"
    facilities.write_text(facilities.read_text(encoding="utf-8").replace(
        "- id: datong-city-tongmei-medical-center\n", "- id: datong-city-tongmei-medical-center\n"
        "  change_note: 更正了机构名称\n", 1), encoding="utf-8")
    git(site_copy, "init", "-q")
    git(site_copy, "add", "-A")
    git(site_copy, "commit", "-qm", "Update Datong records and fix typos in the facility list")
    out = tmp_path / "site"
    result = build(site_copy, out)
    assert result.returncode == 0, result.stderr
    page = (out / report.relative_to(site_copy / "content").with_suffix(".html")).read_text(encoding="utf-8")
    assert "本页最后更新 <time datetime=\"2026-03-04\">2026-03-04</time>：补充了活动的起止日期" in page
    facility = (out / "facilities/datong-city-tongmei-medical-center.html").read_text(encoding="utf-8")
    assert "2026-03-04</time>：更正了机构名称" in facility
    other = (out / "facilities/chengdu-city-cdc.html").read_text(encoding="utf-8")
    assert re.search(r"本页最后更新 <time datetime=\"2026-03-04\">2026-03-04</time></p>", other)
    for path in out.rglob("*.html"):
        assert "Update Datong records" not in path.read_text(encoding="utf-8"), path
