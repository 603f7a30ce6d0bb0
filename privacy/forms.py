"""Forms of the privacy pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from privacy.models import AccessKind, AccessRecordQuerySet


class AccessJournalFilterForm(forms.Form):
    """Filters of the access journal (administrators and the DPO): who, which ticket, how, when."""

    person = forms.CharField(label=_("Personne (adresse ou nom)"), required=False, max_length=100)
    reference = forms.IntegerField(label=_("Demande n°"), required=False, min_value=1)
    kind = forms.ChoiceField(label=_("Accès"), required=False, choices=[("", _("Tous")), *AccessKind.choices])
    since = forms.DateField(label=_("Depuis le"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self, records: AccessRecordQuerySet) -> AccessRecordQuerySet:
        if not self.is_valid():
            return records.none()
        data = self.cleaned_data
        if data["person"]:
            records = records.filter(user__in=_people(data["person"]))
        if data["reference"]:
            records = records.filter(ticket__reference=data["reference"])
        if data["kind"]:
            records = records.filter(kind=data["kind"])
        if data["since"]:
            records = records.filter(created__gte=_start_of(data["since"]))
        if data["until"]:
            records = records.filter(created__lt=_start_of(data["until"]) + timedelta(days=1))
        return records


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _people(text: str):
    return User.objects.filter(Q(email__icontains=text) | Q(last_name__icontains=text)).values("pk")
