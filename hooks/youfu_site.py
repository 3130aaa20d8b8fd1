"""MkDocs glue for youfu: load and validate the data, add the generated pages,
render their partials. All logic lives in the `youfu` package beside this file.
"""
from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from youfu import feeds, figures, opendata, pages, pinyin, preview, qr, search, siteinfo
from youfu.compact import compact
from youfu.notes import Notes
from youfu.stash import Stash
from youfu.catalog import load_catalog
from youfu.pages import View, site_plan
from youfu.problems import DataError

log = logging.getLogger("mkdocs.plugins.youfu")

# Filled afresh by on_config on every build (also on every `mkdocs serve` rebuild).
_build: dict = {}
_stash = Stash()


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------


def on_startup(command, dirty):
    preview.start(command, dirty)


def on_serve(server, config, builder):
    return preview.native_watcher(server)


def on_shutdown():
    preview.stop()


def on_config(config):
    root = Path(config.config_file_path).parent
    catalog, problems = load_catalog(root, report_memo=preview.REPORTS if preview.MODE.serving else None)
    if problems:
        # Every problem, then a clean exit: no traceback, and site/ is not touched yet.
        for line in DataError(problems).report().splitlines():
            log.error(line)
        raise Abort("数据有误，未生成网站（data errors above; the site was not built）")
    if preview.MODE.serving:
        preview.keep_compiled_templates(config.theme)
        if not preview.MODE.dirty:  # a full rebuild empties the site folder: not while the index is written
            preview.BACKGROUND.wait()
    _build.clear()
    _stash.clear()
    config.theme.static_templates.discard("sitemap.xml")  # ours (feeds.sitemap), only with a site URL
    own_search = not _material_search_enabled(config)
    _build.update(root=root, catalog=catalog, today=siteinfo.build_date(), plan=site_plan(catalog),
                  info=siteinfo.collect(root, catalog),
                  search_docs=[], own_search=own_search,
                  aliases=pinyin.aliases(pinyin.catalog_names(catalog)) if own_search else {})
    return config


def on_files(files: Files, config) -> Files:
    # `mkdocs serve --dirty`: generated pages get source files whose age tells MkDocs
    # whether they need rebuilding (see youfu/preview.py).
    inputs = preview.PageInputs(_build["root"], _build["catalog"]) if preview.MODE.dirty else None
    for page in _build["plan"].generated:
        if inputs is None:
            files.append(File.generated(config, page.src_uri, content=page.markdown()))
        else:
            files.append(File.generated(config, page.src_uri, abs_src_path=preview.GENERATED.path_for(
                page.src_uri, page.markdown(), inputs.of(_build["plan"].views[page.src_uri].context))))
    for path, content in opendata.files(_build["catalog"]).items():
        files.append(File.generated(config, path, content=content))
    urls = {f.src_uri: f.url for f in files.documentation_pages()}
    _build["urls"] = set(urls.values())
    theirs = files.get_file_from_path(feeds.SITEMAP)  # the theme's template, no longer rendered (on_config)
    if theirs is not None:
        files.remove(theirs)
    for path, content in _feed_files(config, files, urls).items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_content(html: str, page, config, files: Files) -> str:
    view: View | None = _build["plan"].views.get(page.file.src_uri)
    if view is not None:
        template = _env(config).get_template(f"partials/youfu/{view.template}")
        html = template.render(
            body=Markup(html), page=page, config=config, info=_build["info"], notes=Notes(), today=_build["today"],
            site_root=get_relative_url(".", page.url).rstrip("/") + "/",
            url=lambda target: _url(target, page, files), **view.context)
    # MkDocs renders every page before writing any: keep the body compressed until this
    # page is written (on_page_context takes it back), and let the Markdown go. The title
    # is pinned first: MkDocs derives it from the Markdown and gives None without it
    # (other pages' navigation and footer links show it).
    _stash.put(page.file.src_uri, html)
    page.title = page.title
    page.markdown = None
    return ""


