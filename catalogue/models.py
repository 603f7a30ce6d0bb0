"""The service catalogue: teams, the category tree and per-category forms.

The tree uses django-tree-queries (an adjacency list walked by a recursive
CTE): a subtree, the ancestors of a node or the whole tree each cost one
query on SQLite and PostgreSQL alike, moving a subtree is one UPDATE of
``parent``, and ``TreeNode.clean`` refuses cycles.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from tree_queries.models import TreeNode

from accounts.models import Institution


class Service(models.Model):
    """A team that handles the tickets of the categories it owns."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    email = models.EmailField(_("adresse de contact"), blank=True)
    postal_address = models.TextField(_("adresse postale"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ServiceMembership", related_name="services", blank=True
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceRole(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Responsable")


class ServiceMembership(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=ServiceRole.choices, default=ServiceRole.AGENT)

    class Meta:
        verbose_name = _("membre du service")
        verbose_name_plural = _("membres du service")
        constraints = [models.UniqueConstraint(fields=["service", "user"], name="catalogue_service_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.service} ({self.get_role_display()})"


class Software(models.Model):
    """A piece of software a category can be about (Apogée, SIFAC…)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("logiciel")
        verbose_name_plural = _("logiciels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstalledSoftware(models.Model):
    """The version of a software an institution runs (declared by its correspondents)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="installed_software")
    software = models.ForeignKey(Software, on_delete=models.CASCADE, related_name="installations")
    version = models.CharField(_("version"), max_length=50)
    server_details = models.TextField(_("serveur"), blank=True)

    class Meta:
        verbose_name = _("logiciel installé")
        verbose_name_plural = _("logiciels installés")
        constraints = [
            models.UniqueConstraint(fields=["institution", "software"], name="catalogue_installed_software_unique")
        ]

    def __str__(self) -> str:
        return f"{self.software} {self.version} ({self.institution})"


class CategoryKind(models.TextChoices):
    GROUP = "group", _("Groupe (boîte)")
    LEAF = "leaf", _("Offre de service")


class PriorityScheme(models.TextChoices):
    NONE = "none", _("Aucune")
    MATRIX_3 = "matrix3", _("Impact × urgence (3 niveaux)")
    MATRIX_5 = "matrix5", _("Impact × urgence (5 niveaux)")
    BLOCKING = "blocking", _("Bloquant / non bloquant")


class TimerUnit(models.TextChoices):
    WORKING_DAYS = "working", _("jours ouvrés")
    CALENDAR_DAYS = "calendar", _("jours calendaires")


class KnowledgePolicy(models.TextChoices):
    PUBLISH = "publish", _("Publier automatiquement")
    REVIEW = "review", _("Après relecture")
    NEVER = "never", _("Jamais")


class Category(TreeNode):
    """A node of the catalogue: a group (box) or a leaf that receives tickets."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    icon = models.CharField(_("icône"), max_length=50, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=10, choices=CategoryKind.choices, default=CategoryKind.GROUP)
    is_active = models.BooleanField(_("active"), default=True)
    # Audience: empty means everyone; a node hidden from a user hides its subtree.
    audience_profiles = models.JSONField(_("profils autorisés"), default=list, blank=True)
    audience_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="+", verbose_name=_("établissements autorisés")
    )

    # --- Leaf settings -------------------------------------------------------
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("service en charge"),
    )
    priority_scheme = models.CharField(
        _("priorité"), max_length=10, choices=PriorityScheme.choices, default=PriorityScheme.NONE
    )
    domains = models.JSONField(_("domaines / natures"), default=list, blank=True)
    software = models.ForeignKey(
        Software,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("logiciel concerné"),
    )
    asks_internal_number = models.BooleanField(_("demande le numéro interne de l'établissement"), default=False)
    is_sve = models.BooleanField(_("saisine par voie électronique (SVE)"), default=False)
    sve_processing_delay = models.CharField(_("délai de traitement"), max_length=200, blank=True)
    sve_implicit_decision = models.TextField(_("décision implicite"), blank=True)
    reminder_delay = models.PositiveSmallIntegerField(_("délai de relance"), null=True, blank=True)
    closure_delay = models.PositiveSmallIntegerField(_("délai de clôture après relance"), null=True, blank=True)
    timer_unit = models.CharField(
        _("unité des délais"), max_length=10, choices=TimerUnit.choices, default=TimerUnit.WORKING_DAYS
    )
    knowledge_policy = models.CharField(
        _("base de connaissances"), max_length=10, choices=KnowledgePolicy.choices, default=KnowledgePolicy.REVIEW
    )

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_leaf(self) -> bool:
        return self.kind == CategoryKind.LEAF

    @property
    def accepts_tickets(self) -> bool:
        return self.is_leaf and self.is_active and self.service_id is not None


class InboundAddress(models.Model):
    """An email address whose messages file tickets into a category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="inbound_addresses")
    email = models.EmailField(_("adresse"), unique=True)

    class Meta:
        verbose_name = _("adresse de réception")
        verbose_name_plural = _("adresses de réception")

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


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

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="form_fields")
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
