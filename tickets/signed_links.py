"""The session a signed ticket link opens: scoped to one ticket, for a limited time.

``tickets.views.links`` writes these keys when it opens such a session;
``tickets.middleware.SignedLinkScopeMiddleware`` reads them on every request.
"""

# The reference of the ticket the session is limited to.
LINK_SCOPE = "tickets_link_scope"
# When the session ends (a ``time.time()`` value).
LINK_SCOPE_UNTIL = "tickets_link_scope_until"
