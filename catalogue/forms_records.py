"""Forms of the institution record pages: a correspondent's proposals, the agency's refusal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import MembershipRole


class VersionProposalForm(forms.Form):
    installation = forms.ChoiceField(label=_("Logiciel et environnement"))
    version = forms.CharField(label=_("Nouvelle version installée"), max_length=50)

    def __init__(self, *args: Any, installations=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["installation"].choices = [
            (i.pk, f"{i.software.name} — {i.environment or _('tous environnements')} ({i.version})")
            for i in installations
        ]


class CorrespondentProposalForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    role = forms.ChoiceField(
        label=_("Rôle"), choices=[(r.value, r.label) for r in (MembershipRole.FUNCTIONAL, MembershipRole.TECHNICAL)]
    )
    domain = forms.CharField(label=_("Domaine (facultatif)"), max_length=100, required=False)


class AddressProposalForm(forms.Form):
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    postal_address = forms.CharField(
        label=_("Adresse postale"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    delivery_address = forms.CharField(
        label=_("Adresse de livraison"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
