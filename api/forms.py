from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import TokenScope

MAX_DAYS = 366


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour le reconnaître : « script de suivi », « SI scolarité »…"),
    )
    scope = forms.ChoiceField(
        label=_("Portée"), choices=TokenScope.choices, initial=TokenScope.READ, widget=forms.RadioSelect
    )
    expires_on = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Au plus un an ; vide : dans %(days)d jours.") % {"days": settings.GUICHET_API_TOKEN_DAYS},
    )

    def clean_expires_on(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("La date d'expiration doit être dans le futur."))
        if day > today + datetime.timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("Un jeton dure au plus un an."))
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
