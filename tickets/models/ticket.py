"""The ticket, its state machine and the one visibility rule."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from accounts import roles
from accounts.models import Institution, ProviderOrganisation
from catalogue.models import Category, Service, Software
from tickets import permissions as perms
from tickets.models.lifecycle import LifecycleTransitions, on_core_lifecycle
from tickets.priority import Level, priority_label
from tickets.status import CLOSED_STATES, OPEN_STATES, WAITING_REQUESTER, Etat, Origin, TicketStatus, waiting_on


class TicketCounter(models.Model):
    """The last public reference given out; one row, locked while a ticket is filed.

    An ``UPDATE … SET value = value + 1`` holds the row lock until the filing
    transaction commits, so references are unique, sequential and gapless
    under concurrency on PostgreSQL and SQLite alike.
    """

    name = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de références")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"

    @classmethod
    def next_reference(cls) -> int:
        """Call inside ``transaction.atomic()``."""
        if connection.vendor == "postgresql":  # one round trip instead of two
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE tickets_ticketcounter SET value = value + 1 WHERE name = %s RETURNING value", ["ticket"]
                )
                row = cursor.fetchone()
            if row is not None:
                return row[0]
        if not cls.objects.filter(name="ticket").update(value=models.F("value") + 1):
            cls.objects.get_or_create(name="ticket", defaults={"value": 0})
            cls.objects.filter(name="ticket").update(value=models.F("value") + 1)
        return cls.objects.values_list("value", flat=True).get(name="ticket")


class Channel(models.TextChoices):
    WEB = "web", _("Formulaire web")
    EMAIL = "email", _("Courriel")


def correspondent_rule(user: Any) -> Q | None:
    """Tickets a correspondent follows for their institution: those of the catalogue
    branches open to correspondents (``perms.is_acting_correspondent`` for one ticket).
    ``None`` for a user who is no correspondent."""
    if not user.correspondent_institution_ids:
        return None
    return Q(
        institution_id__in=user.correspondent_institution_ids,
        category_id__in=Category.objects.open_to_correspondents_ids(),
    )


# The look-ups of the visibility UNION, one index each, as fixed SQL (the tables are the models' own).
OWN_SQL = "SELECT id FROM tickets_ticket WHERE requester_id = %s"
WATCHED_SQL = "SELECT ticket_id FROM tickets_watcher WHERE user_id = %s"
CORRESPONDENT_SQL = "SELECT id FROM tickets_ticket WHERE institution_id IN ({}) AND category_id IN ({})"
HANDED_SQL = (
    "SELECT id FROM tickets_ticket WHERE provider_id IN "
    "(SELECT providerorganisation_id FROM accounts_providerorganisation_members WHERE user_id = %s)"
)


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _followed_sql(user: Any) -> tuple[list[str], list[Any]]:
    """The look-ups of ``followed_ids``: one ``SELECT`` of ticket ids per branch, and their parameters."""
    selects, params = [OWN_SQL, WATCHED_SQL], [user.pk, user.pk]
    if user.correspondent_institution_ids and (open_ids := Category.objects.open_to_correspondents_ids()):
        # ``correspondent_rule``, spelt out: the institution index, then the category.
        institutions, categories = sorted(user.correspondent_institution_ids), sorted(open_ids)
        selects.append(CORRESPONDENT_SQL.format(_placeholders(institutions), _placeholders(categories)))
        params += [*institutions, *categories]
    return selects, params


def followed_ids(user: Any) -> RawSQL:
    """Ids of the tickets ``user`` follows as a requester, as a UNION of index look-ups: their
    own (requester index), the watched ones (watcher index), and as a correspondent their
    institutions' on the open branches (institution index).

    Written as an OR on the ticket table (``requester = … OR EXISTS (watcher …) OR …``) the same
    rule defeated every index: a requester's list read and filtered all 1,000,000 tickets (1.6 s,
    7.8 s once an index offered the order); as ``id IN (… UNION …)`` it is a few look-ups and a
    join on the primary key (1 ms). ``tickets/tests/test_visibility_union.py`` checks it against
    the rule stated plainly, for every role of the cast.

    Fixed SQL rather than querysets joined by ``union()``: the same statement, but Django built and
    compiled those four querysets on every request that checks visibility (≈ 1 ms of CPU each time,
    twice on the agent's ticket page, issue 22); this is a string and its parameters."""
    selects, params = _followed_sql(user)
    return RawSQL(" UNION ".join(selects), params)  # noqa: S611 - fixed SQL, values as parameters


def visible_ids(user: Any) -> RawSQL:
    """``followed_ids`` and the tickets handed to an external provider ``user`` works for: one
    more look-up in the same UNION (the user's provider memberships, then the provider index),
    written in SQL so that nobody pays a query to learn they work for no provider."""
    # ``provider_id IN (the user's organisations)`` rather than a join through the organisation table:
    # on a site without providers that empty, never-analysed table made the planner expect every
    # ticket from this branch and scan them all in order (0.8 s at 1,000,000 tickets).
    selects, params = _followed_sql(user)
    selects.append(HANDED_SQL)
    return RawSQL(" UNION ".join(selects), [*params, user.pk])  # noqa: S611 - fixed SQL, values as parameters


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: Any) -> TicketQuerySet:
        """THE visibility rule. Requesters see their own tickets, correspondents
        their institution's on the branches open to correspondents, members of an
        external provider the tickets handed to it, agents and
        managers their services', watchers what they watch, administrators
        everything, anonymous visitors nothing.

        What the user follows as a requester is one UNION of index look-ups
        (``followed_ids``); their services' tickets stay a plain condition, which the
        queue's index on (service, …) answers by itself."""
        if not roles.is_active_user(user):
            return self.none()
        if roles.is_admin(user):
            return self.all()
        rule = Q(pk__in=visible_ids(user))
        if user.service_ids:
            rule |= Q(service_id__in=user.service_ids)
        return self.filter(rule)

    def visibility_shape(self, user: Any) -> tuple[tuple[Any, ...], list[Any]] | None:
        """``visible_to(user)``'s condition as the shape of its SQL and its parameters in order, for a query
        compiled once per shape (``helpdesk.prepared``, which checks these against Django's own compilation
        and falls back to the queryset when they differ). None when the rule matches nothing."""
        if not roles.is_active_user(user):
            return None
        if roles.is_admin(user):
            return ("all",), []
        selects, params = _followed_sql(user)
        services = list(user.service_ids)  # as ``service_id__in`` iterates them
        return ("rule", *map(len, selects), len(services)), [*params, user.pk, *services]

    def visible_branches(self, user: Any) -> list[TicketQuerySet]:
        """``visible_to(user)`` as the querysets whose union it is, each answered by one index: what the
        user follows as a requester, and their services' tickets. A list sorted and cut per branch, then
        merged, reads one page without the OR that no index serves in order (the API's ticket list:
        255 ms → a few ms for an agent at 100,000 tickets). ``test_visibility_union`` checks the union."""
        if not roles.is_active_user(user):
            return [self.none()]
        if roles.is_admin(user):
            return [self.all()]
        # What they follow and what was handed to their provider: the same UNION as ``visible_to``.
        branches = [self.filter(pk__in=visible_ids(user))]
        if user.service_ids:
            branches.append(self.filter(service_id__in=user.service_ids))
        return branches

    def requester_side(self, user: Any) -> TicketQuerySet:
        """Tickets the user follows as a requester: their own, their institution's
        where they act as a correspondent, and those they watch ("Mes demandes")."""
        if not roles.is_active_user(user):
            return self.none()
        return self.filter(pk__in=followed_ids(user))

    def open(self) -> TicketQuerySet:
        return self.filter(status__in=OPEN_STATES)

    def closed(self) -> TicketQuerySet:
        return self.filter(status__in=CLOSED_STATES)

    def for_list(self) -> TicketQuerySet:
        return self.select_related("category", "service", "requester", "assignee").order_by("-last_activity_at", "-pk")

    def search(self, query: str) -> TicketQuerySet:
        """By reference (``#12`` or ``12``) or by words in title, description and public messages."""
        query = query.strip()
        if not query:
            return self.none()
        digits = query.lstrip("#").strip()
        if digits.isdigit():
            return self.filter(reference=int(digits))
        from tickets.models.message import PUBLIC_KINDS, Message

        rule = Q()
        for word in query.split()[:8]:
            in_messages = Exists(
                Message.objects.filter(ticket=OuterRef("pk"), kind__in=PUBLIC_KINDS, body__icontains=word)
            )
            rule &= Q(title__icontains=word) | Q(description__icontains=word) | Q(in_messages)
        return self.filter(rule)


