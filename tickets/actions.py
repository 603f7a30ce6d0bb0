"""The one list of actions on a ticket page: name, URL slug, side, door, form, labels, success message.

Both ticket pages, their URL patterns, their templates, bulk actions and the
transition-matrix test read ``ACTIONS``; a new action is one entry here plus
its door in ``tickets.workflow``. ``available_actions`` decides which of them
a user may do now, with the transitions' own guards and
``tickets.permissions``, so a page never offers what the workflow would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_fsm import has_transition_perm

from accounts.models import User
from tickets import forms as tf
from tickets import permissions as perms
from tickets import workflow as wf
from tickets.agent import forms as af
from tickets.agent import lifecycle_forms as lf
from tickets.agent.queue import service_members
from tickets.attachments import attachment_usage
from tickets.models import MessageKind, Ticket
from tickets.status import CLOSED_STATES, MANUAL_ETATS, OPEN_STATES, WAITING_REQUESTER, Etat

Side = Literal["requester", "service"]


def typed_text(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The door arguments of most forms: the version seen, the typed text and the files, when the form has them."""
    arguments = {"expected_version": data["version"]}
    if "text" in data:
        arguments["text"] = data["text"]
    if data.get("attachments"):
        arguments["files"] = data["attachments"]
    return arguments


def _assign(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {"expected_version": data["version"], "assignee": data["assignee"]}


def _requalify(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "expected_version": data["version"], "priority": data["priority"], "domain": data["domain"].strip() or None,
        "category": data["category"], "text": data["reason"],
    }  # fmt: skip


def _duplicate(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    original = Ticket.objects.visible_to(user).filter(reference=data["original"]).first()
    if original is None:
        raise wf.ActionRefused(_("La demande d'origine n'existe pas ou ne vous est pas visible."))
    return {"expected_version": data["version"], "original": original, "text": data["reason"]}


def _watcher(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    watcher = User.objects.filter(email__iexact=data["email"], is_active=True).first()
    if watcher is None:
        raise wf.ActionRefused(_("Aucun compte n'a cette adresse."))
    return {"expected_version": data["version"], "user": watcher}


def _follow_up(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {"title": data["title"], "description": data["description"], "files": data["attachments"]}


def _attachment_limits(ticket: Ticket, user: Any) -> dict[str, Any]:
    return attachment_usage(ticket)


def _assignees(ticket: Ticket, user: Any) -> dict[str, Any]:
    if perms.is_service_manager(ticket, user):
        return {"assignees": service_members([ticket.service_id])}
    return {"assignees": User.objects.filter(pk=user.pk)}


def _follow_up_initial(ticket: Ticket, user: Any) -> dict[str, Any]:
    return {"initial": {"title": _("Suite de #%(ref)s") % {"ref": ticket.reference}}}


def _etats(ticket: Ticket, user: Any) -> dict[str, Any]:
    labels = dict(Etat.choices)
    choices = [(e, f"{e} — {labels[e]}") for e in MANUAL_ETATS.get(ticket.status, ()) if e != ticket.etat]
    return {"etats": choices}


def _etat(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {"expected_version": data["version"], "etat": data["etat"], "text": data["text"]}


def _hand_over(ticket: Ticket, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {**typed_text(ticket, user, data), "provider": data["provider"]}


def _provider_answer_initial(ticket: Ticket, user: Any) -> dict[str, Any]:
    """The agency validates the provider's last answer: it starts from its text."""
    last = ticket.messages.filter(kind=MessageKind.PROVIDER_ANSWER).order_by("-created", "-pk").first()
    return {**attachment_usage(ticket), "initial": {"text": last.body if last else ""}}


def _rejection_reasons(ticket: Ticket, user: Any) -> dict[str, Any]:
    return {"reasons": ticket.category.rejection_reasons_in_force}


def _may_exclude(ticket: Ticket, user: Any) -> bool:
    """ATD → REJ on the core branches, → EXC on the agency's (one action, ``ticket_exclude``)."""
    return has_transition_perm(ticket.exclude, user) or has_transition_perm(ticket.exclude_from_cycle, user)


# Who may do an action that is not a transition of its own (a transition's guard decides the others).
def _open_for_staff(ticket: Ticket, user: Any) -> bool:
    return ticket.status in OPEN_STATES and perms.is_service_staff(ticket, user)


def _waiting_for_staff(ticket: Ticket, user: Any) -> bool:
    return ticket.status in WAITING_REQUESTER and perms.is_service_staff(ticket, user)


def _open(ticket: Ticket, user: Any) -> bool:
    return ticket.status in OPEN_STATES and not perms.is_provider_only(ticket, user)


def _closed_for_requester_side(ticket: Ticket, user: Any) -> bool:
    return ticket.status in CLOSED_STATES and perms.is_requester_side(ticket, user)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    slug: str  # the last part of its URL, in French like every URL
    side: Side  # the page that offers it: the requester's or the service's
    door: Callable[..., Any]  # called as door(ticket=, actor=, **arguments(ticket, actor, cleaned_data))
    form: type[forms.Form]
    title: str
    button: str
    success: str
    help: str = ""
    danger: bool = False
    # The FSM transition whose guard says who may do it now; otherwise ``allowed``.
    transition: str | None = None
    allowed: Callable[[Ticket, Any], bool] | None = None
    arguments: Callable[[Ticket, Any, dict[str, Any]], dict[str, Any]] = typed_text
    form_kwargs: Callable[[Ticket, Any], dict[str, Any]] | None = None
    insertable: bool = False  # a saved response or an article link may be inserted into its ``text`` box
    files_new_ticket: bool = False  # its door returns a new ticket, whose "filed" page comes next

    @property
    def url_name(self) -> str:
        return f"{'tickets' if self.side == 'requester' else 'agent'}:{self.name}"

    def is_available(self, ticket: Ticket, user: Any) -> bool:
        if self.transition is not None:
            return has_transition_perm(getattr(ticket, self.transition), user)
        return self.allowed is not None and self.allowed(ticket, user)

    def make_form(self, ticket: Ticket, user: Any, *args: Any, **kwargs: Any) -> forms.Form:
        extra = self.form_kwargs(ticket, user) if self.form_kwargs else {}
        if "initial" in extra and "initial" in kwargs:
            extra = {**extra, "initial": {**extra["initial"], **kwargs.pop("initial")}}
        auto_id = kwargs.pop("auto_id", f"id_{self.name}_%s")
        return self.form(*args, auto_id=auto_id, **{**kwargs, **extra})


_SPECS = [
    # The requester's page, in the order it shows them.
    ActionSpec(
        "answer", "repondre", "requester", wf.ticket_answer, tf.AnswerForm,
        _("Répondre à la question"), _("Envoyer ma réponse"), _("Votre réponse a été transmise au service."),
        transition="answer", form_kwargs=_attachment_limits,
    ),
    ActionSpec(
        "approve", "valider", "requester", wf.ticket_approve, tf.ApproveForm,
        _("Valider la réponse"), _("La réponse résout mon problème : je la valide"),
        _("Merci : la réponse est validée et la demande est terminée."),
        help=_("La demande sera terminée."), transition="approve",
    ),
    ActionSpec(
        "refuse", "refuser", "requester", wf.ticket_refuse, tf.RefuseForm,
        _("Refuser la réponse"), _("Refuser la réponse"),
        _("Votre refus a été transmis au service, qui reprend le traitement."),
        help=_("Le service reprendra le traitement avec vos explications."), transition="refuse",
        form_kwargs=_attachment_limits,
    ),
    ActionSpec(
        "add_information", "completer", "requester", wf.ticket_add_information, tf.AddInformationForm,
        _("Ajouter une information"), _("Ajouter"), _("Votre information a été ajoutée à la demande."),
        help=_("Elle sera datée et ajoutée à la demande, sans changer son statut."), allowed=_open,
        form_kwargs=_attachment_limits,
    ),
    ActionSpec(
        "withdraw", "abandonner", "requester", wf.ticket_withdraw, tf.WithdrawForm,
        _("Abandonner la demande"), _("Abandonner la demande"), _("La demande est abandonnée."),
        help=_("La demande sera close et ne pourra pas être rouverte."), danger=True, transition="withdraw",
    ),
    ActionSpec(
        "follow_up", "suite", "requester", wf.ticket_file_follow_up, tf.FollowUpForm,
        _("Déposer une demande de suite"), _("Déposer la demande de suite"), "",
        help=_("Une demande close n'est jamais rouverte : une nouvelle demande, liée à celle-ci, sera créée."),
        allowed=_closed_for_requester_side, arguments=_follow_up, form_kwargs=_follow_up_initial,
        files_new_ticket=True,
    ),
    ActionSpec(
        "provider_answer", "reponse-prestataire", "requester", wf.ticket_provider_answer, lf.ProviderAnswerForm,
        _("Répondre pour le prestataire"), _("Transmettre la réponse à l'agence"),
        _("Votre réponse est transmise à l'agence, qui la validera avant de la proposer à l'établissement."),
        help=_("L'établissement ne la verra qu'après validation par l'agence (état AVA)."),
        transition="provider_answer", form_kwargs=_attachment_limits,
    ),
    # The service's page, in the order it shows them.
    ActionSpec(
        "take", "prendre", "service", wf.ticket_take, af.VersionForm,
        _("Prendre en charge"), _("Je prends la demande"), _("Vous avez pris la demande en charge."),
        transition="take",
    ),
    ActionSpec(
        "reply", "repondre", "service", partial(wf.ticket_add_message, kind=MessageKind.PUBLIC_REPLY), af.ReplyForm,
        _("Répondre"), _("Envoyer la réponse"), _("Votre réponse est envoyée."),
        help=_("Le statut ne change pas."), allowed=_open_for_staff, insertable=True,
    ),
    ActionSpec(
        "propose", "proposer", "service", wf.ticket_propose, af.ProposeForm,
        _("Proposer une réponse"), _("Proposer la réponse"),
        _("La réponse est proposée ; le demandeur doit la valider."),
        help=_("Le demandeur devra la valider ou la refuser (statut AVS)."), transition="propose", insertable=True,
    ),
    ActionSpec(
        "ask", "question", "service", wf.ticket_ask, af.AskForm,
        _("Poser une question"), _("Poser la question"), _("La question est posée ; la demande attend le demandeur."),
        help=_("La demande attendra la réponse du demandeur (statut ARS)."), transition="ask", insertable=True,
    ),
    ActionSpec(
        "internal_note", "note", "service", partial(wf.ticket_add_message, kind=MessageKind.INTERNAL_NOTE),
        af.NoteForm, _("Note interne"), _("Ajouter la note"), _("La note interne est ajoutée."),
        help=_("Jamais montrée au demandeur."), allowed=_open_for_staff, insertable=True,
    ),
    ActionSpec(
        "assign", "confier", "service", wf.ticket_assign, af.AssignForm,
        _("Confier la demande"), _("Confier"), _("La demande est confiée."),
        allowed=_open_for_staff, arguments=_assign, form_kwargs=_assignees,
    ),
    ActionSpec(
        "await_decision", "attente-decision", "service", wf.ticket_await_decision, af.CommentForm,
        _("Mettre en attente de décision"), _("Mettre en attente"), _("La demande attend une décision."),
        transition="await_decision",
    ),
    ActionSpec(
        "await_development", "attente-developpement", "service", wf.ticket_await_development, af.CommentForm,
        _("Mettre en attente de développement"), _("Mettre en attente"), _("La demande attend un développement."),
        transition="await_development",
    ),
    ActionSpec(
        "resume", "reprendre", "service", wf.ticket_resume, af.VersionForm,
        _("Reprendre le traitement"), _("Reprendre"), _("Le traitement reprend."),
        transition="resume",
    ),
    # The agency's full lifecycle (seed 002): états, the provider tier, development and acceptance.
    ActionSpec(
        "change_etat", "etat", "service", wf.ticket_change_etat, lf.EtatForm,
        _("Changer l'état"), _("Changer l'état"), _("L'état de la demande est changé."),
        transition="change_etat", arguments=_etat, form_kwargs=_etats,
    ),
    ActionSpec(
        "hand_to_provider", "prestataire", "service", wf.ticket_hand_to_provider, lf.HandToProviderForm,
        _("Confier au prestataire"), _("Confier au prestataire"), _("La demande est confiée au prestataire (EXT)."),
        help=_("Le prestataire verra la demande et ses échanges publics, jamais vos notes internes."),
        transition="hand_to_provider", arguments=_hand_over, form_kwargs=_attachment_limits,
    ),
    ActionSpec(
        "validate_provider_answer", "valider-prestataire", "service", wf.ticket_validate_provider_answer,
        lf.ValidateProviderAnswerForm, _("Valider la réponse du prestataire"), _("Valider et proposer"),
        _("La réponse est proposée à l'établissement ; il doit la valider."),
        help=_("L'établissement devra la valider ou la refuser (statut AVS)."),
        transition="validate_provider_answer", form_kwargs=_provider_answer_initial,
    ),
    ActionSpec(
        "send_back_to_provider", "renvoyer-prestataire", "service", wf.ticket_send_back_to_provider, lf.SendBackForm,
        _("Renvoyer au prestataire"), _("Renvoyer"), _("La réponse est renvoyée au prestataire."),
        transition="send_back_to_provider",
    ),
    ActionSpec(
        "take_back_from_provider", "reprendre-prestataire", "service", wf.ticket_take_back_from_provider,
        af.CommentForm, _("Reprendre la demande au prestataire"), _("Reprendre"),
        _("La demande est de nouveau traitée par l'agence."), transition="take_back_from_provider",
    ),
    ActionSpec(
        "start_development", "developpement", "service", wf.ticket_start_development, af.CommentForm,
        _("Passer en développement"), _("Passer en DEV"), _("La demande est en développement."),
        transition="start_development",
    ),
    ActionSpec(
        "take_into_account", "pris-en-compte", "service", wf.ticket_take_into_account, af.CommentForm,
        _("Pris en compte (à passer en qualification)"), _("Passer en PEC"), _("La demande est prise en compte."),
        transition="take_into_account",
    ),
    ActionSpec(
        "start_acceptance", "recette", "service", wf.ticket_start_acceptance, af.CommentForm,
        _("Passer en recette"), _("Passer en CTR"), _("La demande est en recette."), transition="start_acceptance",
    ),
    ActionSpec(
        "await_documentation", "documentation", "service", wf.ticket_await_documentation, af.CommentForm,
        _("Pas d'erreur : documentation à mettre à jour"), _("Passer en TND"),
        _("La demande attend la mise à jour de la documentation."), transition="await_documentation",
    ),
    ActionSpec(
        "complete", "terminer", "service", wf.ticket_complete, af.CommentForm,
        _("Terminer la demande"), _("Terminer"), _("La demande est terminée."), transition="complete",
    ),
    ActionSpec(
        "await_replacement", "remplacement", "service", wf.ticket_await_replacement, af.CommentForm,
        _("Attendre le remplacement du logiciel"), _("Passer en REM"),
        _("La demande attend le remplacement du logiciel."), transition="await_replacement",
    ),
    ActionSpec(
        "relaunch", "relancer", "service", wf.ticket_relaunch, af.CommentForm,
        _("Relancer manuellement le demandeur"), _("Relancer"),
        _("Le demandeur est relancé ; le délai avant clôture automatique repart d'aujourd'hui."),
        help=_("Quand le correspondant a prévenu d'une absence : évite la clôture automatique."),
        allowed=_waiting_for_staff,
    ),
    ActionSpec(
        "requalify", "requalifier", "service", wf.ticket_requalify, af.RequalifyForm,
        _("Requalifier ou transférer"), _("Requalifier"), _("La demande est requalifiée."),
        help=_("Le demandeur verra le changement et son motif dans l'historique."), allowed=_open_for_staff,
        arguments=_requalify,
    ),
    ActionSpec(
        "add_watcher", "observateur", "service", wf.ticket_add_watcher, af.WatcherForm,
        _("Ajouter un observateur"), _("Ajouter"), _("L'observateur est ajouté."),
        allowed=_open_for_staff, arguments=_watcher,
    ),
    ActionSpec(
        "duplicate", "doublon", "service", wf.ticket_mark_duplicate, af.DuplicateForm,
        _("Marquer comme doublon"), _("Clore comme doublon"), _("La demande est close comme doublon."),
        help=_(
            "La demande sera rejetée avec un lien vers l'originale ; ses observateurs et pièces jointes y seront "
            "reportés."
        ),
        danger=True, allowed=_open_for_staff, arguments=_duplicate,
    ),
    ActionSpec(
        "reject", "rejeter", "service", wf.ticket_reject, lf.RejectForm,
        _("Rejeter la demande"), _("Rejeter"), _("La demande est rejetée."), danger=True, transition="reject",
        form_kwargs=_rejection_reasons,
    ),
    ActionSpec(
        "exclude", "exclure", "service", wf.ticket_exclude, af.ReasonForm,
        _("Exclure la demande"), _("Exclure"), _("La demande est exclue."), danger=True, allowed=_may_exclude,
    ),
]  # fmt: skip

ACTIONS: dict[Side, dict[str, ActionSpec]] = {
    side: {spec.name: spec for spec in _SPECS if spec.side == side} for side in ("requester", "service")
}


def available_actions(ticket: Ticket, user: Any, side: Side) -> list[ActionSpec]:
    """The actions of ``side`` that ``user`` may do on ``ticket`` now, in page order.

    The caller has already found the ticket through ``visible_to(user)``.
    """
    if user is None or not user.is_authenticated:
        return []
    return [spec for spec in ACTIONS[side].values() if spec.is_available(ticket, user)]
