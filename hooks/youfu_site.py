"""The MkDocs (and ProperDocs) hook: a thin wrapper over youfu's own steps.

With `youfu build` or `youfu serve`, youfu generates the site's source tree itself and the
engine builds that tree (mkdocs.yml reads its folder from YOUFU_DOCS_DIR); this hook then
only adds the search index after a preview rebuild. Run directly (`mkdocs build`, `mkdocs
serve`), it runs the same steps itself: generate the tree before the build, point the
engine at it, index and check the result afterwards. It uses only public hook events and
configuration values, and never changes what a published page holds. In a sharded build
(YOUFU_SHARD=i/K, youfu/shards.py) it gives the pages of other shards an empty body and
template, so that this process writes only its own shard's pages.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority

from youfu import generate, pipeline, preview, sanitize, security, shards, siteconfig, staging
from youfu.problems import DataError

log = logging.getLogger("mkdocs.plugins.youfu")

_state: dict = {"command": "build"}
# A direct `mkdocs build` writes into a staging folder, swapped in only on success (youfu/staging.py);
# warnings are counted on the engine's own logger ("mkdocs", or "properdocs" under ProperDocs).
_staged = staging.StagedBuild(logger=Abort.__module__.split(".")[0])


def on_startup(command, dirty):
    _state["command"] = command
    if command == "build" and not dirty and not os.environ.get(pipeline.BUILD_ENV):
        _staged.start()


def on_build_error(error):
    _staged.discard()


def on_shutdown():
    _staged.discard()


def on_config(config):
    root = Path(config.config_file_path).parent
    _state["shard"] = _shard(config)
    _state["root"] = root
    # youfu generates sitemap.xml itself, and only with the site's address (feeds.sitemap);
    # the theme's, empty without one, is not made.
    config.theme.static_templates.discard("sitemap.xml")
    if os.environ.get(pipeline.DOCS_ENV):
        return config  # youfu build / youfu serve generated the tree already
    docs = pipeline.generated_dir(root)
    try:
        result = generate.generate(root, docs, config=_site_config(root, config), preview=_state["command"] == "serve")
    except generate.GenerateError as error:
        # Every problem, then a clean stop: no traceback, and the site folder is not touched yet.
        for line in (DataError(error.problems).report() if error.problems else str(error)).splitlines():
            if _state["command"] == "serve":  # told, not counted as a warning (mkdocs.yml is strict)
                print(line, file=sys.stderr)
            else:
                log.error(line)
        if _state["command"] != "serve":
            raise Abort("数据有误，未生成网站（data errors above; the site was not built）") from None
        # A preview keeps serving: the browser shows the problems until they are fixed (youfu/preview.py).
        try:
            preview.write_error_pages(root, docs, error.problems, str(error))
        except (generate.GenerateError, OSError) as err:
            raise Abort(f"数据有误，预览没有更新：{err}") from None
        config.docs_dir = str(docs)
        return config
    log.info(generate.describe(result))
    if _state["command"] == "build":
        for warning in result.warnings:  # said, but not counted against --strict
            print(f"WARNING -  {warning}", file=sys.stderr)
    config.docs_dir = str(docs)
    if _staged.active:  # the engine empties site_dir next: build beside it, swap in at the end
        try:
            config.site_dir = _staged.stage(config.site_dir)
        except staging.StagingError as err:
            raise Abort(str(err)) from None
    return config


def on_files(files, config):
    # With sitemap.xml no longer a template (on_config), the engine would copy the theme's raw
    # template into the site as a plain file; only the one youfu generated (with a site URL) stays.
    theirs = files.get_file_from_path("sitemap.xml")
    if theirs is not None and not Path(theirs.abs_src_path).resolve().is_relative_to(Path(config.docs_dir).resolve()):
        files.remove(theirs)
    return files


def _shard(config):
    """YOUFU_SHARD=i/K (`youfu build --jobs K` or `--shard i/K`): this process builds shard i only."""
    try:
        shard = shards.from_environment()
    except shards.ShardError as error:
        raise Abort(str(error)) from None
    if shard is not None and shard.count > 1:
        # Pages of other shards are rendered empty here, so their anchors are unknown to this
        # process; youfu checks every link and anchor once over the merged site (linkcheck.py).
        config.validation.links.anchors = logging.DEBUG
    return shard


@event_priority(100)  # first: no other plugin works on a page this process does not build
def on_page_markdown(markdown, page, config, files):
    shard = _state.get("shard")
    if shard is None or shard.count <= 1 or shard.owns(page.file.src_uri):
        return markdown
    # Another process builds this page: render nothing, write nothing (empty output is skipped).
    # Its title must stay what the full page gives (the navigation of this shard's pages shows
    # it): without a title in its front matter the Markdown is kept for its first heading.
    page.meta["template"] = shards.SKIP_TEMPLATE
    return "" if "title" in page.meta else markdown


def on_env(env, config, files):
    # The page template (overrides/main.html) puts the policy first in every page's <head>.
    # A preview allows the engine's inline live-reload script; a build gets the published
    # policy (which `youfu build` writes into every page after any engine, pipeline.finish_page).
    env.globals.update(yf_csp=security.PREVIEW_CSP if _state["command"] == "serve" else security.CSP,
                       yf_referrer=security.REFERRER)
    return env


def on_page_content(html, page, config, files):
    # Contributors' Markdown, as the engine rendered it, through the allow-list (youfu/sanitize.py)
    # before any page is written (also in a preview); `youfu build` does it again after any engine.
    return sanitize.sanitize_regions(html)


def on_serve(server, config, builder):
    if not os.environ.get(pipeline.DOCS_ENV):  # the hook generates: watch what it generates from
        for name in ("data", "content"):
            server.watch(str(_state["root"] / name))
    return server


@event_priority(-100)  # last: other plugins' post_build write into the staging folder first
def on_post_build(config):
    if os.environ.get(pipeline.BUILD_ENV):
        return  # youfu build indexes and checks the staging folder itself
    site = Path(config.site_dir)
    if _state["command"] == "serve":
        # The page shows at once; the index follows (a reader of a preview searches seconds later).
        threading.Thread(target=_index_quietly, args=(site,), daemon=True).start()
        return
    try:
        pipeline.postbuild(site, mount=urlsplit(config.site_url or "/").path or "/")
        # The very last step: nothing is logged after this but the engine's strict-mode count,
        # which sees the same warnings as ours (so the swap happens only if it passes).
        _staged.finish(config.strict)
    except (pipeline.BuildError, staging.StagingError) as error:
        _staged.discard()
        raise Abort(str(error)) from None


def _index_quietly(site: Path) -> None:
    try:
        pipeline.postbuild(site, check_links=False, finish_pages=False)
    except Exception as error:  # a preview keeps going; the next rebuild tries again
        log.warning(f"搜索索引没有更新：{error}")


def _site_config(root: Path, config) -> siteconfig.SiteConfig:
    """youfu's reading of mkdocs.yml, with the address the engine uses (serve sets its own)."""
    own = siteconfig.read(root)
    url = config.site_url or None
    if url and not url.endswith("/"):
        url += "/"
    return siteconfig.SiteConfig(**{**own.__dict__, "site_url": url})
