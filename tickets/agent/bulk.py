"""Bulk actions on the queue: each ticket goes through its own workflow door, one at a time.

A refused ticket is reported with the door's reason, never skipped silently;
the others are done (each door is its own transaction). Each ticket carries
the version the agent saw on the queue page: a ticket changed since then is
refused with ``StaleTicket`` (the agent acted on what they no longer see).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from catalogue.models import Category
from tickets import workflow as wf
from tickets.actions import ACTIONS
from tickets.agent.forms import CategoryChoiceField, leaf_categories
from tickets.models import Ticket
from tickets.priority import Level

MAX_TICKETS = 200


@dataclass(frozen=True)
class BulkAction:
    label: str
    door: Callable[..., Any]
    needs: str = ""  # the form field it takes (and requires), passed to the door under the same name
    takes_text: bool = False  # the optional reason goes to the door as ``text``


BULK_ACTIONS = {
    "take": BulkAction(_("Prendre en charge"), ACTIONS["service"]["take"].door),
    "assign": BulkAction(_("Confier à"), ACTIONS["service"]["assign"].door, "assignee"),
    "priority": BulkAction(
        _("Requalifier la priorité"), ACTIONS["service"]["requalify"].door, "priority", takes_text=True
    ),
    # Not an action of the ticket page, where a category of another service in "requalify" transfers.
    "transfer": BulkAction(_("Transférer vers la catégorie"), wf.ticket_transfer, "category", takes_text=True),
}


@dataclass
class BulkResult:
    reference: int
    title: str
    done: bool
    message: str = ""
    stale: bool = False


def run_bulk(
    *,
    user: Any,
    action: str,
    tickets: list[tuple[int, int]],
    assignee: Any = None,
    priority: int | None = None,
    category: Any = None,
    reason: str = "",
) -> list[BulkResult]:
    """``tickets``: ``(reference, version seen)`` pairs, at most ``MAX_TICKETS``."""
    spec = BULK_ACTIONS[action]
    values = {"assignee": assignee, "priority": priority, "category": category}
    arguments = {spec.needs: values[spec.needs]} if spec.needs else {}
    if spec.takes_text:
        arguments["text"] = reason
    tickets = tickets[:MAX_TICKETS]
    found = {
        t.reference: t
        for t in Ticket.objects.visible_to(user)
        .filter(reference__in=[reference for reference, _version in tickets])
        .select_related("category", "service", "assignee", "requester")
    }
    results = []
    for reference, version in tickets:
        ticket = found.get(reference)
        if ticket is None:
            results.append(BulkResult(reference, "", False, gettext("Demande introuvable.")))
            continue
        # A ticket changed since the queue was shown is reported as such before any other refusal:
        # the agent acted on what they no longer see, whatever the door would have said.
        if ticket.version != version:
            results.append(BulkResult(reference, ticket.title, False, wf.StaleTicket().message, stale=True))
            continue
        try:
            spec.door(ticket=ticket, actor=user, expected_version=version, **arguments)
        except wf.ActionRefused as exc:
            results.append(BulkResult(reference, ticket.title, False, exc.message, isinstance(exc, wf.StaleTicket)))
        else:
            results.append(BulkResult(reference, ticket.title, True))
    return results


def transfer_targets(service_ids: list[int]):
    """The categories a bulk transfer of the queue's tickets (of ``service_ids``) can reach:
    active leaves of the other services (a category of the same service is a requalification)."""
    return leaf_categories().exclude(service_id__in=service_ids)


# --- The form of the queue page --------------------------------------------------------------


class TicketVersionsField(forms.Field):
    """The queue's checkboxes: ``reference:version`` of each ticket as the agent saw it."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[tuple[int, int]]:
        pairs = []
        for item in value or []:
            reference, _sep, version = str(item).partition(":")
            if not (reference.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("Demande ou version invalide : %(value)s."), params={"value": item})
            pairs.append((int(reference), int(version)))
        return list(dict.fromkeys(pairs))

    def validate(self, value: list[tuple[int, int]]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class BulkForm(forms.Form):
    tickets = TicketVersionsField(label=_("Demandes"))
    action = forms.ChoiceField(
        label=_("Action"), choices=[(name, action.label) for name, action in BULK_ACTIONS.items()]
    )
    assignee = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.none(), required=False)
    priority = forms.TypedChoiceField(
        label=_("Priorité"), required=False, coerce=int, empty_value=None, choices=[("", "—"), *Level.choices]
    )
    category = CategoryChoiceField(label=_("Catégorie"), queryset=Category.objects.none(), required=False)
    reason = forms.CharField(label=_("Motif (facultatif)"), required=False, max_length=2000)

    def __init__(self, *args: Any, members=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()
        if members is not None:
            self.fields["assignee"].queryset = members
        # References come from the queue's checkboxes; visibility is checked by ``run_bulk``.

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = BULK_ACTIONS.get(data.get("action", ""))
        needs = action.needs if action else ""
        if needs and not data.get(needs):
            self.add_error(needs, _("Choisissez une valeur pour cette action."))
        return data
