"""Admin forms that edit JSON columns field by field.

``Institution.sso_settings`` and ``User.notification_opt_outs`` are JSON in
the database (their readers are documented in :mod:`accounts.sso` and
:mod:`accounts.notifications`); an administrator fills labelled fields with
help texts, the form checks what each protocol needs and writes the JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, SSOKind, User
from accounts.notifications import OptionalNotification

WIDE = {"size": 60}
# Keys of ``sso_settings`` that have no field of their own: kept as JSON.
ADVANCED_KEYS = ("attribute_map", "sp", "advanced")


class InstitutionAdminForm(forms.ModelForm):
    server_url = forms.URLField(
        label=_("Adresse du serveur"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs=WIDE),
        help_text=_(
            "CAS : l'adresse de base du serveur, par exemple https://cas.exemple.fr/cas/. "
            "OpenID Connect : l'émetteur (issuer), dont /.well-known/openid-configuration est lu."
        ),
    )
    cas_version = forms.ChoiceField(
        label=_("Version du protocole CAS"), choices=[("3", "CAS 3"), ("2", "CAS 2")], initial="3", required=False
    )
    client_id = forms.CharField(
        label=_("Identifiant client (OpenID Connect)"), required=False, widget=forms.TextInput(attrs=WIDE)
    )
    secret = forms.CharField(
        label=_("Secret client (OpenID Connect)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Jamais réaffiché. Laissez vide pour garder le secret enregistré."),
    )
    scope = forms.CharField(
        label=_("Portées demandées (OpenID Connect)"),
        required=False,
        help_text=_("Séparées par des espaces. Vide : openid profile email."),
    )
    idp_entity_id = forms.CharField(
        label=_("Identifiant (entity ID) du fournisseur d'identité SAML"),
        required=False,
        widget=forms.TextInput(attrs=WIDE),
    )
    idp_metadata_url = forms.URLField(
        label=_("Adresse des métadonnées SAML"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs=WIDE),
        help_text=_("Soit cette adresse, soit l'adresse de connexion et le certificat ci-dessous."),
    )
    idp_sso_url = forms.URLField(
        label=_("Adresse de connexion SAML (SSO)"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs=WIDE),
    )
    idp_x509cert = forms.CharField(
        label=_("Certificat X.509 du fournisseur SAML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Le certificat en base 64, avec ou sans les lignes BEGIN/END."),
    )
    trust_email = forms.BooleanField(
        label=_("Faire confiance aux adresses transmises"),
        required=False,
        help_text=_(
            "Cochez si l'établissement garantit les adresses de ses domaines déclarés : elles comptent comme "
            "vérifiées et peuvent être reliées à un compte existant ayant vérifié la même adresse."
        ),
    )
    advanced = forms.CharField(
        label=_("Réglages avancés (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Facultatif, un objet JSON avec les clés attribute_map (correspondance des attributs), "
            "sp et advanced (SAML, transmis tels quels)."
        ),
    )

    class Meta:
        model = Institution
        # ``sso_settings`` is written by ``save`` from the fields above.
        fields = ["name", "acronym", "code", "is_agency", "holiday_region", "sso_kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conf = self.instance.sso_settings or {}
        idp = conf.get("idp") or {}
        initial = {
            "server_url": conf.get("server_url", ""),
            "cas_version": conf.get("version", "3"),
            "client_id": conf.get("client_id", ""),
            "scope": " ".join(conf.get("scope") or []),
            "idp_entity_id": idp.get("entity_id", ""),
            "idp_metadata_url": idp.get("metadata_url", ""),
            "idp_sso_url": idp.get("sso_url", ""),
            "idp_x509cert": idp.get("x509cert", ""),
            "trust_email": bool(conf.get("trust_email")),
        }
        advanced = {key: conf[key] for key in ADVANCED_KEYS if key in conf}
        initial["advanced"] = json.dumps(advanced, indent=2, ensure_ascii=False) if advanced else ""
        for name, value in initial.items():
            self.initial.setdefault(name, value)

    def clean_advanced(self) -> dict:
        text = self.cleaned_data["advanced"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValidationError(_("JSON invalide : %(error)s"), params={"error": exc}) from exc
        if not isinstance(value, dict):
            raise ValidationError(_("Un objet JSON est attendu, entre accolades."))
        unknown = sorted(set(value) - set(ADVANCED_KEYS))
        if unknown:
            raise ValidationError(_("Clés inconnues : %(keys)s."), params={"keys": ", ".join(unknown)})
        if not isinstance(value.get("attribute_map", {}), dict):
            raise ValidationError(_("attribute_map doit être un objet JSON."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("sso_kind")
        required: list[str] = []
        if kind == SSOKind.CAS:
            required = ["server_url"]
        elif kind == SSOKind.OIDC:
            required = ["server_url", "client_id"]
            if not (self.instance.sso_settings or {}).get("secret"):
                required.append("secret")
        elif kind == SSOKind.SAML:
            required = ["idp_entity_id"]
            if not data.get("idp_metadata_url"):
                required += ["idp_sso_url", "idp_x509cert"]
        for name in required:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Obligatoire pour ce type de SSO."))
        return data

    def built_settings(self) -> dict:
        """The ``sso_settings`` JSON for the chosen protocol; the other protocols' fields are dropped."""
        data = self.cleaned_data
        kind = data.get("sso_kind")
        previous = self.instance.sso_settings or {}
        conf: dict[str, Any] = {}
        if kind == SSOKind.CAS:
            conf = {"server_url": data["server_url"], "version": data.get("cas_version") or "3"}
        elif kind == SSOKind.OIDC:
            conf = {
                "server_url": data["server_url"],
                "client_id": data["client_id"],
                "secret": data.get("secret") or previous.get("secret", ""),
            }
            if data.get("scope"):
                conf["scope"] = data["scope"].split()
        elif kind == SSOKind.SAML:
            idp = {"entity_id": data["idp_entity_id"]}
            for key in ("metadata_url", "sso_url", "x509cert"):
                if data.get(f"idp_{key}"):
                    idp[key] = data[f"idp_{key}"].strip()
            conf = {"idp": idp}
        if kind:
            if data.get("trust_email"):
                conf["trust_email"] = True
            conf.update(data.get("advanced") or {})
        return conf

    def save(self, commit: bool = True) -> Institution:
        institution = super().save(commit=False)
        institution.sso_settings = self.built_settings()
        if commit:
            institution.save()
            self.save_m2m()
        return institution


class UserAdminChangeForm(UserChangeForm):
    notification_opt_outs = forms.MultipleChoiceField(
        label=_("Courriels désactivés"),
        choices=OptionalNotification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les courriels facultatifs que cette personne ne reçoit pas (elle les règle elle-même dans ses "
            "préférences). Les accusés de réception, questions et réponses à valider sont toujours envoyés."
        ),
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
