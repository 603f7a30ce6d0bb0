"""The requester's profile: identity and contact details typed once, pre-filled in request forms.

A category's form field names the profile data it asks for with
``FormField.profile_key`` (a ``ProfileKey``); ``profile_initial`` gives the
form its initial values, which the requester can still change for one request
without touching the profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import ProfileKey, User
from helpdesk.validators import PHONE_VALIDATOR


def profile_initial(user: Any, specs: Iterable[Any]) -> dict[str, str]:
    """Initial values of a category form: ``{field key: profile value}`` for the fields mapped to the profile."""
    if not getattr(user, "is_authenticated", False):
        return {}
    values = {}
    for spec in specs:
        if spec.profile_key in ProfileKey.values:
            value = getattr(user, spec.profile_key)
            if value:
                values[spec.key] = value
    return values


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["last_name", "first_name", "phone", "postal_address", "student_number"]
        labels = {
            "last_name": gettext_lazy("Nom"),
            "first_name": gettext_lazy("Prénom"),
            "phone": gettext_lazy("Téléphone"),
            "postal_address": gettext_lazy("Adresse postale"),
            "student_number": gettext_lazy("Numéro d'étudiant"),
        }
        help_texts = {
            "student_number": gettext_lazy("Si vous êtes ou avez été étudiant(e) de l'établissement."),
        }
        widgets = {
            "last_name": forms.TextInput({"autocomplete": "family-name"}),
            "first_name": forms.TextInput({"autocomplete": "given-name"}),
            "phone": forms.TextInput({"type": "tel", "autocomplete": "tel"}),
            "postal_address": forms.Textarea({"rows": 3, "autocomplete": "street-address"}),
            "student_number": forms.TextInput({"inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A request needs a name; the rest is optional here and asked by the forms that need it.
        self.fields["last_name"].required = True
        self.fields["first_name"].required = True
        # The same check as the request forms' phone fields, so a pre-filled value is accepted there.
        self.fields["phone"].validators.append(PHONE_VALIDATOR)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil est enregistré : il pré-remplira vos prochaines demandes."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
