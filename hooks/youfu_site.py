"""MkDocs glue for youfu: load and validate the data, add the generated pages,
render their partials. All logic lives in the `youfu` package beside this file.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from youfu import siteinfo
from youfu.catalog import load_catalog
from youfu.pages import GeneratedPage, generated_pages
from youfu.problems import DataError

log = logging.getLogger("mkdocs.plugins.youfu")

# Filled afresh by on_config on every build (also on every `mkdocs serve` rebuild).
_build: dict = {}


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def on_config(config):
    root = Path(config.config_file_path).parent
    catalog, problems = load_catalog(root)
    if problems:
        # One message with every problem, then a clean exit: no traceback, nothing built.
        for line in DataError(problems).report().splitlines():
            log.error(line)
        raise Abort("数据有误，未生成网站（data errors above; the site was not built）")
    _build.clear()
    _build["catalog"] = catalog
    _build["pages"] = {p.src_uri: p for p in generated_pages(catalog)}
    _build["info"] = siteinfo.collect(root, catalog)
    return config


def on_files(files: Files, config) -> Files:
    for page in _build["pages"].values():
        files.append(File.generated(config, page.src_uri, content=page.markdown()))
    return files


def on_page_content(html: str, page, config, files: Files) -> str:
    generated: GeneratedPage | None = _build["pages"].get(page.file.src_uri)
    if generated is None:
        return html
    template = _env(config).get_template(f"partials/youfu/{generated.template}")
    return html + template.render(
        page=page, config=config, info=_build["info"],
        url=lambda target: _url(target, page, files), **generated.context)


def on_page_context(context, page, config, nav):
    context["youfu"] = _build["info"]
    return context


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _env(config):
    """The theme's Jinja environment with autoescape on, for our partials."""
    env = _build.get("env")
    if env is None:
        env = _build["env"] = config.theme.get_env().overlay(autoescape=True)
    return env


def _url(target: str, page, files: Files) -> str:
    """Relative address from `page` to the page built from `target` (a src path)."""
    file = files.get_file_from_path(target)
    if file is None:
        raise Abort(f"page {page.file.src_uri} links to {target}, which is not built")
    return get_relative_url(file.url, page.url) or "./"
