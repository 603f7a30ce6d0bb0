"""The one door for institution records: correspondents propose, the agency approves or refuses.

A correspondent's proposal (a new installed version, a correspondent added or removed, the
addresses and website) is a pending ``RecordChange`` holding the record as it was and the
change asked; it takes effect only when an agent of the agency approves it, in the same
transaction; a refusal needs a reason. The proposer is told either way by mail (outbox,
sent after commit). Nothing else writes the records.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts import roles
from accounts.models import Institution, Membership, MembershipRole, User, check_correspondent_room
from catalogue.records import ChangeKind, ChangeStatus, InstalledSoftware, InstitutionRecord, RecordChange
from helpdesk.mail.compose import queue_email


class RecordChangeRefused(Exception):
    """A proposal or decision that cannot be made, with a French message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


ADDRESS_FIELDS = ("website", "postal_address", "delivery_address")


def _check_correspondent(institution: Institution, actor: Any) -> None:
    if not roles.is_active_user(actor) or institution.pk not in actor.correspondent_institution_ids:
        raise RecordChangeRefused(_("Seuls les correspondants de l'établissement peuvent proposer une modification."))


def record_change_propose(*, institution: Institution, actor: Any, kind: str, proposed: dict[str, Any]) -> RecordChange:
    """Record a pending change of ``institution``'s record (see ``RecordChange.proposed``)."""
    _check_correspondent(institution, actor)
    proposed = {k: (v.strip() if isinstance(v, str) else v) for k, v in proposed.items()}
    if kind == ChangeKind.INSTALLED_VERSION:
        installation = (
            InstalledSoftware.objects.select_related("software", "environment")
            .filter(pk=proposed.get("installation"), institution=institution)
            .first()
        )
        if installation is None or not proposed.get("version"):
            raise RecordChangeRefused(_("Choisissez un logiciel installé et indiquez sa nouvelle version."))
        where = str(installation.environment or _("tous environnements"))
        before = {"logiciel": installation.software.name, "environnement": where, "version": installation.version}
        proposed = {**before, "version": proposed["version"], "installation": installation.pk}
    elif kind == ChangeKind.ADD_CORRESPONDENT:
        if not proposed.get("email") or proposed.get("role") not in (
            MembershipRole.FUNCTIONAL,
            MembershipRole.TECHNICAL,
        ):
            raise RecordChangeRefused(_("Indiquez l'adresse et le rôle du nouveau correspondant."))
        _room(institution, proposed["role"], proposed.get("domain", ""))
        before = {}
    elif kind == ChangeKind.REMOVE_CORRESPONDENT:
        membership = (
            Membership.objects.select_related("user")
            .filter(pk=proposed.get("membership"), institution=institution)
            .exclude(role=MembershipRole.MEMBER)
            .first()
        )
        if membership is None:
            raise RecordChangeRefused(_("Ce correspondant n'existe pas dans votre établissement."))
        before = {"email": membership.user.email, "role": membership.role, "domain": membership.domain}
        proposed = {"membership": membership.pk, "email": membership.user.email, "role": "", "domain": ""}
    elif kind == ChangeKind.ADDRESS:
        record = InstitutionRecord.objects.filter(institution=institution).first()
        before = {f: getattr(record, f, "") if record else "" for f in ADDRESS_FIELDS}
        proposed = {f: proposed.get(f, "") for f in ADDRESS_FIELDS}
        if proposed == before:
            raise RecordChangeRefused(_("Rien n'a été modifié."))
    else:
        raise RecordChangeRefused(_("Ce type de modification n'existe pas."))
    return RecordChange.objects.create(
        institution=institution, kind=kind, proposed=proposed, before=before, proposed_by=actor
    )


def _room(institution: Institution, role: str, domain: str, exclude_pk: int | None = None) -> None:
    try:
        check_correspondent_room(institution.pk, role, domain, exclude_pk=exclude_pk)
    except ValidationError as exc:
        raise RecordChangeRefused(exc.messages[0]) from exc


def _decide(change: RecordChange, actor: Any) -> None:
    if not roles.is_agency_staff(actor):
        raise RecordChangeRefused(_("Seuls les agents de l'agence valident les fiches des établissements."))
    if change.status != ChangeStatus.PENDING:
        raise RecordChangeRefused(_("Cette modification a déjà été traitée."))


def record_change_approve(*, change: RecordChange, actor: Any) -> RecordChange:
    """Apply the change to the record and mark it approved; the proposer is told."""
    _decide(change, actor)
    with transaction.atomic():
        _apply(change)
        _close(change, actor, ChangeStatus.APPROVED, "")
    return change


def record_change_refuse(*, change: RecordChange, actor: Any, reason: str) -> RecordChange:
    _decide(change, actor)
    reason = (reason or "").strip()
    if not reason:
        raise RecordChangeRefused(_("Indiquez le motif du refus : le correspondant le lira."))
    with transaction.atomic():
        _close(change, actor, ChangeStatus.REFUSED, reason)
    return change


def _apply(change: RecordChange) -> None:
    data, institution = change.proposed, change.institution
    if change.kind == ChangeKind.INSTALLED_VERSION:
        InstalledSoftware.objects.filter(pk=data["installation"], institution=institution).update(
            version=data["version"]
        )
    elif change.kind == ChangeKind.ADD_CORRESPONDENT:
        user = User.objects.filter(email__iexact=data["email"]).first()
        if user is None:
            user = User.objects.create_user(
                email=data["email"], first_name=data.get("first_name", ""), last_name=data.get("last_name", "")
            )
        existing = Membership.objects.filter(user=user, institution=institution).first()
        _room(institution, data["role"], data.get("domain", ""), exclude_pk=existing.pk if existing else None)
        Membership.objects.update_or_create(
            user=user, institution=institution, defaults={"role": data["role"], "domain": data.get("domain", "")}
        )
    elif change.kind == ChangeKind.REMOVE_CORRESPONDENT:
        # The account stays (its history, its own tickets); it is no longer a correspondent.
        Membership.objects.filter(pk=data["membership"], institution=institution).update(
            role=MembershipRole.MEMBER, domain=""
        )
    elif change.kind == ChangeKind.ADDRESS:
        InstitutionRecord.objects.update_or_create(
            institution=institution, defaults={f: data.get(f, "") for f in ADDRESS_FIELDS}
        )


def _close(change: RecordChange, actor: Any, status: str, reason: str) -> None:
    change.status, change.decided_by, change.decided_at, change.reason = status, actor, timezone.now(), reason
    change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    proposer = change.proposed_by
    approved = status == ChangeStatus.APPROVED
    queue_email(
        to=proposer.email,
        subject=_lazy("Votre modification de la fiche établissement est validée")
        if approved
        else _lazy("Votre modification de la fiche établissement est refusée"),
        template="email/notification",
        context={
            "recipient_name": proposer.get_full_name(),
            "paragraphs": [
                _("%(actor)s a %(verb)s votre demande « %(kind)s » pour %(institution)s.")
                % {
                    "actor": str(actor),
                    "verb": _("validé") if approved else _("refusé"),
                    "kind": change.get_kind_display(),
                    "institution": change.institution.name,
                }
            ],
            "quote": reason,
            "action_label": _("Voir la fiche de l'établissement"),
            "action_url": f"{settings.SITE_URL}/etablissement/",
        },
        language=getattr(proposer, "language", None) or None,
        kind="record_change_decided",
    )
