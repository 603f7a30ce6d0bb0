from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import roles
from catalogue.models import Service
from webhooks.destinations import DestinationRefused, checked_address
from webhooks.models import Subscription, WebhookEvent

SUBSCRIBABLE = [(value, label) for value, label in WebhookEvent.choices if value != WebhookEvent.TEST]


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("Adresse de destination"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label=_("Événements"), choices=SUBSCRIBABLE, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Subscription
        fields = ("url", "events", "services")
        widgets = {"services": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if roles.is_admin(user):
            self.fields["services"].queryset = Service.objects.all()
            self.fields["services"].help_text = _("Aucun : tous les services.")
        else:
            self.fields["services"].queryset = Service.objects.filter(pk__in=user.managed_service_ids)
            self.fields["services"].required = True

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            checked_address(url)
        except DestinationRefused as exc:
            raise forms.ValidationError(exc.message) from exc
        return url
