"""Institutional single sign-on, configured per institution.

``Institution.sso_kind`` picks the protocol and ``Institution.sso_settings``
holds its parameters. Keys read by this package:

CAS (``sso_kind="cas"``, handled by :mod:`accounts.sso.cas` on python-cas,
the protocol library under django-cas-ng)
    ``server_url``      CAS server base URL, e.g. ``https://ident.univ-amu.fr/cas/`` (required)
    ``version``         ``"3"`` (default) or ``"2"``
OpenID Connect (``sso_kind="oidc"``, allauth's ``openid_connect`` provider)
    ``server_url``      issuer URL; ``/.well-known/openid-configuration`` is read from it (required)
    ``client_id``, ``secret``   the client registered at the provider (required)
    ``scope``           optional list, default ``["openid", "profile", "email"]``
SAML 2 (``sso_kind="saml"``, allauth's ``saml`` provider on python3-saml)
    ``idp``             ``{"entity_id", "sso_url", "x509cert"}`` or ``{"entity_id", "metadata_url"}`` (required)
    ``sp``, ``advanced``  optional, passed to allauth as is (entity id, signing keys…)
Every protocol
    ``attribute_map``   optional overrides of :data:`accounts.sso.attributes.DEFAULT_ATTRIBUTE_MAP`
    ``trust_email``     default ``True``: the institution vouches for the address it sends,
                        so it counts as verified (and may be linked to a local account whose
                        same address was verified — never to an unverified one)

The login page lists every institution with an ``sso_kind``; its button posts
to ``/sso/<code>/`` (:func:`accounts.views.sso.sso_start`), which dispatches
to the protocol.
"""
