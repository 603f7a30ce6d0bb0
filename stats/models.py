"""Target delays per catalogue category, for the share of tickets handled within them.

Kept in this app (one row per category that has targets) rather than as
columns of ``catalogue.Category``: statistics read them, nothing else does.
A category without a row inherits its nearest ancestor's targets.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category

DAYS = [MinValueValidator(1), MaxValueValidator(365)]


class CategoryTarget(models.Model):
    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="stats_target", verbose_name=_("catégorie")
    )
    response_days = models.PositiveSmallIntegerField(
        _("première réponse en (jours ouvrés)"), null=True, blank=True, validators=DAYS
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("résolution en (jours ouvrés)"), null=True, blank=True, validators=DAYS
    )

    class Meta:
        verbose_name = _("délai cible")
        verbose_name_plural = _("délais cibles")
        ordering = ["category__name"]

    def __str__(self) -> str:
        return str(self.category)


def targets_by_category() -> dict[int, tuple[int | None, int | None]]:
    """``{category id: (response days, resolution days)}`` for every category,
    inherited from the nearest ancestor with a target; two queries."""
    own = {
        t.category_id: (t.response_days, t.resolution_days)
        for t in CategoryTarget.objects.only("category_id", "response_days", "resolution_days")
    }
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    resolved: dict[int, tuple[int | None, int | None]] = {}
    for pk in parents:
        node, seen = pk, set()
        while node is not None and node not in own and node not in seen:  # the tree is acyclic; guard anyway
            seen.add(node)
            node = parents.get(node)
        resolved[pk] = own.get(node, (None, None)) if node is not None else (None, None)
    return resolved
