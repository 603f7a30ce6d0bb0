"""Forms of the agency's full lifecycle: états, the cycle's steps and the provider tier."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ProviderOrganisation
from tickets.forms import ActionForm, TextActionForm


class EtatForm(ActionForm):
    etat = forms.ChoiceField(label=_("Nouvel état"), choices=())
    text = forms.CharField(label=_("Commentaire (facultatif)"), required=False, max_length=2000)

    def __init__(self, *args: Any, etats: list[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["etat"].choices = list(etats)


class HandToProviderForm(TextActionForm):
    provider = forms.ModelChoiceField(label=_("Prestataire"), queryset=ProviderOrganisation.objects.all())
    text = forms.CharField(
        label=_("Consigne pour le prestataire (invisible de l'établissement)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProviderAnswerForm(TextActionForm):
    text = forms.CharField(
        label=_("Réponse du prestataire (validée par l'agence avant d'être transmise)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class SendBackForm(ActionForm):
    text = forms.CharField(
        label=_("Ce qui ne convient pas (pour le prestataire)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ValidateProviderAnswerForm(TextActionForm):
    text = forms.CharField(
        label=_("Réponse proposée à l'établissement"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("La réponse du prestataire, que vous pouvez corriger avant de la proposer."),
    )


class RejectForm(ActionForm):
    """A preset reason of the branch (seed 002: "un problème par DA"…), free text, or both."""

    preset = forms.ChoiceField(label=_("Motif prédéfini"), required=False, choices=())
    text = forms.CharField(
        label=_("Motif (ou précisions)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, reasons: list[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reasons:
            self.fields["preset"].choices = [("", "—"), *((r, r) for r in reasons)]
        else:
            del self.fields["preset"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parts = [data.get("preset", ""), (data.get("text") or "").strip()]
        data["text"] = "\n".join(p for p in parts if p)
        if not data["text"]:
            self.add_error("text", _("Choisissez un motif prédéfini ou écrivez le motif du rejet."))
        return data