_REFRESH_LOCK = threading.RLock()  # see Ticket.refresh_from_db


class Ticket(LifecycleTransitions, ConcurrentTransitionMixin, models.Model):
    """A request (a "DA"). Do not load tickets with ``only()``/``defer()`` leaving out
    ``status`` or ``version``: django-fsm reads them in ``__init__`` and a deferred
    one would recurse through ``refresh_from_db``."""

    reference = models.PositiveBigIntegerField(_("référence"), unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("catégorie")
    )
    # Denormalised from the category at filing (and on transfer): queues and the
    # visibility rule filter on it without joining the tree.
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service en charge")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("demandeur")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("établissement"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("agent en charge"),
    )
    status = FSMField(_("statut"), max_length=3, choices=TicketStatus.choices, default=TicketStatus.NEW, protected=True)
    # The sub-state of the status on the agency's branches (seed 002); "" is the seed's "--".
    # Written by the workflow's doors only, recorded in the history like the status.
    etat = models.CharField(_("état"), max_length=3, choices=Etat.choices, blank=True)
    origin = models.CharField(_("origine"), max_length=3, choices=Origin.choices, blank=True)
    # The external provider the agency handed the DA to (état EXT): its members see it.
    provider = models.ForeignKey(
        ProviderOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("prestataire"),
    )
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Level.choices, default=Level.MEDIUM)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Level.choices, null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgence"), choices=Level.choices, null=True, blank=True)
    is_blocking = models.BooleanField(_("bloquant"), null=True, blank=True)
    domain = models.CharField(_("domaine / nature"), max_length=100, blank=True)
    software = models.ForeignKey(
        Software, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("logiciel")
    )
    installed_version = models.CharField(_("version installée"), max_length=50, blank=True)
    internal_number = models.CharField(_("numéro interne"), max_length=50, blank=True)
    form_values = models.JSONField(_("formulaire de la catégorie"), default=dict, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    created = models.DateTimeField(_("déposée le"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_automatically = models.BooleanField(_("close automatiquement"), default=False)
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("suite de"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("doublon de"),
    )
    # Requester timers (ARS, AVS): set on entering, cleared on leaving; the
    # scheduler selects due rows through the partial indexes below.
    remind_at = models.DateTimeField(_("relance prévue le"), null=True, blank=True)
    expire_at = models.DateTimeField(_("clôture automatique prévue le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)
    # Optimistic locking: every change increments it and every save is an
    # UPDATE … WHERE version = <loaded> (see ``state_fields``).
    version = models.PositiveIntegerField(_("version"), default=1)
    # Set once by the anonymisation door (``tickets.workflow.anonymise``): the personal data is gone.
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True, editable=False)
    # Staff search documents, kept by PostgreSQL triggers (migration 0004; empty on
    # SQLite): title (A), description (B) and the public messages (C); the internal
    # notes apart, since only the handling service may find a ticket by them.
    search_vector = SearchVectorField(null=True, editable=False)
    notes_vector = SearchVectorField(null=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            models.Index(fields=["requester", "-last_activity_at"], name="tickets_requester_activity"),
            models.Index(fields=["institution", "-last_activity_at"], name="tickets_institution_act"),
            models.Index(fields=["service", "status", "-last_activity_at"], name="tickets_service_status_act"),
            # The queue's default view (open tickets, latest activity first): with six open statuses the
            # (service, status, activity) index cannot give the order, so PostgreSQL read and sorted every
            # open ticket of the service to keep 51 (1.9 s at 1,000,000 tickets). Partial on the open
            # statuses, these hand out the first page in index order: per service (an agent's queue) and
            # across services (an administrator's, where service_id = ANY(all) is a mere filter).
            models.Index(
                fields=["service", "-last_activity_at", "-id"],
                name="tickets_open_service_act",
                condition=Q(status__in=sorted(OPEN_STATES)),
            ),
            models.Index(
                fields=["-last_activity_at", "-id"],
                name="tickets_open_activity",
                condition=Q(status__in=sorted(OPEN_STATES)),
            ),
            # The queue's other orders on open tickets (issue 22, EXPLAIN ANALYZE at 1,000,000 tickets in
            # migration 0017): an agent's own tickets by activity ("Attribuées à moi", 178 → 6 ms) and by
            # priority (the filtered page 5 of bench/queue.py, 48.7 → 1.2 ms), a service's by priority
            # (190 → 0.7 ms), every service's by priority for an administrator (1,041 → 6 ms). The
            # assignee's ones rely on the statistics of migration 0017 (an agent works in few services).
            models.Index(
                fields=["assignee", "-last_activity_at", "-id"],
                name="tickets_open_assignee_act",
                condition=Q(status__in=sorted(OPEN_STATES)),
            ),
            models.Index(
                fields=["assignee", "-priority", "-last_activity_at", "-id"],
                name="tickets_open_assignee_prio",
                condition=Q(status__in=sorted(OPEN_STATES)),
            ),
            models.Index(
                fields=["service", "-priority", "-last_activity_at", "-id"],
                name="tickets_open_service_prio",
                condition=Q(status__in=sorted(OPEN_STATES)),
            ),
            models.Index(
                fields=["-priority", "-last_activity_at", "-id"],
                name="tickets_open_priority",
                condition=Q(status__in=sorted(OPEN_STATES)),
            ),
            # Every ticket by activity (the API's list for an administrator, any status): without it PostgreSQL
            # sorted the whole table for each page (476 ms at 100,000 tickets).
            models.Index(fields=["-last_activity_at", "-id"], name="tickets_activity"),
            # The staff search reads each service's matches in activity order and ranks the most recent
            # ones only (tickets.agent.search): without it, every match of a common word was fetched.
            models.Index(fields=["service", "-last_activity_at", "-id"], name="tickets_service_activity"),
            # The queue's "oldest first" sort, read with keyset paging on (created, id).
            models.Index(fields=["service", "created", "id"], name="tickets_service_created"),
            models.Index(
                fields=["remind_at"],
                name="tickets_remind_due",
                condition=Q(status__in=["ARS", "AVS"], remind_at__isnull=False, reminded_at__isnull=True),
            ),
            # The anonymisation sweep's selection: closed tickets still holding personal data, by
            # closure date (an empty run at 1,000,000 tickets reads only the rows due).
            models.Index(
                fields=["closed_at"],
                name="tickets_anonymise_due",
                condition=Q(status__in=sorted(CLOSED_STATES), anonymised_at__isnull=True),
            ),
            models.Index(
                fields=["expire_at"],
                name="tickets_expire_due",
                condition=Q(status__in=["ARS", "AVS"], expire_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="tickets_priority_1_5"),
        ]

    def __str__(self) -> str:
        return f"#{self.reference} {self.title}"

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        """django-fsm lifts the protection of ``status`` for a refresh on the field itself, which every
        thread shares, and puts it back afterwards: under gunicorn's threads another thread's refresh
        could put it back in the middle of this one ("Direct status modification is not allowed", a 500
        seen in bench/load.py on a refused concurrent action). One refresh at a time per process; a
        plain SELECT, which waits on no row lock."""
        with _REFRESH_LOCK:
            super().refresh_from_db(*args, **kwargs)

    @property
    def state_fields(self) -> list[models.Field]:
        """django-fsm's concurrency check compares these with their loaded values
        on save; adding ``version`` makes any concurrent change (not only of
        ``status``) refuse the later save."""
        return [f for f in self._meta.fields if isinstance(f, FSMFieldMixin) or f.name == "version"]

    @property
    def display_reference(self) -> str:
        return f"#{self.reference}"

    @property
    def priority_label(self) -> str:
        return priority_label(priority=self.priority, is_blocking=self.is_blocking)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATES

    @property
    def is_waiting_requester(self) -> bool:
        return self.status in WAITING_REQUESTER

    @property
    def waiting_on(self):
        return waiting_on(self.status)

    def is_due_for_expiry(self) -> bool:
        return self.expire_at is not None and self.expire_at <= timezone.now()

    # --- Transitions: one per row of DESIGN.md's table. They guard and change
    # the state, nothing else; ``tickets.workflow`` does the rest. -----------

    @transition(field=status, source=TicketStatus.NEW, target=TicketStatus.ECT, permission=perms.is_service_staff)
    def take(self) -> None:
        pass

    @transition(field=status, source=TicketStatus.NEW, target=TicketStatus.ECT, permission=perms.may_assign)
    def assign(self) -> None:
        pass

    @transition(
        field=status,
        source=[TicketStatus.NEW, TicketStatus.ECT],
        target=TicketStatus.REJ,
        permission=perms.is_service_staff,
    )
    def reject(self) -> None:
        pass

    @transition(
        field=status,
        source=[TicketStatus.NEW, TicketStatus.ECT, TicketStatus.ARS, TicketStatus.AVS, TicketStatus.ATD,
                TicketStatus.ADV],
        target=TicketStatus.REJ,
        permission=perms.is_service_staff,
    )  # fmt: skip
    def mark_duplicate(self) -> None:
        """A duplicate is rejected from any open state: the original carries on."""

    @transition(field=status, source=TicketStatus.ECT, target=TicketStatus.ARS, permission=perms.is_service_staff)
    def ask(self) -> None:
        pass

    @transition(field=status, source=TicketStatus.ARS, target=TicketStatus.ECT, permission=perms.is_requester_side)
    def answer(self) -> None:
        pass

    @transition(field=status, source=TicketStatus.ECT, target=TicketStatus.AVS, permission=perms.is_service_staff)
    def propose(self) -> None:
        pass

    @transition(field=status, source=TicketStatus.AVS, target=TicketStatus.TER, permission=perms.is_requester_side)
    def approve(self) -> None:
        pass

    @transition(field=status, source=TicketStatus.AVS, target=TicketStatus.ECT, permission=perms.is_requester_side)
    def refuse(self) -> None:
        pass

    @transition(field=status, source=TicketStatus.ECT, target=TicketStatus.ATD, permission=perms.is_service_staff)
    def await_decision(self) -> None:
        pass

    @transition(field=status, source=TicketStatus.ECT, target=TicketStatus.ADV, permission=perms.is_service_staff)
    def await_development(self) -> None:
        pass

    @transition(
        field=status,
        source=[TicketStatus.ATD, TicketStatus.ADV, TicketStatus.REM],
        target=TicketStatus.ECT,
        permission=perms.is_service_staff,
    )
    def resume(self) -> None:
        pass

    @transition(
        field=status,
        source=TicketStatus.ATD,
        target=TicketStatus.REJ,
        permission=perms.is_service_staff,
        conditions=[on_core_lifecycle],
    )
    def exclude(self) -> None:
        """The agency's branches exclude to EXC instead (``exclude_from_cycle``)."""

    @transition(
        field=status,
        source=[TicketStatus.NEW, TicketStatus.ECT, TicketStatus.ARS],
        target=TicketStatus.ABN,
        permission=perms.is_requester,
    )
    def withdraw(self) -> None:
        pass

    @transition(
        field=status,
        source=TicketStatus.ARS,
        target=TicketStatus.ABN,
        permission=perms.is_scheduler,
        conditions=[is_due_for_expiry],
    )
    def expire_unanswered(self) -> None:
        pass

    @transition(
        field=status,
        source=TicketStatus.AVS,
        target=TicketStatus.TER,
        permission=perms.is_scheduler,
        conditions=[is_due_for_expiry],
    )
    def expire_unvalidated(self) -> None:
        pass


class Watcher(models.Model):
    """Someone who follows a ticket without being its requester (sees it, is notified)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="watchers", verbose_name=_("demande"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="watched_tickets",
        verbose_name=_("observateur"),
    )
    created = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("ajouté le"))

    class Meta:
        verbose_name = _("observateur")
        verbose_name_plural = _("observateurs")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="tickets_watcher_unique")]

    def __str__(self) -> str:
        return f"{self.user} → #{self.ticket.reference}"
