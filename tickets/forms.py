"""Requester forms: filing a ticket and the actions of the ticket page.

Every field is validated here, server-side; the domain functions of
``tickets.workflow`` check the rules again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category, EnvironmentKind, InstalledSoftware, PriorityScheme
from tickets import attachments as att
from tickets.hooks import hooks
from tickets.models import PendingUpload
from tickets.priority import BLOCKING_DEFINITION, BLOCKING_LABELS, level_choices


class MultipleFileInput(forms.ClearableFileInput):
    """Django 5.2's documented pattern for several files in one field."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Cleans to a list of ``CheckedFile``: each file's size and content are checked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[att.CheckedFile]:
        single_file_clean = super().clean
        uploads = (
            [single_file_clean(d, initial) for d in data]
            if isinstance(data, list | tuple)
            else [single_file_clean(data, initial)]
        )
        checked, errors = [], []
        for upload in uploads:
            if not upload:
                continue
            try:
                checked.append(att.check_upload(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def attachment_help() -> str:
    return _("Jusqu'à %(count)d fichiers de %(size)d Mo chacun. Formats acceptés : %(formats)s.") % {
        "count": settings.GUICHET_ATTACHMENT_MAX_COUNT,
        "size": settings.GUICHET_ATTACHMENT_MAX_SIZE // (1024 * 1024),
        "formats": att.ACCEPTED_FORMATS,
    }


class AttachmentsMixin:
    """A form with an ``attachments`` field, checked against the ticket's limits."""

    existing_count = 0
    existing_total = 0

    def _check_attachment_limits(self, files: list[Any]) -> None:
        if not files:
            return
        try:
            att.check_limits(
                [f.size for f in files], existing_count=self.existing_count, existing_total=self.existing_total
            )
        except ValidationError as exc:
            self.add_error("attachments", exc)


class TicketForm(AttachmentsMixin, forms.Form):
    """The common part of a new ticket; the category's own fields are a second form."""

    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("Concis et explicite : il sert aussi à retrouver les réponses dans la base de connaissances."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Un seul problème par demande ; indiquez les messages d'erreur exacts et vos manipulations."),
    )
    attachments = MultipleFileField(label=_("Pièces jointes"))
    # Tokens of files checked at the preview step and kept in storage meanwhile.
    pending = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, category: Category, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        self.user = user
        self.fields["attachments"].help_text = attachment_help()
        # While the title is typed, knowledge-base articles and FAQ entries are suggested (htmx).
        self.fields["title"].widget.attrs.update(hooks.title_input_attrs(category))
        scheme = category.priority_scheme
        if scheme in (PriorityScheme.MATRIX_3, PriorityScheme.MATRIX_5):
            choices = [("", "—"), *level_choices(scheme)]
            self.fields["impact"] = forms.TypedChoiceField(
                label=_("Impact"),
                choices=choices,
                coerce=int,
                help_text=_("Combien de personnes ou d'activités sont touchées ?"),
            )
            self.fields["urgency"] = forms.TypedChoiceField(
                label=_("Urgence"), choices=choices, coerce=int, help_text=_("Dans quel délai faut-il une solution ?")
            )
        elif scheme == PriorityScheme.BLOCKING:
            self.fields["is_blocking"] = forms.TypedChoiceField(
                label=_("Priorité"),
                choices=[("0", BLOCKING_LABELS[False]), ("1", BLOCKING_LABELS[True])],
                coerce=lambda value: value == "1",
                widget=forms.RadioSelect,
                help_text=BLOCKING_DEFINITION,
            )
        if category.domains:
            self.fields["domain"] = forms.ChoiceField(
                label=_("Domaine / nature"),
                choices=[("", "—"), *((d, d) for d in category.domains)],
                help_text=_("Il oriente la demande vers le bon interlocuteur."),
            )
        if category.software_id:
            self.fields["installed_version"] = forms.CharField(
                label=_("Version de %(software)s installée") % {"software": category.software.name},
                max_length=50,
                help_text=_("La dernière version installée dans votre établissement."),
            )
            # The validated record only (proposals wait in ``RecordChange``), production first.
            installed = (
                InstalledSoftware.objects.filter(institution=user.institution, software_id=category.software_id)
                .filter(Q(environment__isnull=True) | Q(environment__kind=EnvironmentKind.PRODUCTION))
                .order_by(F("environment").asc(nulls_last=True))
                .first()
            )
            if installed is not None:
                self.fields["installed_version"].initial = installed.version
        if category.asks_internal_number:
            self.fields["internal_number"] = forms.CharField(
                label=_("Numéro interne"),
                max_length=50,
                required=False,
                help_text=_("Facultatif : votre propre numéro de suivi."),
            )
        self.order_fields(
            ["title", "impact", "urgency", "is_blocking", "domain", "installed_version", "internal_number"]
        )

    def clean_pending(self) -> list[PendingUpload]:
        tokens = [t for t in self.cleaned_data.get("pending", "").split(",") if t.strip()]
        if not tokens:
            return []
        fresh = timezone.now() - timedelta(hours=settings.GUICHET_PENDING_UPLOAD_HOURS)
        try:
            uploads = list(
                PendingUpload.objects.filter(token__in=tokens, user=self.user, created__gte=fresh).order_by("pk")
            )
        except ValidationError:  # not UUIDs
            uploads = []
        if len(uploads) != len(set(tokens)):
            raise ValidationError(
                _("Des fichiers joints à l'aperçu ont expiré ; joignez-les à nouveau."), code="pending"
            )
        return uploads

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_attachment_limits([*data.get("pending", []), *data.get("attachments", [])])
        return data


class ActionForm(forms.Form):
    """Base of the ticket page's action forms: carries the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TextActionForm(AttachmentsMixin, ActionForm):
    text = forms.CharField(label=_("Votre message"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("Pièces jointes"))

    def __init__(self, *args: Any, existing_count: int = 0, existing_total: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing_count, self.existing_total = existing_count, existing_total
        self.fields["attachments"].help_text = attachment_help()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_attachment_limits(data.get("attachments", []))
        return data


class AnswerForm(TextActionForm):
    text = forms.CharField(label=_("Votre réponse"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


class AddInformationForm(TextActionForm):
    text = forms.CharField(label=_("Information à ajouter"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


class RefuseForm(TextActionForm):
    text = forms.CharField(
        label=_("Pourquoi la réponse ne vous convient-elle pas ?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ApproveForm(ActionForm):
    text = forms.CharField(
        label=_("Commentaire (facultatif)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(ActionForm):
    text = forms.CharField(
        label=_("Pourquoi abandonnez-vous la demande ?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(AttachmentsMixin, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Pièces jointes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_attachment_limits(data.get("attachments", []))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Référence ou mots"), max_length=200, required=False)
