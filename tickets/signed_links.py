"""The session a signed ticket link opens: scoped to one ticket, for a limited time.

``tickets.views.links`` writes these keys when it opens such a session;
``tickets.middleware.SignedLinkScopeMiddleware`` reads them on every request.
"""

# The reference of the ticket the session is limited to.
LINK_SCOPE = "tickets_link_scope"
# When the session ends (a ``time.time()`` value).
LINK_SCOPE_UNTIL = "tickets_link_scope_until"
# The token that opened the session: checked again on each request, so revoking
# the link ends the session it opened.
LINK_SCOPE_TOKEN = "tickets_link_scope_token"  # noqa: S105 - a session key name, not a secret