@event_priority(100)  # before any plugin reads page.content (Material's search, when on)
def on_page_context(context, page, config, nav):
    body = _stash.take(page.file.src_uri)
    if body is not None:
        page.content = body
    context["youfu"] = _build["info"]
    files = _page_files(page)
    context["yf_updated"] = _build["info"].updated(*files)
    context["yf_change_note"] = pages.change_note(_build["plan"], page.file.src_uri)
    if _build["own_search"] and page.file.src_uri not in NOT_SEARCHED:
        meta = pages.search_meta(_build["catalog"], _build["plan"], page.file.src_uri)
        if meta is not None:
            _build["search_docs"].append(search.SearchDoc(
                url=page.url, title=page.title or "", sections=search.sections_of(page.content or ""), **meta))
    return context


def on_post_page(output: str, page, config) -> str:
    # The page is written once this returns and nothing reads its HTML again: let it go
    # (the Markdown went after rendering), as MkDocs keeps every page object until the end.
    page.content = None
    return compact(output)


def on_post_build(config):
    if not _build["own_search"]:
        return
    docs = _build["search_docs"]
    if preview.MODE.dirty:  # only the rebuilt pages were seen: keep the others' documents
        docs = preview.SEARCH_DOCS.merge(docs, _build["urls"])
    if preview.MODE.serving:  # the page shows at once; the index follows
        preview.BACKGROUND.run(search.write, Path(config.site_dir), docs, _build["aliases"])
    else:
        search.write(Path(config.site_dir), docs, _build["aliases"])


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


NOT_SEARCHED = {"search/index.md", "404.md"}


def _page_files(page) -> tuple[str, ...]:
    return _page_files_of(page.file.src_uri, bool(page.file.generated_by))


def _page_files_of(src_uri: str, generated: bool) -> tuple[str, ...]:
    """The repository files a page is made from: its Markdown, or the data behind it."""
    view = _build["plan"].views.get(src_uri)
    if view is not None and view.files:
        return view.files
    if generated:
        return ()
    return (f"content/{src_uri}",)


def _feed_files(config, files: Files, urls: dict[str, str]) -> dict[str, str]:
    """feed.xml, and sitemap.xml when the site's address is known (MkDocs' own sitemap, which
    would be empty without one, is switched off in on_config); a warning that does not fail a
    --strict build (logger outside mkdocs') says what is missing."""
    env, info, site_url = _env(config), _build["info"], config.site_url
    feed = feeds.atom(_build["catalog"], info, urls, site_url, config.site_name)
    out = {feeds.FEED: env.get_template("partials/youfu/atom.xml.html").render(
        feed=feed, site_name=config.site_name, publisher=config.extra.get("publisher"))}
    if site_url:
        pages_ = [(f.url, _page_files_of(f.src_uri, bool(f.generated_by))) for f in files.documentation_pages()
                  if f.src_uri not in ("404.md", "search/index.md")]
        out[feeds.SITEMAP] = env.get_template("partials/youfu/sitemap.xml.html").render(
            entries=feeds.sitemap(pages_, info, site_url))
    elif not preview.MODE.serving:
        _warn(feeds.missing_site_url())
    return out


def _warn(message: str) -> None:
    logger = logging.getLogger("youfu.build")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.warning(message)


def _material_search_enabled(config) -> bool:
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return bool(plugin and plugin.config.enabled)


def _env(config):
    """The theme's Jinja environment with autoescape on, for our partials."""
    env = _build.get("env")
    if env is None:
        env = _build["env"] = config.theme.get_env().overlay(autoescape=True)
        env.globals.update(topic_uri=pages.topic_uri, year_uri=pages.year_uri, year_title=pages.year_title,
                           format_number=figures.format_number, place_uri=_build["plan"].atlas.uri_of,
                           qr_svg=qr.svg)
    return env


def _url(target: str, page, files: Files) -> str:
    """Relative address from `page` to the page built from `target` (a src path)."""
    file = files.get_file_from_path(target)
    if file is None:
        raise Abort(f"page {page.file.src_uri} links to {target}, which is not built")
    return get_relative_url(file.url, page.url) or "./"
