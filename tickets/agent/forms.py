"""Forms of the agent workspace: queue filters, one form per ticket action, saved responses.

The bulk form lives with bulk actions, in ``tickets.agent.bulk``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, User
from catalogue.models import Category, CategoryKind
from helpdesk.query import MAX_ID, QueryForm, id_field, page_field, text_field
from tickets.agent.queue import DEFAULT_TAB, TABS, QueueFilters
from tickets.agent.widgets import InlineCheckboxes, InlineSelect
from tickets.forms import ActionForm, TextActionForm
from tickets.models import EventAction, ResponseScope, SavedResponse
from tickets.priority import Level
from tickets.status import TicketStatus


def leaf_categories():
    return (
        Category.objects.filter(kind=CategoryKind.LEAF, is_active=True, service__isnull=False)
        .select_related("service")
        .order_by("service__name", "name")
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.service.name} — {obj.name}" if obj.service_id else obj.name


# --- Queue ----------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    vue = forms.ChoiceField(
        label=_("Vue"), required=False, widget=forms.HiddenInput, choices=[(name, t.label) for name, t in TABS.items()]
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("Tous mes services"), widget=InlineSelect
    )
    status = forms.MultipleChoiceField(
        label=_("Statut"), choices=TicketStatus.choices, required=False, widget=InlineCheckboxes
    )
    waiting = forms.ChoiceField(
        label=_("En attente de"),
        required=False,
        choices=[("", "—"), ("service", _("le service")), ("requester", _("le demandeur"))],
        widget=InlineSelect,
    )
    priority = forms.TypedChoiceField(
        label=_("Priorité"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *Level.choices],
        widget=InlineSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Catégorie (et sous-catégories)"), queryset=None, required=False, widget=InlineSelect
    )
    assignee = forms.ChoiceField(label=_("Attribuée à"), required=False, widget=InlineSelect)
    institution = forms.ModelChoiceField(
        label=_("Établissement"), queryset=Institution.objects.all(), required=False, widget=InlineSelect
    )
    domain = forms.CharField(label=_("Domaine"), required=False, max_length=100)
    older_than = forms.IntegerField(
        label=_("Déposée il y a plus de (jours)"), required=False, min_value=1, max_value=36_500
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("activity", _("Activité récente")),
            ("-activity", _("Activité la plus ancienne")),
            ("created", _("Dépôt récent")),
            ("-created", _("Dépôt le plus ancien")),
            ("priority", _("Priorité")),
            ("reference", _("Référence")),
        ],
        widget=InlineSelect,
    )

    def __init__(self, *args: Any, services, service_ids: list[int], members, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_ids = service_ids
        self.fields["service"].queryset = services
        self.fields["category"].queryset = Category.objects.filter(
            Q(service__in=services) | Q(kind=CategoryKind.GROUP)
        ).order_by("name")
        self.fields["assignee"].choices = [
            ("", "—"),
            ("mine", _("Moi")),
            ("none", _("Personne")),
            *((str(m.pk), str(m)) for m in members),
        ]

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        service = data.get("service")
        service_ids = [service.pk] if service else list(self.service_ids)
        return QueueFilters(
            services=service_ids,
            tab=data.get("vue") or DEFAULT_TAB,
            statuses=data.get("status") or [],
            waiting=data.get("waiting") or "",
            priority=data.get("priority"),
            category=data.get("category"),
            assignee=data.get("assignee") or "",
            institution_id=data["institution"].pk if data.get("institution") else None,
            domain=(data.get("domain") or "").strip(),
            older_than_days=data.get("older_than"),
            sort=data.get("sort") or "activity",
        )


class QueuePageForm(QueryForm):
    """The queue's keyset cursor (the filters are ``QueueFilterForm``)."""

    after = text_field(max_length=200)


class StaffSearchForm(QueryForm):
    q = text_field()
    page = page_field()


class JournalForm(QueryForm):
    action = forms.ChoiceField(required=False, choices=[("", ""), *EventAction.choices])
    agent = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    page = page_field()


