"""The rules: for each workflow action, who is told what.

Called inside the action's transaction (``ticket_event_recorded``), so the
outbox rows commit or roll back with the action. The person who acted is
never notified — except by the acknowledgement of receipt, which is a
receipt, not news. Optional mails obey the recipient's preferences
(``accounts.notifications``); the acknowledgement, the question (ARS), the
proposed answer (AVS) and the closures carry a deadline or an outcome and
are always sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from accounts.notifications import OptionalNotification as Opt
from accounts.notifications import wants_immediate_queue_mail
from helpdesk.mail import AUTO_REPLIED
from helpdesk.models import OutboundEmail
from tickets import permissions
from tickets.hooks import hooks
from tickets.models import Channel, EventAction, Ticket, TicketEvent
from tickets.notifications import sve
from tickets.notifications.compose import (
    TicketMail,
    auto_reply_allowed,
    may_receive,
    read_once_per_run,
    send_ticket_mail,
    send_ticket_mails,
    ticket_url,
)
from tickets.priority import Level
from tickets.status import TicketStatus


def on_ticket_event(sender: Any, event: TicketEvent, **kwargs: Any) -> None:
    rule = RULES.get(event.action)
    if rule is None:
        return
    ticket = event.ticket
    # One INSERT for all the mails of the event (a filing: the acknowledgement
    # and one mail per agent of the service), each template rendered once.
    send_ticket_mails([(ticket, mail) for mail in rule(event, ticket)])


def on_ticket_events(sender: Any, events: list[TicketEvent], **kwargs: Any) -> None:
    """The same rules for a batch door's events (``ticket_events_recorded``): one INSERT for all the mails."""
    mails = [(event.ticket, mail) for event in events for mail in RULES.get(event.action, _silent)(event, event.ticket)]
    send_ticket_mails(mails)


