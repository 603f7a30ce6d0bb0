"""The period and filters of the statistics page and its exports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, RequesterProfile
from accounts.roles import is_admin
from catalogue.models import Category, Service
from helpdesk.workdays import PARIS
from stats.indicators import Period, StatsFilters
from tickets.models import Channel
from tickets.priority import Level

DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


class StatsFilterForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=_("Catégorie (et ses sous-catégories)"), queryset=Category.objects.none(), required=False
    )
    channel = forms.ChoiceField(label=_("Canal"), choices=[("", _("Tous")), *Channel.choices], required=False)
    priority = forms.TypedChoiceField(
        label=_("Priorité"), choices=[("", _("Toutes")), *Level.choices], coerce=int, empty_value=None, required=False
    )
    institution = forms.ModelChoiceField(label=_("Établissement"), queryset=Institution.objects.none(), required=False)
    profile = forms.ChoiceField(
        label=_("Profil du demandeur"), choices=[("", _("Tous")), *RequesterProfile.choices], required=False
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only names are offered here; what the numbers count is decided by
        # ``Ticket.objects.visible_to`` alone.
        services = Service.objects.order_by("name")
        if not is_admin(user) and user.service_ids:
            services = services.filter(pk__in=user.service_ids)
        self.fields["service"].queryset = services
        self.fields["category"].queryset = Category.objects.order_by("name")
        institutions = Institution.objects.order_by("name")
        if not is_admin(user) and not user.service_ids:
            # A correspondent counts their institution's tickets only: offer nothing else.
            institutions = institutions.filter(memberships__user=user).distinct()
        self.fields["institution"].queryset = institutions

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localtime(timezone.now(), PARIS).date()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if "start" in self.errors or "end" in self.errors:
            return data
        if start < EARLIEST or end > today + timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("Les dates doivent être comprises entre 2000 et l'an prochain."))
        if end < start:
            raise forms.ValidationError(_("La date de fin précède la date de début."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("La période ne peut dépasser %(days)s jours.") % {"days": MAX_DAYS})
        data["start"], data["end"] = start, end
        return data

    def stats_filters(self) -> StatsFilters:
        """Call after ``is_valid()``."""
        data = self.cleaned_data
        category = data.get("category")
        category_ids = None
        if category is not None:
            category_ids = frozenset(
                Category.objects.descendants(category, include_self=True).values_list("pk", flat=True)
            )
        service = data.get("service")
        return StatsFilters(
            period=Period(start=_paris_midnight(data["start"]), end=_paris_midnight(data["end"] + timedelta(days=1))),
            service_id=service.pk if service else None,
            category_ids=category_ids,
            channel=data.get("channel") or None,
            priority=data.get("priority"),
            institution_id=data["institution"].pk if data.get("institution") else None,
            profile=data.get("profile") or None,
        )


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Votre note (1 : très insatisfait, 5 : très satisfait)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lu par les responsables du service ; n'y mettez pas d'information personnelle."),
    )
