"""The service catalogue: teams, the category tree and per-category forms.

The tree uses django-tree-queries (an adjacency list walked by a recursive
CTE): a subtree, the ancestors of a node or the whole tree each cost one
query on SQLite and PostgreSQL alike, moving a subtree is one UPDATE of
``parent``, and ``TreeNode.clean`` refuses cycles.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from accounts.models import Institution, RequesterProfile


class Service(models.Model):
    """A team that handles the tickets of the categories it owns."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    email = models.EmailField(_("adresse de contact"), blank=True)
    postal_address = models.TextField(_("adresse postale"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ServiceMembership",
        related_name="services",
        blank=True,
        verbose_name=_("membres"),
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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="service_memberships",
        verbose_name=_("personne"),
    )
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


class Lifecycle(models.TextChoices):
    """Which statuses a branch's tickets go through (``tickets.status.STATUSES_BY_LIFECYCLE``)."""

    CORE = "core", _("Cycle de base (9 statuts)")
    AGENCY = "agency", _("Cycle complet de l'agence (états, développement et recette, EXC, REM)")


class KnowledgePolicy(models.TextChoices):
    PUBLISH = "publish", _("Publier automatiquement")
    REVIEW = "review", _("Après relecture")
    NEVER = "never", _("Jamais")


# The seed's definition of a blocking problem (Amue correspondents' guide),
# shown to the requester wherever the blocking / non-blocking scheme is offered.
BLOCKING_DEFINITION = _(
    "Est bloquant un événement qui affecte la disponibilité, l'intégrité ou la confidentialité du produit "
    "et des données qu'il contient. C'est un événement qui, notamment : endommage les bases de données du "
    "système ; rend inopérante l'utilisation de tout ou partie du système ; produit un résultat erroné ou un "
    "fonctionnement non conforme à la documentation fournie ; entraîne l'utilisation de données obsolètes. "
    "Un problème est habituellement considéré comme bloquant lorsque l'utilisateur ne peut dérouler "
    "intégralement un processus métier couvert par le périmètre du produit. Une demande de validation ou "
    "d'information ne peut donc pas être considérée comme bloquante. La qualification relève in fine du "
    "service, qui peut la modifier : vous en serez alors informé."
)

# Slugs that would shadow a catalogue URL (``/catalogue/recherche/``).
RESERVED_SLUGS = frozenset({"recherche"})


def validate_category_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("Cet identifiant est réservé, choisissez-en un autre."))


class CategoryQuerySet(TreeQuerySet):
    def leaves(self) -> CategoryQuerySet:
        return self.filter(kind=CategoryKind.LEAF)

    def active(self) -> CategoryQuerySet:
        """Active nodes; note that an active node under an inactive one is still hidden."""
        return self.filter(is_active=True)

    def open_to_correspondents_ids(self) -> frozenset[int]:
        """Ids of the nodes where correspondents act for their institution: the nodes
        marked ``open_to_correspondents`` and every node below them (one query)."""
        rows = {pk: (parent_id, is_open) for pk, parent_id, is_open in
                self.model.objects.values_list("pk", "parent_id", "open_to_correspondents")}  # fmt: skip
        found: dict[int, bool] = {}

        def is_open(pk: int) -> bool:  # the tree is shallow and acyclic (``TreeNode.clean``)
            if pk not in found:
                parent_id, own = rows[pk]
                found[pk] = own or (parent_id in rows and is_open(parent_id))
            return found[pk]

        return frozenset(pk for pk in rows if is_open(pk))

    def retention_months_by_id(self) -> dict[int, int]:
        """Months after closure each node's tickets keep their personal data (one query):
        the nearest ``retention_months`` up the tree, or ``sve_retention_months`` for an
        SVE node, else the site default (``GUICHET_RETENTION_MONTHS`` /
        ``GUICHET_SVE_RETENTION_MONTHS``)."""
        rows = {pk: rest for pk, *rest in self.model.objects.values_list(
            "pk", "parent_id", "is_sve", "retention_months", "sve_retention_months")}  # fmt: skip

        def nearest(pk: int | None, index: int) -> int | None:  # shallow and acyclic (``TreeNode.clean``)
            while pk in rows:
                if (value := rows[pk][index]) is not None:
                    return value
                pk = rows[pk][0]
            return None

        found = {}
        for pk, (_parent, is_sve, _months, _sve_months) in rows.items():
            if is_sve:
                months = nearest(pk, 3)
                found[pk] = settings.GUICHET_SVE_RETENTION_MONTHS if months is None else months
            else:
                months = nearest(pk, 2)
                found[pk] = settings.GUICHET_RETENTION_MONTHS if months is None else months
        return found