class AgentPageForm(QueryForm):
    """What the agent's ticket page, its composer fallbacks and its fragments read from the query string
    (or, for the composer's no-JavaScript buttons, from its POST)."""

    mode = text_field(max_length=30)  # the composer's tab
    action = text_field(max_length=30)  # the menu action whose form is open
    reponse = id_field()
    article = id_field()
    q = text_field()  # knowledge-base search
    saisie = text_field(max_length=20_000)
    text = text_field(max_length=20_000)
    autres = text_field(max_length=1)  # "1": the requester's other tickets listed in the page (no JavaScript)


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Nom du filtre"), max_length=100)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)


# --- Ticket actions -------------------------------------------------------------------------


class VersionForm(ActionForm):
    """Take, resume: nothing but the version the agent saw."""


class ReplyForm(TextActionForm):
    text = forms.CharField(label=_("Réponse au demandeur"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))


class NoteForm(TextActionForm):
    text = forms.CharField(
        label=_("Note interne (invisible du demandeur)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AskForm(TextActionForm):
    text = forms.CharField(label=_("Question au demandeur"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))


class ProposeForm(TextActionForm):
    text = forms.CharField(label=_("Réponse proposée"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))


class ReasonForm(ActionForm):
    text = forms.CharField(label=_("Motif"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(ActionForm):
    text = forms.CharField(
        label=_("Message au demandeur (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.none())

    def __init__(self, *args: Any, assignees=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assignees is not None:
            self.fields["assignee"].queryset = assignees


class RequalifyForm(ActionForm):
    priority = forms.TypedChoiceField(
        label=_("Priorité"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("inchangée")), *Level.choices],
    )
    domain = forms.CharField(label=_("Domaine / nature"), required=False, max_length=100)
    category = CategoryChoiceField(
        label=_("Catégorie (une catégorie d'un autre service transfère la demande)"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("inchangée"),
    )
    reason = forms.CharField(
        label=_("Pourquoi (le demandeur le lira)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()


class DuplicateForm(ActionForm):
    original = forms.IntegerField(label=_("Doublon de la demande n°"), min_value=1)
    reason = forms.CharField(label=_("Commentaire (facultatif)"), required=False, max_length=2000)


class WatcherForm(ActionForm):
    email = forms.EmailField(label=_("Adresse électronique de la personne à ajouter"))


# --- Saved responses ---------------------------------------------------------------


class SavedResponseForm(forms.ModelForm):
    """Who a response is for: its author alone, one service they manage, or every service (administrators)."""

    scope = forms.ChoiceField(label=_("Pour qui"), widget=forms.RadioSelect)

    class Meta:
        model = SavedResponse
        fields = ["scope", "service", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, services, may_edit_global: bool, author: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.author = author
        choices = [(ResponseScope.PERSONAL, _("Moi seulement (réponse personnelle)"))]
        if services.exists():
            choices.append((ResponseScope.SERVICE, _("Les agents d'un service")))
        if may_edit_global:
            choices.append((ResponseScope.GLOBAL, _("Les agents de tous les services")))
        self.fields["scope"].choices = choices
        self.fields["scope"].initial = self.instance.scope if self.instance.pk else ResponseScope.PERSONAL
        self.fields["service"].queryset = services
        self.fields["service"].required = False
        self.fields["service"].help_text = _("Seulement pour une réponse de service.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        scope = data.get("scope")
        if scope == ResponseScope.SERVICE and not data.get("service"):
            self.add_error("service", _("Choisissez le service de cette réponse."))
        return data

    def save(self, commit: bool = True) -> SavedResponse:
        response = super().save(commit=False)
        scope = self.cleaned_data["scope"]
        if scope != ResponseScope.SERVICE:
            response.service = None
        if scope == ResponseScope.PERSONAL:
            response.owner = response.owner or self.author
        else:
            response.owner = None
        if commit:
            response.save()
        return response
