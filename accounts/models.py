"""People and the institutions they belong to.

The email address is the login identifier: unique regardless of case, stored
lower-cased. Roles are derived, not stored twice: a user is an agent because
they belong to a service (``catalogue.ServiceMembership``), a correspondent
because of an institution ``Membership``, an administrator because
``is_staff`` is set.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts import roles


class RequesterProfile(models.TextChoices):
    """The requester kinds of the Télé-demande seed; the catalogue filters on them."""

    STUDENT = "student", _("Étudiant ou futur étudiant")
    ASSOCIATION = "association", _("Association étudiante")
    CANDIDATE = "candidate", _("Candidat à un recrutement")
    TRAINEE = "trainee", _("Stagiaire de la formation continue")
    STAFF = "staff", _("Personnel")
    EXTERNAL = "external", _("Personne extérieure")


class ProfileKey(models.TextChoices):
    """Profile data a request form field can be pre-filled from (``catalogue.FormField.profile_key``).

    The value is the name of the ``User`` attribute that holds it.
    """

    LAST_NAME = "last_name", _("Nom")
    FIRST_NAME = "first_name", _("Prénom")
    PHONE = "phone", _("Téléphone")
    POSTAL_ADDRESS = "postal_address", _("Adresse postale")
    STUDENT_NUMBER = "student_number", _("Numéro d'étudiant")


# The placeholder's address: ``.invalid`` can never receive mail (RFC 2606).
ANONYMOUS_EMAIL = "anonyme@guichet.invalid"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def anonymous_placeholder(self) -> User:
        """The inactive account that anonymised tickets and messages point to instead of their
        requester (the history keeps "the requester did this" without saying who)."""
        user, _created = self.get_or_create(
            email=ANONYMOUS_EMAIL, defaults={"last_name": "Anonyme", "is_active": False, "password": "!"}
        )
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    profile = models.CharField(_("profil"), max_length=20, choices=RequesterProfile.choices, blank=True)
    language = models.CharField(_("langue"), max_length=8, blank=True)
    # From the SSO (supannEtuId) or typed once; request forms pre-fill it.
    student_number = models.CharField(_("numéro d'étudiant"), max_length=30, blank=True)
    # Typed once on the profile page; request forms pre-fill them (``ProfileKey``).
    phone = models.CharField(_("téléphone"), max_length=25, blank=True)
    postal_address = models.TextField(_("adresse postale"), max_length=500, blank=True)
    # An account created for someone who only ever wrote an email; it can be
    # claimed later by verifying the address.
    is_email_only = models.BooleanField(_("compte courriel seul"), default=False)
    intro_dismissed = models.BooleanField(_("page d'accueil masquée"), default=False)
    # Codes of the non-essential notifications the user turned off.
    notification_opt_outs = models.JSONField(_("notifications désactivées"), default=list, blank=True)
    # Staff workspace: single-key shortcuts can be turned off (WCAG 2.1.4), and the
    # queue remembers its last filters and whether the filter panel was open
    # ({"query": "vue=…&service=…", "panel_open": bool}); read with the user row, no extra query.
    keyboard_shortcuts = models.BooleanField(_("raccourcis clavier"), default=True)
    queue_state = models.JSONField(_("état de la file d'attente"), default=dict, blank=True)
    is_staff = models.BooleanField(_("administrateur"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    # --- Roles ---------------------------------------------------------------
    # Cached per request-bound instance: templates ask several times per page.

    @cached_property
    def _work_ids(self) -> dict[str, frozenset[int]]:
        """The services worked in and the institutions followed as a correspondent, in ONE query: every
        staff page asks for both (``Ticket.objects.visible_to``), a round trip each before (issue 22)."""
        ids: dict[str, set[int]] = {"service": set(), "correspondent": set()}
        if self.pk is None:
            return {kind: frozenset() for kind in ids}
        # Fixed SQL (the tables' names read from the models): the same UNION as two querysets cost
        # ~0.4 ms of CPU to build and compile on every staff page (issue 22).
        sql = (
            f"SELECT 1, service_id FROM {self.service_memberships.model._meta.db_table} WHERE user_id = %s "  # noqa: S608
            f"UNION ALL SELECT 2, institution_id FROM {Membership._meta.db_table} WHERE user_id = %s AND role <> %s"
        )
        with connections[router.db_for_read(type(self), instance=self)].cursor() as cursor:
            cursor.execute(sql, [self.pk, self.pk, MembershipRole.MEMBER.value])
            for kind, pk in cursor.fetchall():
                ids["service" if kind == 1 else "correspondent"].add(pk)
        return {kind: frozenset(pks) for kind, pks in ids.items()}

    @cached_property
    def service_ids(self) -> frozenset[int]:
        """Ids of the services (teams) this user works in, as agent or manager."""
        return self._work_ids["service"]

    @cached_property
    def managed_service_ids(self) -> frozenset[int]:
        return frozenset(self.service_memberships.filter(role="manager").values_list("service_id", flat=True))

    @property
    def is_agent(self) -> bool:
        return roles.is_agent(self)

    @property
    def is_service_manager(self) -> bool:
        return roles.is_manager(self)

    @cached_property
    def correspondent_institution_ids(self) -> frozenset[int]:
        """Institutions whose tickets this user may follow as a correspondent."""
        return self._work_ids["correspondent"]

    @property
    def is_correspondent(self) -> bool:
        return bool(self.correspondent_institution_ids)

    @cached_property
    def is_agency_member(self) -> bool:
        return self.memberships.filter(institution__is_agency=True).exists()

    @cached_property
    def provider_ids(self) -> frozenset[int]:
        """External providers (prestataires) this user works for: they see the DAs handed to them."""
        return frozenset(self.provider_organisations.values_list("pk", flat=True))

    @property
    def is_helpdesk_staff(self) -> bool:
        """Agents, service managers and administrators: the people MFA may be required of."""
        return roles.is_helpdesk_staff(self)

    @cached_property
    def has_verified_email(self) -> bool:
        """True once allauth holds a verified address for this user (required to file)."""
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self, verified=True).exists()

    @cached_property
    def primary_membership(self) -> Membership | None:
        return self.memberships.select_related("institution").order_by("pk").first()

    @property
    def institution(self) -> Institution | None:
        membership = self.primary_membership
        return membership.institution if membership else None


class SSOKind(models.TextChoices):
    NONE = "", _("Aucune")
    CAS = "cas", "CAS"
    SAML = "saml", "SAML 2"
    OIDC = "oidc", "OpenID Connect"


class Institution(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    # What people call it on the login button: "Connexion avec un compte AMU".
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    code = models.SlugField(_("code court"), max_length=50, unique=True)
    sso_kind = models.CharField(_("type de SSO"), max_length=10, choices=SSOKind.choices, blank=True)
    # Free-form per-protocol settings (server URL, client id, attribute map…);
    # the identity code documents the keys it reads.
    sso_settings = models.JSONField(_("paramètres SSO"), default=dict, blank=True)
    # Public-holiday variant for the working-day calendar, e.g. "" for
    # metropolitan France or the ``holidays`` package's subdivision code.
    holiday_region = models.CharField(_("calendrier des jours fériés"), max_length=20, blank=True)
    is_agency = models.BooleanField(_("agence"), default=False)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_label(self) -> str:
        return self.acronym or self.name

    @property
    def has_sso(self) -> bool:
        return bool(self.sso_kind)


class SSOIdentity(models.Model):
    """A CAS account of an institution, linked to one of our users.

    OpenID Connect and SAML logins are linked by allauth's own
    ``SocialAccount``; CAS is not an allauth provider, so its links live here.
    The subject is the CAS user name, unique within the institution.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sso_identities", verbose_name=_("utilisateur")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="sso_identities", verbose_name=_("établissement")
    )
    subject = models.CharField(_("identifiant"), max_length=255)
    attributes = models.JSONField(_("derniers attributs reçus"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    class Meta:
        verbose_name = _("identité CAS")
        verbose_name_plural = _("identités CAS")
        constraints = [
            models.UniqueConstraint(fields=["institution", "subject"], name="accounts_ssoidentity_unique_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject}@{self.institution.code}"


class InstitutionDomain(models.Model):
    """An email domain that belongs to an institution (e.g. ``univ-amu.fr``)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="domains", verbose_name=_("établissement")
    )
    domain = models.CharField(_("domaine"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("domaine de messagerie")
        verbose_name_plural = _("domaines de messagerie")

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: object, **kwargs: object) -> None:
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Membre")
    FUNCTIONAL = "functional", _("Correspondant fonctionnel")
    TECHNICAL = "technical", _("Correspondant technique")


# Seed 002: the agency knows two functional and two technical correspondents per institution and domain.
CORRESPONDENTS_PER_ROLE_AND_DOMAIN = 2


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("personne"))
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("établissement")
    )
    role = models.CharField(_("rôle"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    # The domain a correspondent answers for (finances, scolarité, RH…); empty: the whole institution.
    domain = models.CharField(_("domaine"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [models.UniqueConstraint(fields=["user", "institution"], name="accounts_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.institution} ({self.get_role_display()})"

    def clean(self) -> None:
        check_correspondent_room(self.institution_id, self.role, self.domain, exclude_pk=self.pk)


def check_correspondent_room(institution_id: int, role: str, domain: str, *, exclude_pk: int | None = None) -> None:
    """Refuse a third correspondent of the same role for an institution and domain (seed 002)."""
    if role == MembershipRole.MEMBER:
        return
    taken = Membership.objects.filter(institution_id=institution_id, role=role, domain=domain).exclude(pk=exclude_pk)
    if taken.count() >= CORRESPONDENTS_PER_ROLE_AND_DOMAIN:
        raise ValidationError(
            _(
                "L'établissement a déjà %(n)s correspondants %(role)s pour le domaine « %(domain)s » : l'agence en "
                "connaît deux au plus par rôle et par domaine. Demandez d'abord la suppression d'un correspondant "
                "sortant, puis l'ajout du nouveau."
            )
            % {
                "n": CORRESPONDENTS_PER_ROLE_AND_DOMAIN,
                "role": MembershipRole(role).label.lower().removeprefix("correspondant "),
                "domain": domain or _("tous domaines"),
            }
        )


class ClosurePeriod(models.Model):
    """Days on which requester timers do not run (summer, Christmas…).

    ``institution`` empty means the period applies to everyone (the agency's
    own closure, for instance).
    """

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closure_periods",
        verbose_name=_("établissement"),
    )
    label = models.CharField(_("libellé"), max_length=200)
    start = models.DateField(_("premier jour"))
    end = models.DateField(_("dernier jour"))

    class Meta:
        verbose_name = _("période de fermeture")
        verbose_name_plural = _("périodes de fermeture")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="accounts_closure_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.start} → {self.end})"


class BouncingAddress(models.Model):
    """An address our mail could not be delivered to (a permanent failure).

    Written by inbound email when a delivery report comes back for a message
    of our outbox (``inbound.bounces``); shown in the admin so that
    someone can fix the address, then delete the row.
    """

    email = models.EmailField(_("adresse"), unique=True)
    first_bounced_at = models.DateTimeField(_("premier rejet"), default=timezone.now)
    last_bounced_at = models.DateTimeField(_("dernier rejet"), default=timezone.now)
    bounce_count = models.PositiveIntegerField(_("nombre de rejets"), default=1)
    last_status = models.CharField(_("dernier code"), max_length=20, blank=True)
    last_diagnostic = models.TextField(_("dernier diagnostic"), blank=True)
    # The Message-ID of our mail that bounced (an ``OutboundEmail``), for the record.
    last_message_id = models.CharField(_("courriel rejeté"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("adresse en échec")
        verbose_name_plural = _("adresses en échec")
        ordering = ["-last_bounced_at"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class ProviderOrganisation(models.Model):
    """An external provider (prestataire) to which the agency hands some DAs (état EXT).

    Its members see only the tickets handed to it, never the agency's internal notes; their
    answers wait for the agency's validation (état AVA) before the institution sees anything.
    """

    name = models.CharField(_("nom"), max_length=200, unique=True)
    members = models.ManyToManyField(User, related_name="provider_organisations", blank=True, verbose_name=_("membres"))

    class Meta:
        verbose_name = _("prestataire")
        verbose_name_plural = _("prestataires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
