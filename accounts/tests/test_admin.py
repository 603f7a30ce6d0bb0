"""The accounts admin: SSO settings and notification opt-outs edited as fields, service roles
on the user page, technical tables kept from staff who are not superusers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from accounts.admin_forms import InstitutionAdminForm
from accounts.models import SSOKind
from catalogue.models import ServiceMembership, ServiceRole


def institution_data(**extra) -> dict:
    return {"name": "Université de Test", "acronym": "UT", "code": "utest", "holiday_region": "", **extra}


def test_sso_form_writes_cas_settings(institution):
    form = InstitutionAdminForm(
        institution_data(sso_kind="cas", server_url="https://cas.example.org/cas/", cas_version="2", trust_email="on"),
        instance=institution,
    )
    assert form.is_valid(), form.errors
    form.save()
    institution.refresh_from_db()
    assert institution.sso_settings == {
        "server_url": "https://cas.example.org/cas/",
        "version": "2",
        "trust_email": True,
    }


def test_sso_form_requires_what_the_protocol_needs(institution):
    data = institution_data(sso_kind="oidc", server_url="https://id.example.org")
    form = InstitutionAdminForm(data, instance=institution)
    assert not form.is_valid()
    assert form.errors == {
        "client_id": ["Obligatoire pour ce type de SSO."],
        "secret": ["Obligatoire pour ce type de SSO."],
    }
    saml = InstitutionAdminForm(institution_data(sso_kind="saml", idp_entity_id="https://idp"), instance=institution)
    assert not saml.is_valid()
    assert set(saml.errors) == {"idp_sso_url", "idp_x509cert"}


def test_sso_form_keeps_the_oidc_secret_when_left_empty_and_drops_other_protocols(institution):
    institution.sso_kind = SSOKind.OIDC
    institution.sso_settings = {"server_url": "https://id.example.org", "client_id": "guichet", "secret": "s3cret"}
    institution.save()
    form = InstitutionAdminForm(
        institution_data(
            sso_kind="oidc",
            server_url="https://id.example.org",
            client_id="guichet",
            scope="openid email",
            idp_entity_id="ignored for OIDC",
            advanced='{"attribute_map": {"email": ["mail"]}}',
        ),
        instance=institution,
    )
    assert form.is_valid(), form.errors
    assert "s3cret" not in form.as_p()  # never shown back
    form.save()
    institution.refresh_from_db()
    assert institution.sso_settings == {
        "server_url": "https://id.example.org",
        "client_id": "guichet",
        "secret": "s3cret",
        "scope": ["openid", "email"],
        "attribute_map": {"email": ["mail"]},
    }


@pytest.mark.parametrize(
    ("advanced", "error"),
    [
        ("{oops", "JSON invalide"),
        ("[1, 2]", "Un objet JSON est attendu, entre accolades."),
        ('{"secret": "x"}', "Clés inconnues : secret."),
        ('{"attribute_map": []}', "attribute_map doit être un objet JSON."),
    ],
)
def test_sso_form_refuses_bad_advanced_settings(institution, advanced, error):
    form = InstitutionAdminForm(
        institution_data(sso_kind="cas", server_url="https://cas.example.org/cas/", advanced=advanced),
        instance=institution,
    )
    assert not form.is_valid()
    assert form.errors["advanced"][0].startswith(error)


def test_sso_form_shows_saved_settings_as_fields(institution):
    institution.sso_kind = SSOKind.SAML
    institution.sso_settings = {"idp": {"entity_id": "https://idp", "metadata_url": "https://idp/meta"}}
    institution.save()
    form = InstitutionAdminForm(instance=institution)
    assert form["idp_entity_id"].value() == "https://idp"
    assert form["idp_metadata_url"].value() == "https://idp/meta"


def test_institution_admin_page_saves_sso_fields(institution, admin, client_for):
    client = client_for(admin)
    url = f"/admin/accounts/institution/{institution.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Adresse du serveur" in page.content.decode()
    data = {
        **institution_data(sso_kind="cas", server_url="https://cas.example.org/cas/", cas_version="3"),
        **{f"{prefix}-{key}": value for prefix in ("domains", "memberships", "closure_periods")
           for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()},
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    institution.refresh_from_db()
    assert institution.sso_settings == {"server_url": "https://cas.example.org/cas/", "version": "3"}


def test_user_page_edits_opt_outs_as_checkboxes_and_service_roles(agent, service, other_service, admin, client_for):
    client = client_for(admin)
    url = f"/admin/accounts/user/{agent.pk}/change/"
    page = client.get(url)
    html = page.content.decode()
    assert 'type="checkbox" name="notification_opt_outs" value="queue_new"' in html
    assert "Rôles dans les services" in html
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value not in (None, "") and key != "password"}
    data.update({"notification_opt_outs": ["queue_new", "assigned"], "groups": [], "user_permissions": []})
    data.pop("last_login", None)
    data["date_joined_0"], data["date_joined_1"] = "01/01/2026", "10:00:00"
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for index, row in enumerate(formset.forms):
            for name in row.fields:
                value = row[name].value()
                if value not in (None, False, ""):
                    data[f"{formset.prefix}-{index}-{name}"] = value
    roles = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is ServiceMembership)
    index = roles.total_form_count()
    data[f"{roles.prefix}-TOTAL_FORMS"] = index + 1
    data[f"{roles.prefix}-{index}-service"] = other_service.pk
    data[f"{roles.prefix}-{index}-role"] = ServiceRole.MANAGER
    data = {key: (str(v) if not isinstance(v, list) else [str(x) for x in v]) for key, v in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.notification_opt_outs == ["queue_new", "assigned"]
    assert sorted(ServiceMembership.objects.filter(user=agent).values_list("service__slug", "role")) == [
        ("dsi", ServiceRole.AGENT),
        ("scol", ServiceRole.MANAGER),
    ]


TECHNICAL = [
    "helpdesk/outboundemail", "helpdesk/signedlinkrevocation", "tickets/pendingupload", "inbound/inboundmessage",
    "accounts/bouncingaddress", "accounts/ssoidentity", "auth/group", "sites/site", "knowledge/deflection",
]  # fmt: skip


@pytest.fixture
def staff_manager(manager):
    """A manager given staff access and every permission through them (as a broad group would)."""
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.set(Permission.objects.all())
    return manager


def test_admin_index_hides_technical_tables_from_staff_who_are_not_superusers(staff_manager, admin, client_for):
    index = client_for(staff_manager).get("/admin/").content.decode()
    for table in TECHNICAL:
        assert f"/admin/{table}/" not in index, table
    assert "/admin/catalogue/category/" in index
    assert "outbox-problems" not in index
    for table in TECHNICAL:
        assert client_for(staff_manager).get(f"/admin/{table}/").status_code == 403, table
    superuser_index = client_for(admin).get("/admin/").content.decode()
    for table in TECHNICAL:
        assert f"/admin/{table}/" in superuser_index, table
