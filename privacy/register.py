"""The register of processing (registre des traitements), read from the catalogue.

One processing activity per catalogue offer (leaf): its purpose, the categories
of personal data it collects (the account's identity and contact, the request,
attachments, and each field of its form), the recipients (the handling
service, and the institution's correspondents on agency branches) and the
retention period of its branch.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalogue.models import Category, CategoryKind


@dataclass(frozen=True)
class ProcessingActivity:
    branch: str
    purpose: str
    data_categories: list[str]
    recipients: list[str]
    retention_months: int
    is_sve: bool


def _base_data() -> list[str]:
    return [
        _("identité et coordonnées du compte (nom, prénom, adresse électronique)"),
        _("objet et description de la demande, messages échangés"),
        _("pièces jointes"),
    ]


def processing_register() -> list[ProcessingActivity]:
    """Every offer of the catalogue, in tree order (three queries whatever its size)."""
    nodes = list(
        Category.objects.with_tree_fields()
        .select_related("service")
        .prefetch_related("form_fields")
        .order_by("tree_ordering")
    )
    names = {node.pk: node.name for node in nodes}
    open_ids = Category.objects.open_to_correspondents_ids()
    retention = Category.objects.retention_months_by_id()
    activities = []
    for node in nodes:
        if node.kind != CategoryKind.LEAF:
            continue
        fields = [
            f"{field.label} ({field.get_kind_display()}{', ' + _('donnée personnelle') if field.is_personal else ''})"
            for field in node.form_fields.all()
        ]
        recipients = [node.service.name] if node.service else []
        if node.pk in open_ids:
            recipients.append(_("correspondants de l'établissement du demandeur"))
        activities.append(
            ProcessingActivity(
                branch=" › ".join(names[pk] for pk in node.tree_path),
                purpose=_("Traitement des demandes « %(name)s »") % {"name": node.name},
                data_categories=_base_data() + fields,
                recipients=recipients,
                retention_months=retention[node.pk],
                is_sve=node.is_sve,
            )
        )
    return activities


def _cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def register_csv(activities: list[ProcessingActivity]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("Branche"), _("Finalité"), _("Catégories de données"), _("Destinataires"), _("Conservation (mois)"), "SVE"]
    )
    for activity in activities:
        writer.writerow(
            [
                _cell(activity.branch),
                _cell(activity.purpose),
                _cell(" ; ".join(activity.data_categories)),
                _cell(" ; ".join(activity.recipients)),
                activity.retention_months,
                _("oui") if activity.is_sve else _("non"),
            ]
        )
    return out.getvalue()