def _silent(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    return []


# --- Recipients -------------------------------------------------------------------


def _service_staff(service_id: int) -> list[User]:
    def read() -> list[User]:  # the queryset built only when read: within a run, once (issue 22)
        staff = User.objects.filter(service_memberships__service_id=service_id, is_active=True)
        return list(staff.distinct().order_by("pk"))

    return list(read_once_per_run(("service_staff", service_id), read))


def _handlers(ticket: Ticket) -> list[User]:
    """Who follows the ticket on the service side: its agent, else the whole service."""
    return [ticket.assignee] if ticket.assignee_id else _service_staff(ticket.service_id)


def _to_requester(event: TicketEvent, ticket: Ticket, kind: str, build, *, optional: str = "") -> list[TicketMail]:
    if not may_receive(ticket.requester, actor=event.actor, optional=optional):
        return []
    return [TicketMail(ticket.requester, kind, build, optional=optional)]


def _to_each(
    users: Iterable[User], event: TicketEvent, kind: str, build_for: Callable[[User], Any], *, optional: str
) -> list[TicketMail]:
    return [
        TicketMail(user, kind, build_for(user), optional=optional, replies_by_mail=False)
        for user in users
        if may_receive(user, actor=event.actor, optional=optional)
    ]


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""  # User.__str__: the full name, else the address


# --- Requester mails ----------------------------------------------------------------


def filed(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    mails: list[TicketMail] = []
    requester = ticket.requester
    by_mail = ticket.channel == Channel.EMAIL
    # The acknowledgement goes to the requester even when they filed it themselves;
    # an answer to a mail only within the global limit of automatic replies.
    if may_receive(requester, actor=None) and (not by_mail or auto_reply_allowed()):
        # RFC 3834: an answer to an incoming mail is "auto-replied" (the
        # inbound side relies on it to stop mail loops); otherwise generated.
        auto = {"auto_submitted": AUTO_REPLIED} if by_mail else {}
        # Nothing the mail's sender wrote (subject, display name) is quoted back
        # to its From address: anyone can send in someone else's name.
        anonymous = {"recipient_name": ""} if by_mail else {}
        if ticket.category.is_sve:
            mails.append(
                TicketMail(
                    requester,
                    "sve_acknowledgement",
                    lambda: {**sve.mail_content(ticket, requester), **anonymous},
                    template="email/tickets/sve_acknowledgement",
                    **auto,
                )
            )
        else:
            mails.append(
                TicketMail(requester, "acknowledgement", lambda: {**_acknowledgement(ticket), **anonymous}, **auto)
            )
    mails += _queue_new(event, ticket)
    return mails


def _acknowledgement(ticket: Ticket) -> dict[str, Any]:
    if ticket.channel == Channel.EMAIL:  # the title is the mail's subject: not quoted back
        received = _("Nous avons bien reçu votre demande par courriel le %(date)s.") % {"date": _date(ticket.created)}
    else:
        received = _("Nous avons bien reçu votre demande « %(title)s » le %(date)s.") % {
            "title": ticket.title,
            "date": _date(ticket.created),
        }
    return {
        "subject": _("Votre demande a bien été reçue"),
        "paragraphs": [
            received,
            _("Elle a été transmise au service %(service)s, qui vous tiendra informé(e).")
            % {"service": ticket.service.name},
            _("Sa référence est #%(ref)s : elle figure dans l'objet de chaque courriel à son sujet.")
            % {"ref": ticket.reference},
        ],
    }


def taken(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    mails = []
    if event.from_status == TicketStatus.NEW:
        agent = _name(ticket.assignee)
        mails += _to_requester(
            event,
            ticket,
            "taken",
            lambda: {
                "subject": _("Votre demande est prise en charge"),
                "paragraphs": [
                    _("Votre demande « %(title)s » est prise en charge par %(agent)s (%(service)s).")
                    % {"title": ticket.title, "agent": agent, "service": ticket.service.name},
                ],
            },
            optional=Opt.TAKEN,
        )
    if event.action == EventAction.ASSIGN and ticket.assignee_id:
        mails += _to_each(
            [ticket.assignee],
            event,
            "assigned",
            lambda user: (
                lambda: {
                    "subject": _("Une demande vous a été confiée"),
                    "paragraphs": [
                        _("%(actor)s vous a confié la demande « %(title)s ».")
                        % {"actor": _name(event.actor) or _("Guichet"), "title": ticket.title},
                    ],
                }
            ),
            optional=Opt.ASSIGNED,
        )
    return mails


def asked(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    return _to_requester(
        event,
        ticket,
        "question",
        lambda: {
            "subject": _("Une question sur votre demande"),
            "paragraphs": [
                _("%(agent)s a besoin d'une précision pour traiter votre demande « %(title)s » :")
                % {"agent": _name(event.actor), "title": ticket.title},
            ],
            "quote": event.message.body if event.message else "",
            "after": [_deadline_sentence(ticket)],
            "action_label": _("Répondre à la question"),
            "action_url": ticket_url(ticket.requester, ticket.reference, anchor="action-answer"),
        },
    )


def replied(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    """A public reply of the service: the dialogue goes on by mail (seed 004)."""
    return _to_requester(
        event,
        ticket,
        "reply",
        lambda: {
            "subject": _("Nouveau message sur votre demande"),
            "paragraphs": [
                _("%(agent)s a écrit sur votre demande « %(title)s » :")
                % {"agent": _name(event.actor), "title": ticket.title},
            ],
            "quote": event.message.body if event.message else "",
            "after": [_("Vous pouvez répondre à ce courriel ou compléter la demande en ligne.")],
            "action_label": _("Voir la demande"),
            "action_url": ticket_url(ticket.requester, ticket.reference),
        },
    )


def proposed(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    def build() -> dict[str, Any]:
        return {
            "subject": _("Une réponse vous est proposée"),
            "paragraphs": [
                _("%(agent)s propose cette réponse à votre demande « %(title)s » :")
                % {"agent": _name(event.actor), "title": ticket.title},
            ],
            "quote": event.message.body if event.message else "",
            "after": [
                _("Dites-nous si elle résout votre problème : validez-la, ou refusez-la en expliquant pourquoi."),
                _deadline_sentence(ticket),
            ],
            "links": [
                (_("Valider la réponse"), ticket_url(ticket.requester, ticket.reference, anchor="action-approve")),
                (_("Refuser la réponse"), ticket_url(ticket.requester, ticket.reference, anchor="action-refuse")),
            ],
            "action_url": "",
        }

    return _to_requester(event, ticket, "proposal", build)


def reminded(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    waiting = (
        _lazy("le service attend votre réponse à sa question")
        if ticket.status == TicketStatus.ARS
        else _lazy("le service attend que vous validiez ou refusiez la réponse proposée")
    )
    return _to_requester(
        event,
        ticket,
        "reminder",
        lambda: {
            "subject": _("Rappel : votre demande attend votre réponse"),
            "paragraphs": [
                _("Pour votre demande « %(title)s », %(waiting)s.") % {"title": ticket.title, "waiting": waiting},
                _deadline_sentence(ticket),
            ],
        },
        optional=Opt.REMINDER,
    )


def closed(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    """TER, REJ (also as a duplicate), ABN by a person, or closed automatically by the scheduler."""
    if event.action == EventAction.EXPIRE:
        if ticket.status == TicketStatus.TER:
            kind, subject = "closed_automatically", _lazy("Votre demande a été close automatiquement")
            text = _lazy(
                "Sans validation ni refus de la réponse proposée dans le délai, votre demande « %(title)s » "
                "a été close automatiquement."
            )
        else:
            kind, subject = "abandoned_automatically", _lazy("Votre demande a été close automatiquement")
            text = _lazy(
                "Sans réponse à la question du service dans le délai, votre demande « %(title)s » "
                "a été close automatiquement."
            )
    elif event.action == EventAction.DUPLICATE:
        kind, subject = "closed_as_duplicate", _lazy("Votre demande a été close comme doublon")
        text = _lazy(
            "Votre demande « %(title)s » a été close : elle fait doublon avec la demande #%(original)s, "
            "qui est traitée et que vous suivez désormais."
        )
    elif ticket.status == TicketStatus.EXC:
        kind, subject = "excluded", _lazy("Votre demande a été exclue")
        text = _lazy("Votre demande « %(title)s » a été exclue.")
    elif event.action == EventAction.COMPLETE:
        kind, subject = "closed", _lazy("Votre demande est terminée")
        text = _lazy("Votre demande « %(title)s » est terminée : %(actor)s a clos son cycle de développement.")
    elif ticket.status == TicketStatus.REJ:
        kind, subject = "rejected", _lazy("Votre demande a été rejetée")
        text = _lazy("Votre demande « %(title)s » a été rejetée.")
    elif ticket.status == TicketStatus.ABN:
        kind, subject = "abandoned", _lazy("Votre demande a été abandonnée")
        text = _lazy("Votre demande « %(title)s » a été abandonnée par %(actor)s.")
    else:
        kind, subject = "closed", _lazy("Votre demande est terminée")
        text = _lazy("La réponse à votre demande « %(title)s » a été validée par %(actor)s ; la demande est terminée.")
    values = {
        "title": ticket.title,
        "actor": _name(event.actor),
        "original": (event.changes or {}).get("duplicate_of", [None, ""])[1],
    }
    return _to_requester(
        event,
        ticket,
        kind,
        lambda: {
            "subject": subject,
            "paragraphs": [
                text % values,
                _("Une demande close n'est pas rouverte : si besoin, déposez une demande de suite depuis sa page."),
                *filter(None, [hooks.closure_invitation(ticket)]),
            ],
            "quote": event.reason,
            "quote_label": _("Motif :") if event.reason else "",
        },
    )


def requalified(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    changes = event.changes or {}
    mails: list[TicketMail] = []
    labels = {
        "priority": _lazy("priorité"),
        "category": _lazy("catégorie"),
        "service": _lazy("service en charge"),
        "domain": _lazy("domaine"),
        "impact": _lazy("impact"),
        "urgency": _lazy("urgence"),
        "is_blocking": _lazy("bloquant"),
    }
    shown = [name for name in labels if name in changes]
    if shown:
        mails += _to_requester(
            event,
            ticket,
            "requalified",
            lambda: {
                "subject": _("Votre demande a été requalifiée"),
                "paragraphs": [
                    _("Votre demande « %(title)s » a été requalifiée :") % {"title": ticket.title},
                    *[_change_line(labels[name], name, changes[name]) for name in shown],
                ],
                "quote": event.reason,
                "quote_label": _("Motif :") if event.reason else "",
            },
            optional=Opt.REQUALIFIED,
        )
    if "service" in changes:  # a transfer: the new service has a new ticket in its queue
        mails += _queue_new(event, ticket)
    return mails


def notify_unverified_mail(ticket: Ticket) -> None:
    """Tell the ticket's requester, at the address we know (never the mail's
    From), that a mail in their name could not be authenticated and was only
    added as information. Quotes nothing the mail's sender wrote; at most
    one such notice per ticket an hour, so forged mail cannot flood anyone."""
    requester = ticket.requester
    recent = OutboundEmail.objects.filter(
        kind="unverified_mail", ticket_reference=ticket.reference, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if not may_receive(requester, actor=None) or recent.exists() or not auto_reply_allowed():
        return

    def build() -> dict[str, Any]:
        return {
            "subject": _("Un courriel non vérifié a été ajouté à votre demande"),
            "recipient_name": "",
            "paragraphs": [
                _(
                    "Nous avons reçu un courriel au sujet de votre demande n° %(ref)s sans pouvoir vérifier qu'il "
                    "vient bien de vous. Il a été ajouté à la demande comme simple information, signalée comme "
                    "non vérifiée au service, et n'a pas changé son état."
                )
                % {"ref": ticket.reference},
                _(
                    "Si vous en êtes l'auteur et que le service attend votre réponse, répondez depuis la page de "
                    "la demande ou en répondant à ce courriel. Sinon, vous n'avez rien à faire."
                ),
            ],
        }

    send_ticket_mail(ticket, TicketMail(requester, "unverified_mail", build, auto_submitted=AUTO_REPLIED))


# --- Agent mails ----------------------------------------------------------------------


def _queue_new(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    staff = [user for user in _service_staff(ticket.service_id) if wants_immediate_queue_mail(user)]
    return _to_each(
        staff,
        event,
        "queue_new",
        lambda user: (
            lambda: {
                "subject": _("Nouvelle demande : %(title)s") % {"title": ticket.title},
                "paragraphs": [
                    _("Une nouvelle demande est arrivée dans la file de %(service)s.")
                    % {"service": ticket.service.name},
                    _("Demandeur : %(requester)s%(institution)s, catégorie : %(category)s.")
                    % {
                        "requester": _name(ticket.requester),
                        "category": ticket.category.name,
                        "institution": f" ({ticket.institution.name})" if ticket.institution_id else "",
                    },
                ],
                "quote": ticket.description,
            }
        ),
        optional=Opt.QUEUE_NEW,
    )


def requester_spoke(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    """The requester answered the question, or added information."""
    if event.action == EventAction.ADD_INFORMATION and not _is_requester_side(ticket, event.actor):
        return []  # the service's own additions are not news to the service
    unverified = event.message is not None and not event.message.sender_verified
    return _to_each(
        _handlers(ticket),
        event,
        "requester_answered",
        lambda user: (
            lambda: {
                "subject": _("Le demandeur a répondu"),
                "paragraphs": [
                    _("%(actor)s a écrit sur la demande « %(title)s » :")
                    % {"actor": _name(event.actor), "title": ticket.title},
                    *(
                        [
                            _(
                                "Attention : l'expéditeur de ce courriel n'a pas pu être vérifié. Il a été ajouté "
                                "comme information et n'a pas changé l'état de la demande."
                            )
                        ]
                        if unverified
                        else []
                    ),
                ],
                "quote": event.message.body if event.message else "",
            }
        ),
        optional=Opt.REQUESTER_ANSWERED,
    )


def refused(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    return _to_each(
        _handlers(ticket),
        event,
        "answer_refused",
        lambda user: (
            lambda: {
                "subject": _("Réponse refusée"),
                "paragraphs": [
                    _("%(actor)s a refusé la réponse proposée sur la demande « %(title)s ». Motif :")
                    % {"actor": _name(event.actor), "title": ticket.title},
                ],
                "quote": event.reason,
            }
        ),
        optional=Opt.ANSWER_REFUSED,
    )


# --- Helpers ---------------------------------------------------------------------------


def _is_requester_side(ticket: Ticket, user: User) -> bool:
    return permissions.is_requester_side(ticket, user)


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def _deadline_sentence(ticket: Ticket) -> str:
    if ticket.reminded_at is None and ticket.remind_at:
        return _("Sans réponse de votre part, un rappel vous sera envoyé le %(date)s.") % {
            "date": _date(ticket.remind_at)
        }
    if ticket.expire_at:
        return _("Sans réponse de votre part, la demande sera close automatiquement le %(date)s.") % {
            "date": _date(ticket.expire_at)
        }
    return ""


def _change_line(label: str, name: str, change: list[Any]) -> str:
    return f"{label} : {_plain(change[0], name)} → {_plain(change[1], name)}"


def _plain(value: Any, name: str = "") -> str:
    if name in {"priority", "impact", "urgency"} and isinstance(value, int):
        return str(Level(value).label)
    if value is None or value == "":
        return "—"
    if value is True:
        return _("oui")
    if value is False:
        return _("non")
    return str(value)


RULES: dict[str, Callable[[TicketEvent, Ticket], list[TicketMail]]] = {
    EventAction.FILE: filed,
    EventAction.TAKE: taken,
    EventAction.ASSIGN: taken,
    EventAction.ASK: asked,
    EventAction.PROPOSE: proposed,
    EventAction.REPLY: replied,
    EventAction.REMIND: reminded,
    EventAction.APPROVE: closed,
    EventAction.REJECT: closed,
    EventAction.EXCLUDE: closed,
    EventAction.WITHDRAW: closed,
    EventAction.EXPIRE: closed,
    EventAction.REQUALIFY: requalified,
    EventAction.ANSWER: requester_spoke,
    EventAction.ADD_INFORMATION: requester_spoke,
    EventAction.REFUSE: refused,
    EventAction.DUPLICATE: closed,
}

# Actions that tell nobody, on purpose (``test_rules`` checks that every action
# is either here or in ``RULES``, so a new door cannot be forgotten silently).
SILENT_ACTIONS: frozenset[str] = frozenset(
    {
        EventAction.MERGE,  # the duplicate's requester is told by DUPLICATE; the original's learns nothing new
        EventAction.ADD_WATCHER,  # a watcher learns by the next news of the ticket
        EventAction.AWAIT_DECISION,  # internal waiting states: the requester sees them on the page
        EventAction.AWAIT_DEVELOPMENT,
        EventAction.RESUME,
        EventAction.INTERNAL_NOTE,  # never shown to the requester
        EventAction.SYSTEM_NOTE,  # Guichet's own remark, on the page; the mail it is about says the rest
        EventAction.POSTPONE,  # the deadline mails say the new date when they are due
        # Personal data erased (the door sends no signal either): the requester is gone or asked for it.
        EventAction.ANONYMISE,
    }
)

# The agency's lifecycle and provider tier (its module uses the helpers above).
from tickets.notifications import lifecycle as _lifecycle  # noqa: E402

RULES.update(_lifecycle.RULES)
SILENT_ACTIONS = SILENT_ACTIONS | _lifecycle.SILENT_ACTIONS
