"""youfu: curated data on military medical benefits → validated records → site pages.

Plain Python, importable without MkDocs: `youfu.catalog.load_catalog(root)` loads and
checks everything; `hooks/youfu_site.py` is the thin MkDocs glue.
"""
