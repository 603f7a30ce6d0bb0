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
    ``trust_email``     default ``False``. ``True``: the institution vouches for the addresses it
                        sends on its declared domains (InstitutionDomain), so they count as
                        verified and may be linked to an ordinary account that verified the same
                        address (never an unverified one, never a privileged one: see
                        :mod:`accounts.sso.linking`)

The login page lists every institution with an ``sso_kind``; its button posts
to ``/sso/<code>/``; a signed-in user links their account by posting to
``/sso/<code>/connect/`` (:func:`accounts.sso.views.sso_start`), which dispatches
to the protocol.
"""
