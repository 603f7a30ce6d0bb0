"""A category's form: the fields a requester fills when filing (DESIGN.md § Catalogue).

Imported at the end of ``catalogue.models`` so that Django registers the model with the
catalogue app.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ProfileKey
from catalogue.models import Category


class FieldKind(models.TextChoices):
    TEXT = "text", _("Texte court")
    TEXTAREA = "textarea", _("Texte long")
    INTEGER = "integer", _("Nombre entier")
    DECIMAL = "decimal", _("Nombre décimal")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choix unique")
    MULTICHOICE = "multichoice", _("Choix multiple")
    EMAIL = "email", _("Adresse électronique")
    PHONE = "phone", _("Téléphone")
    PATTERN = "pattern", _("Texte au format imposé")


class FormField(models.Model):
    """One extra field of a category's request form."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="form_fields", verbose_name=_("catégorie")
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    key = models.SlugField(_("clé"), max_length=50)
    label = models.CharField(_("libellé"), max_length=200)
    help_text = models.CharField(_("aide"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(_("obligatoire"), default=False)
    choices = models.TextField(_("choix (un par ligne)"), blank=True)
    pattern = models.CharField(_("expression régulière"), max_length=200, blank=True)
    pattern_message = models.CharField(_("message si le format est faux"), max_length=200, blank=True)
    # Values of fields marked personal are scrubbed before knowledge-base publication.
    is_personal = models.BooleanField(_("donnée personnelle"), default=False)
    # Pre-filled from the requester's profile, who can still change it for this request.
    profile_key = models.CharField(
        _("pré-rempli avec le profil"), max_length=20, choices=ProfileKey.choices, blank=True
    )

    class Meta:
        verbose_name = _("champ de formulaire")
        verbose_name_plural = _("champs de formulaire")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["category", "key"], name="catalogue_formfield_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    @property
    def is_choice(self) -> bool:
        return self.kind in {FieldKind.CHOICE, FieldKind.MULTICHOICE}

    def clean(self) -> None:
        """Refuse definitions the request form could not honour (shown in admin)."""
        super().clean()
        errors: dict[str, str] = {}
        if self.is_choice:
            choices = self.choice_list
            if not choices:
                errors["choices"] = _("Un champ à choix doit proposer au moins un choix (un par ligne).")
            elif len(set(choices)) != len(choices):
                errors["choices"] = _("Chaque choix ne doit figurer qu'une fois.")
        elif self.choice_list:
            errors["choices"] = _("Les choix ne servent qu'aux champs à choix unique ou multiple.")
        if self.kind == FieldKind.PATTERN:
            if not self.pattern:
                errors["pattern"] = _("Un texte au format imposé doit avoir une expression régulière.")
            else:
                try:
                    re.compile(self.pattern)
                except re.error as exc:
                    errors["pattern"] = _("Expression régulière invalide : %(error)s.") % {"error": exc}
        elif self.pattern:
            errors["pattern"] = _("L'expression régulière ne sert qu'aux champs « texte au format imposé ».")
        elif self.pattern_message:
            errors["pattern_message"] = _("Ce message ne sert qu'aux champs « texte au format imposé ».")
        if errors:
            raise ValidationError(errors)

    def accepts(self, value: str) -> bool:
        """Whether ``value`` has the imposed format (the whole value must match)."""
        return self.kind != FieldKind.PATTERN or re.fullmatch(self.pattern, value) is not None


# Institution records live in their own module; imported here so that Django registers them.
