"""End to end: the real site builds with --strict and its pages say what they must."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import ROOT, build

pytestmark = pytest.mark.build


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def test_home_page_has_emergency_notice_and_offer(site):
    html = read(site, "index.html")
    assert "120" in html and "急症" in html
    assert "不构成医疗或法律意见" in html
    for offer in ("优待政策", "医院与机构", "用血优先", "工作报告", "搜索"):
        assert offer in html


def test_every_bureau_has_a_page_with_its_name(site):
    from youfu.catalog import load_or_fail

    catalog = load_or_fail(ROOT)
    assert len(catalog.bureaus) > 0
    for bureau in catalog.bureaus:
        html = read(site, f"bureaus/{bureau.id}/index.html")
        assert f"<h1>{bureau.name}" in html
        assert bureau.region.label in html


def test_bureau_index_links_every_bureau(site):
    from youfu.catalog import load_or_fail

    html = read(site, "bureaus/index.html")
    for bureau in load_or_fail(ROOT).bureaus:
        assert f'href="{bureau.id}/"' in html


def test_no_third_party_requests_in_html(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Only the sitemap namespace-free links to itself; nothing is loaded from elsewhere.
        loaded = re.findall(r'(?:src|href)="(https?:)?//[^"]*"', html)
        assert loaded == [], f"{page} loads from another origin: {loaded}"
        assert "fonts.googleapis" not in html


def test_content_folder_is_not_written_to(site):
    generated = list((ROOT / "content").rglob("bureaus"))
    assert generated == [], "generated pages must not be written into content/"


def test_broken_data_fails_cleanly_and_leaves_site_untouched(site_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous site", encoding="utf-8")
    bureaus = site_copy / "data/bureaus.yml"
    bureaus.write_text(bureaus.read_text(encoding="utf-8") + "- id: broken\n  name: 甲\n  level: town\n",
                       encoding="utf-8")
    result = build(site_copy, out)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(r"data/bureaus\.yml:\d+: level must be one of", result.stderr)
    assert re.search(r"data/bureaus\.yml:\d+: region is required", result.stderr)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "previous site"