class Category(TreeNode):
    """A node of the catalogue: a group (box) or a leaf that receives tickets."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True, validators=[validate_category_slug])
    description = models.TextField(_("description"), blank=True)
    icon = models.CharField(
        _("icône"), max_length=50, blank=True, help_text=_("Un symbole ou émoji affiché sur la boîte (décoratif).")
    )
    position = models.PositiveIntegerField(
        _("ordre"), default=0, help_text=_("Les catégories sœurs sont affichées par ordre croissant, puis par nom.")
    )
    kind = models.CharField(_("type"), max_length=10, choices=CategoryKind.choices, default=CategoryKind.GROUP)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Une catégorie inactive est masquée, avec tout son contenu.")
    )
    # Audience: empty means everyone; a node hidden from a user hides its subtree.
    # Both lists must match when both are set (profile AND institution).
    audience_profiles = models.JSONField(
        _("profils autorisés"),
        default=list,
        blank=True,
        help_text=_("Aucun profil coché : visible par tous les profils, y compris les visiteurs anonymes."),
    )
    audience_institutions = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="+",
        verbose_name=_("établissements autorisés"),
        help_text=_("Aucun établissement : visible quel que soit l'établissement."),
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
    reminder_delay = models.PositiveSmallIntegerField(
        _("délai de relance"),
        null=True,
        blank=True,
        help_text=_(
            "Jours d'attente d'une réponse du demandeur avant la relance. Vide : délai par défaut (5) ; "
            "0 : pas de relance, la clôture court dès la question ou la réponse proposée."
        ),
    )
    closure_delay = models.PositiveSmallIntegerField(
        _("délai de clôture après relance"),
        null=True,
        blank=True,
        help_text=_("Jours après la relance avant la clôture automatique. Vide : délai par défaut (5)."),
    )
    timer_unit = models.CharField(
        _("unité des délais"), max_length=10, choices=TimerUnit.choices, default=TimerUnit.WORKING_DAYS
    )
    knowledge_policy = models.CharField(
        _("base de connaissances"), max_length=10, choices=KnowledgePolicy.choices, default=KnowledgePolicy.REVIEW
    )
    # A branch setting, inherited by every node below (DESIGN.md, "Correspondent"):
    # on the agency's DA branches a correspondent sees and acts on every ticket of
    # their institution; elsewhere they are an ordinary requester.
    open_to_correspondents = models.BooleanField(
        _("ouverte aux correspondants"),
        default=False,
        help_text=_(
            "Les correspondants d'un établissement voient et suivent toutes les demandes de leur établissement "
            "dans cette branche et ses sous-catégories (demandes d'assistance de l'agence). Ailleurs, ils ne voient "
            "que leurs propres demandes."
        ),
    )
    # A branch setting too: empty inherits the nearest value up the tree, else the core.
    lifecycle = models.CharField(
        _("cycle de vie des demandes"),
        max_length=10,
        choices=Lifecycle.choices,
        blank=True,
        help_text=_(
            "Les statuts que suivent les demandes de cette branche. Vide : celui de la branche parente, sinon "
            "le cycle de base."
        ),
    )

    # Preset reasons an agent picks when rejecting (seed 002), inherited like ``lifecycle``.
    rejection_reasons = models.JSONField(
        _("motifs de rejet prédéfinis"),
        default=list,
        blank=True,
        help_text=_("Une liste de phrases. Vide : ceux de la branche parente. L'agent peut toujours compléter."),
    )

    # Branch settings of personal data retention, inherited like ``open_to_correspondents``:
    # the nearest value up the tree wins, else the site default (``retention_months_by_id``).
    retention_months = models.PositiveSmallIntegerField(
        _("conservation des données personnelles (mois)"),
        null=True,
        blank=True,
        help_text=_(
            "Mois après la clôture pendant lesquels une demande de cette branche garde les données personnelles "
            "du demandeur (identité, formulaire, messages, pièces jointes) ; elles sont ensuite anonymisées. "
            "Vide : valeur de la branche parente, sinon réglage du site (24 mois sauf configuration)."
        ),
    )
    sve_retention_months = models.PositiveSmallIntegerField(
        _("conservation légale des saisines SVE (mois)"),
        null=True,
        blank=True,
        help_text=_(
            "Durée légale ou d'archivage, en mois après la clôture, des demandes des catégories SVE de cette "
            "branche, souvent plus longue. Vide : valeur de la branche parente, sinon réglage du site "
            "(60 mois sauf configuration)."
        ),
    )

    # A branch setting: switched off here, no ticket of this node or below invites a satisfaction rating.
    satisfaction_survey = models.BooleanField(
        _("enquête de satisfaction"),
        default=True,
        help_text=_(
            "Invite le demandeur à noter de 1 à 5 la demande close. Décochée, l'enquête est désactivée pour "
            "cette branche et toutes ses sous-catégories (par exemple les saisines SVE)."
        ),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:category", kwargs={"slug": self.slug})

    @property
    def is_leaf(self) -> bool:
        return self.kind == CategoryKind.LEAF

    @property
    def accepts_tickets(self) -> bool:
        return self.is_leaf and self.is_active and self.service_id is not None

    @property
    def is_open_to_correspondents(self) -> bool:
        """Whether this node or one above it is open to correspondents (cached on the instance)."""
        cached = getattr(self, "_open_to_correspondents", None)
        if cached is None:
            cached = self.open_to_correspondents or (
                self.parent_id is not None
                and Category.objects.ancestors(self).filter(open_to_correspondents=True).exists()
            )
            self._open_to_correspondents = cached
        return cached

    @property
    def lifecycle_in_force(self) -> str:
        """This node's lifecycle, else the nearest one up the tree, else the core (cached)."""
        cached = getattr(self, "_lifecycle_in_force", None)
        if cached is None:
            cached = self.lifecycle
            if not cached and self.parent_id is not None:
                found = [a.lifecycle for a in Category.objects.ancestors(self) if a.lifecycle]
                cached = found[-1] if found else ""
            cached = cached or Lifecycle.CORE
            self._lifecycle_in_force = cached
        return cached

    @property
    def rejection_reasons_in_force(self) -> list[str]:
        """This node's preset rejection reasons, else the nearest ones up the tree."""
        if self.rejection_reasons or self.parent_id is None:
            return list(self.rejection_reasons or [])
        found = [a.rejection_reasons for a in Category.objects.ancestors(self) if a.rejection_reasons]
        return list(found[-1]) if found else []

    @property
    def retention_period_months(self) -> int:
        """Months after closure this node's tickets keep personal data (see ``retention_months_by_id``)."""
        return Category.objects.retention_months_by_id()[self.pk]

    @property
    def domain_list(self) -> list[str]:
        return [str(domain).strip() for domain in self.domains or [] if str(domain).strip()]

    def audience_allows(self, *, profile: str, institution_ids: frozenset[int] | set[int]) -> bool:
        """Whether this node's own audience admits the person (ancestors not considered).

        Reads the audience institutions through ``audience_institution_ids``,
        which the selectors fill from one query for the whole tree.
        """
        if self.audience_profiles and profile not in self.audience_profiles:
            return False
        allowed = self.audience_institution_ids
        return not allowed or bool(allowed & set(institution_ids))

    @property
    def audience_institution_ids(self) -> frozenset[int]:
        cached = getattr(self, "_audience_institution_ids", None)
        if cached is None:
            cached = frozenset(self.audience_institutions.values_list("pk", flat=True)) if self.pk else frozenset()
            self._audience_institution_ids = cached
        return cached

    @property
    def has_audience(self) -> bool:
        return bool(self.audience_profiles) or bool(self.audience_institution_ids)

    def clean(self) -> None:
        try:
            super().clean()  # refuses cycles (tree_queries)
        except ValidationError as exc:
            # tree_queries words it in English only.
            message = (
                _("Une catégorie ne peut pas être son propre parent.")
                if self.parent_id == self.pk
                else _("Une catégorie ne peut pas être déplacée sous l'une de ses propres sous-catégories.")
            )
            raise ValidationError({"parent": [message]}) from exc
        errors: dict[str, list] = {}

        def refuse(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        unknown = [p for p in self.audience_profiles or [] if p not in RequesterProfile.values]
        if unknown:
            refuse(
                "audience_profiles", _("Profils inconnus : %(profiles)s.") % {"profiles": ", ".join(map(str, unknown))}
            )
        if self.parent_id and self.parent_id == self.pk:
            refuse("parent", _("Une catégorie ne peut pas être son propre parent."))
        elif self.parent_id:
            parent_kind = Category.objects.filter(pk=self.parent_id).values_list("kind", flat=True).first()
            if parent_kind == CategoryKind.LEAF:
                refuse(
                    "parent", _("Une offre de service ne peut pas contenir d'autres catégories : choisissez un groupe.")
                )

        if self.is_leaf:
            if self.pk and Category.objects.filter(parent_id=self.pk).exists():
                refuse("kind", _("Cette catégorie contient des sous-catégories : elle doit rester un groupe."))
            if self.is_active and self.service_id is None:
                refuse(
                    "service",
                    _(
                        "Une offre de service active doit avoir un service en charge pour recevoir des demandes "
                        "(ou décochez « active » le temps de la préparer)."
                    ),
                )
        else:
            leaf_only = {
                "service": self.service_id is not None,
                "priority_scheme": self.priority_scheme != PriorityScheme.NONE,
                "domains": bool(self.domain_list),
                "software": self.software_id is not None,
                "asks_internal_number": self.asks_internal_number,
                "is_sve": self.is_sve,
                "reminder_delay": self.reminder_delay is not None,
                "closure_delay": self.closure_delay is not None,
            }
            for field, is_set in leaf_only.items():
                if is_set:
                    refuse(field, _("Réservé aux offres de service : un groupe ne reçoit pas de demandes."))

        if self.is_sve:
            if not self.sve_processing_delay.strip():
                refuse(
                    "sve_processing_delay",
                    _("Une saisine par voie électronique doit indiquer son délai de traitement."),
                )
            if not self.sve_implicit_decision.strip():
                refuse(
                    "sve_implicit_decision",
                    _("Une saisine par voie électronique doit indiquer la décision implicite en cas de silence."),
                )
        if errors:
            raise ValidationError(errors)


class ReplyMode(models.TextChoices):
    """How ticket mails show the inbound address so that "Répondre" continues the ticket."""

    REPLY_TO = "reply_to", _("En « Répondre à » (l'expéditeur reste l'adresse d'envoi de Guichet)")
    FROM = "from", _("Comme expéditeur (le serveur d'envoi doit être autorisé à écrire en son nom)")


class InboundAddress(models.Model):
    """An email address whose messages file tickets into a category.

    Mails about the category's tickets (and, failing an address of their
    own, about the other tickets of its service) carry it so that replies
    come back to it (``tickets.notifications.compose.reply_address``)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="inbound_addresses", verbose_name=_("catégorie")
    )
    email = models.EmailField(_("adresse"), unique=True)
    reply_mode = models.CharField(
        _("dans les courriels envoyés"), max_length=10, choices=ReplyMode.choices, default=ReplyMode.REPLY_TO
    )

    class Meta:
        verbose_name = _("adresse de réception")
        verbose_name_plural = _("adresses de réception")

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


from catalogue.form_fields import FieldKind, FormField  # noqa: E402,F401
from catalogue.records import (  # noqa: E402,F401
    ChangeKind,
    ChangeStatus,
    EnvironmentKind,
    InstalledSoftware,
    InstitutionRecord,
    RecordChange,
    TechnicalEnvironment,
)
