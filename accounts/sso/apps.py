"""allauth ``SocialApp`` objects built from institutions (OIDC and SAML).

Nothing is stored in allauth's SocialApp table: the institution is the one
place an administrator configures its SSO, and these unsaved apps are handed
to allauth by :meth:`accounts.adapters.SocialAccountAdapter.list_apps`.
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp

from accounts.models import Institution, SSOKind
from accounts.sso.attributes import attribute_map_for

OIDC_PROVIDER = "openid_connect"
SAML_PROVIDER = "saml"


def app_for(institution: Institution) -> SocialApp | None:
    conf = institution.sso_settings or {}
    if institution.sso_kind == SSOKind.OIDC:
        return SocialApp(
            provider=OIDC_PROVIDER,
            provider_id=institution.code,
            name=institution.name,
            client_id=conf.get("client_id", ""),
            secret=conf.get("secret", ""),
            settings={
                "server_url": conf.get("server_url", ""),
                "institution": institution.code,
                **({"scope": conf["scope"]} if conf.get("scope") else {}),
            },
        )
    if institution.sso_kind == SSOKind.SAML:
        amap = attribute_map_for(institution)
        return SocialApp(
            provider=SAML_PROVIDER,
            provider_id=institution.code,
            name=institution.name,
            client_id=institution.code,
            settings={
                "institution": institution.code,
                "idp": conf.get("idp", {}),
                "sp": conf.get("sp", {}),
                "advanced": conf.get("advanced", {}),
                # allauth keeps the first value of each; we re-read the raw
                # attributes (extra_data) for affiliations.
                "attribute_mapping": {
                    "uid": conf.get("uid_attribute", ["uid", "urn:oid:0.9.2342.19200300.100.1.1"]),
                    "email": amap["email"],
                    "first_name": amap["first_name"],
                    "last_name": amap["last_name"],
                },
            },
        )
    return None


def apps_for(*, provider: str | None = None, client_id: str | None = None) -> list[SocialApp]:
    institutions = Institution.objects.filter(sso_kind__in=[SSOKind.OIDC, SSOKind.SAML])
    apps = []
    for institution in institutions:
        app = app_for(institution)
        if app is None:
            continue
        if provider and provider not in (app.provider, app.provider_id):
            continue
        if client_id and client_id != app.client_id:
            continue
        apps.append(app)
    return apps


def institution_of(app: SocialApp | None) -> Institution | None:
    code = (app.settings or {}).get("institution") if app else None
    return Institution.objects.filter(code=code).first() if code else None
