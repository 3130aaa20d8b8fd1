"""What youfu needs from mkdocs.yml, read without importing any engine.

mkdocs.yml stays the one configuration file of the site (MkDocs, ProperDocs and Zensical
all read it). youfu's own steps (generate, index, build) need only a few of its values:
the site's name and public address, the page address scheme, the folders, the Markdown
extensions (to check contributors' Markdown the way the engine will render it) and the
publisher details under `extra:`. YAML tags the engines understand are resolved here the
same way: `!ENV [NAME, default]` from the environment; Python object tags are kept as
opaque values (they only configure Markdown extensions).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "mkdocs.yml"
CONTENT_DIR = "content"  # hand-written pages (fixed by the project layout; the engine builds the generated tree)


class _Loader(yaml.SafeLoader):
    """A safe loader that understands the tags used in mkdocs.yml."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable set, else the default."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        values = loader.construct_sequence(node)
        names, default = values[:-1], values[-1]
        if len(values) == 1:
            names, default = values, None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return yaml.safe_load(os.environ[name]) if os.environ[name] else None
    return default


@dataclass(frozen=True)
class Opaque:
    """A `!!python/...` value: meaningful to the engine, only carried along here."""

    tag: str
    value: Any


def _opaque(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Opaque:
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)
    return Opaque(suffix, value)


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _opaque)


@dataclass(frozen=True, kw_only=True)
class SiteConfig:
    root: Path
    site_name: str
    site_url: str | None  # the public address, ending in "/", or None when not set
    use_directory_urls: bool
    docs_dir: str  # where hand-written pages live (relative to root), normally "content"
    custom_dir: str | None  # the theme override folder ("overrides")
    markdown_extensions: list = field(default_factory=list)  # names or {name: options}
    extra: dict = field(default_factory=dict)

    @property
    def content(self) -> Path:
        return self.root / self.docs_dir

    @property
    def overrides(self) -> Path:
        return self.root / (self.custom_dir or "overrides")


def read(root: Path) -> SiteConfig:
    """The values youfu uses from `root/mkdocs.yml` (with `YOUFU_SITE_URL` and friends applied)."""
    raw = yaml.load((root / CONFIG_FILE).read_text(encoding="utf-8"), Loader=_Loader) or {}
    theme = raw.get("theme") or {}
    site_url = raw.get("site_url") or None
    if site_url and not str(site_url).endswith("/"):
        site_url = f"{site_url}/"
    return SiteConfig(
        root=root, site_name=str(raw.get("site_name") or ""), site_url=site_url,
        use_directory_urls=bool(raw.get("use_directory_urls", True)), docs_dir=CONTENT_DIR,
        custom_dir=theme.get("custom_dir") if isinstance(theme, dict) else None,
        markdown_extensions=list(raw.get("markdown_extensions") or []), extra=dict(raw.get("extra") or {}),
    )
