"""The site's Content-Security-Policy: the one definition that every page carries in a
<meta http-equiv="Content-Security-Policy"> tag (overrides/main.html) and that the
publishing guide quotes for the web server (a test keeps the guide and this file equal).

* script-src 'self': no inline script at all. Material's two small inline scripts were
  moved into files (content/assets/md-head.js and md-content.js, loaded by
  overrides/partials/javascripts/); `<script type="application/json">` (Material's
  configuration) is data, never run, and needs nothing. Inline event attributes and
  `javascript:` addresses are refused by this policy too.
* style-src 'self': no inline style either. The only style attributes Markdown made were
  table alignments, now written as align="…" (mkdocs.yml); Material's scripts set styles
  through the DOM, which a policy does not restrict.
* img-src 'self' data:: Material's stylesheet draws its icons (admonitions, navigation,
  the search box) as data: SVG images. Pages themselves can hold no data: image: the
  sanitizer removes them (sanitize.py).
* connect-src 'self': the site's own search loads its index files with <script> tags
  (script-src 'self'); Material's search, when switched on, fetches them.
* object-src 'none', base-uri 'self', form-action 'self' (the header's search box submits
  to the site's search page); default-src 'none' for everything not named.

A <meta> policy cannot carry frame-ancestors (browsers ignore it there, with a console
error), nor can a page set X-Content-Type-Options or a Referrer-Policy header: hosts that
can send headers add HEADERS (content/guide/publish.md shows how for nginx).
"""
from __future__ import annotations

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
"""The policy in every page's <meta> tag."""

PREVIEW_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
"""The policy while `mkdocs serve` previews the site on the contributor's own computer:
MkDocs puts an inline live-reload script (with a new number in it for every request) into
each page it serves. Everything else stays as published, and the sanitizer works the same."""

HEADER_CSP = CSP + "; frame-ancestors 'self'"
"""The same policy as a response header, which may also say who may frame the site."""

HEADERS = {
    "Content-Security-Policy": HEADER_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""Response headers for hosts that can set them (nginx, Apache, object storage with rules)."""

REFERRER = "no-referrer"
"""Also said in every page (<meta name="referrer">): links to other sites do not tell them
which page the reader came from."""
