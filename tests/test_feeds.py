"""Feed, sitemap and printed addresses, with and without the site's public address.

With YOUFU_SITE_URL: the feed's entries are dated by the commit that last added or changed each
report (known commits in a copy of the project), newest first, with absolute links and rel=self;
the sitemap lists every page with its address and date; printed cards carry the address and a QR
code. Without it: the build warns but succeeds under --strict, makes no sitemap, no theme template
lands in the site, feed links are relative, cards carry no address."""
from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from helpers import build
from test_truth import article

pytestmark = pytest.mark.build

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
URL = "https://example.org/youfu/"


def git(root, *args, when: str):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project in a fresh git repository: everything committed on 2026-01-10, then
    one report changed on 2026-05-20."""
    import shutil

    from helpers import ROOT

    target = tmp_path_factory.mktemp("feeds") / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", "site", ".venv", "__pycache__", "*.egg-info"))
    git(target, "init", "-q", when="2026-01-10T09:00:00+08:00")
    git(target, "add", "-A", when="2026-01-10T09:00:00+08:00")
    git(target, "commit", "-qm", "Import", when="2026-01-10T09:00:00+08:00")
    changed = target / "content/reports/yichang-city/2012-zongjie.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本段为测试而加。\n", encoding="utf-8")
    git(target, "add", "-A", when="2026-05-20T15:30:00+08:00")
    git(target, "commit", "-qm", "Edit one report", when="2026-05-20T15:30:00+08:00")
    return target


@pytest.fixture(scope="module")
def with_url(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("with-url")
    env_before = os.environ.get("YOUFU_SITE_URL")
    os.environ["YOUFU_SITE_URL"] = URL
    try:
        result = build(project, out)
    finally:
        if env_before is None:
            os.environ.pop("YOUFU_SITE_URL")
        else:
            os.environ["YOUFU_SITE_URL"] = env_before
    assert result.returncode == 0, result.stderr
    assert "网站地址未设置" not in result.stderr
    return out


@pytest.fixture(scope="module")
def without_url(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("without-url")
    env = dict(os.environ)
    env.pop("YOUFU_SITE_URL", None)
    result = subprocess.run(build_args(project, out), cwd=project, capture_output=True, text=True, env=env, timeout=600)
    return out, result


def build_args(project: Path, out: Path) -> list[str]:
    import sys

    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out),
            "--config-file", str(project / "mkdocs.yml")]


def reports(project: Path) -> dict[str, str]:
    """{built address: title} of every report, from its front matter."""
    out = {}
    for path in (project / "content/reports").rglob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n"))
        out[path.relative_to(project / "content").with_suffix(".html").as_posix()] = front["title"]
    return out


def test_feed_entries_are_dated_by_their_own_changes_newest_first(with_url, project):
    root = ET.parse(with_url / "feed.xml").getroot()
    entries = root.findall("a:entry", ATOM)
    expected = reports(project)
    assert len(entries) == len(expected)
    links = [e.find("a:link", ATOM).get("href") for e in entries]
    updated = [e.find("a:updated", ATOM).text for e in entries]
    assert links[0] == URL + "reports/yichang-city/2012-zongjie.html"  # the one changed last comes first
    assert updated[0] == "2026-05-20T15:30:00+08:00"
    assert set(updated[1:]) == {"2026-01-10T09:00:00+08:00"}
    assert {link.removeprefix(URL) for link in links} == set(expected)
    assert all(link.startswith(URL) for link in links)
    self_link = [link for link in root.findall("a:link", ATOM) if link.get("rel") == "self"]
    assert [link.get("href") for link in self_link] == [URL + "feed.xml"]
    assert root.find("a:updated", ATOM).text == "2026-05-20T15:30:00+08:00"


def test_sitemap_lists_every_page_with_its_address_and_date(with_url, project):
    urls = {u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod").text
            for u in ET.parse(with_url / "sitemap.xml").getroot()}
    pages = {p.relative_to(with_url).as_posix() for p in with_url.rglob("*.html")} - {"404.html", "search/index.html"}
    assert set(urls) == {URL + p for p in pages}
    assert urls[URL + "reports/yichang-city/2012-zongjie.html"] == "2026-05-20"
    assert urls[URL + "reports/datong-city/2014-fangan.html"] == "2026-01-10"


def test_printed_cards_carry_the_address_and_a_qr_code(with_url, without_url):
    html = (with_url / "benefits/groups/veteran.html").read_text(encoding="utf-8")
    card = html[html.index('aria-labelledby="checklist"'):]
    card = card[: card.index("</section>")]
    assert f"本页地址：{URL}benefits/groups/veteran.html" in card
    assert re.search(r'<svg role="img" aria-label="本页地址的二维码：https://example\.org/youfu/benefits/groups/veteran\.html"', card)
    assert card.count("<path") >= 2  # the code itself
    plain, _ = without_url
    html = (plain / "benefits/groups/veteran.html").read_text(encoding="utf-8")
    assert "本页地址" not in html and "yf-qr" not in html.replace("yf-qr {", "")


def test_without_a_site_url_the_build_warns_and_makes_no_sitemap(without_url):
    out, result = without_url
    assert result.returncode == 0, result.stderr  # a warning, not a failure, under --strict
    assert "网站地址未设置" in result.stderr and "YOUFU_SITE_URL" in result.stderr
    assert not (out / "sitemap.xml").exists() and not (out / "sitemap.xml.gz").exists()
    assert not (out / "partials").exists(), "a theme template was copied into the site"
    root = ET.parse(out / "feed.xml").getroot()
    assert not [link for link in root.findall("a:link", ATOM) if link.get("rel") == "self"]
    for entry in root.findall("a:entry", ATOM):
        href = entry.find("a:link", ATOM).get("href")
        assert not href.startswith(("http:", "https:", "/")) and (out / href).exists(), href


def test_the_checklist_lists_each_document_once_and_only_medical_items(without_url, project):
    """From the YAML: the veteran's documents (bring) and the national items for veterans that are
    medical care (not a card, not support for troops)."""
    out, _ = without_url
    groups = {g["id"]: g for g in yaml.safe_load((project / "data/groups.yml").read_text(encoding="utf-8"))}
    packages = yaml.safe_load((project / "data/benefits.yml").read_text(encoding="utf-8"))
    documents = [d["what"] for d in groups["veteran"].get("bring", [])]
    medical = [i["label"] for p in packages if p.get("scope") == "national" for i in p["items"]
               if "veteran" in i["groups"] and i["type"] not in ("card", "support")]
    cards = [i["label"] for p in packages for i in p["items"] if i["type"] == "card"]
    root = article(out / "benefits/groups/veteran.html")
    checklist = next(n for n in root.walk() if "yf-checklist" in n.attrs.get("class", ""))
    text = checklist.text()
    for what in documents:
        assert text.count(what) == 1, what
    for label in medical:
        assert label in text
    for label in cards:
        assert label not in text.replace(documents[0], "") if documents else label not in text
