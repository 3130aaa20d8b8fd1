"""The Content-Security-Policy the site satisfies, for hosts to send as a header.

Material for MkDocs puts small inline scripts in every page, hence 'unsafe-inline'
for scripts; nothing is loaded from any other origin. The publishing guide quotes
this policy (a test keeps the two identical).
"""
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'self'")
