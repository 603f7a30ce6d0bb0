"""Knowledge-base articles, FAQ entries, votes and deflection statistics.

Search columns: on PostgreSQL ``search_vector`` is filled by a database
trigger (migration 0002) and indexed with GIN; ``search_text`` is the folded,
lightly stemmed text the SQLite fallback searches with ``LIKE``. Both stay in
step with the row whatever writes it (admin, capitalisation, bulk load: the
trigger; ``save()``: ``search_text``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from knowledge import text


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    ARCHIVED = "archived", _("Archivé")


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=ArticleStatus.PUBLISHED)

    def visible_to(self, user) -> ArticleQuerySet:
        """The one rule for who reads what: everyone reads published articles;
        unreviewed drafts and archives (which name their source ticket) are for
        administrators and the service handling the article's category (its
        agents and managers), not for every agent of every service."""
        if not roles.is_helpdesk_staff(user):
            return self.published()
        if roles.is_admin(user):
            return self.all()
        return self.filter(Q(status=ArticleStatus.PUBLISHED) | Q(category__service_id__in=user.service_ids))

    def editable_by(self, user) -> ArticleQuerySet:
        """Editors: administrators, and managers of the service handling the article's category."""
        if roles.is_admin(user):
            return self.all()
        if not roles.can_edit_articles(user):
            return self.none()
        return self.filter(category__service_id__in=user.managed_service_ids)


class Article(models.Model):
    title = models.CharField(_("titre"), max_length=255)
    problem = models.TextField(_("problème"))
    solution = models.TextField(_("solution"))
    category = models.ForeignKey(
        "catalogue.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("catégorie"),
    )
    domain = models.CharField(_("domaine"), max_length=100, blank=True)
    software = models.ForeignKey(
        "catalogue.Software",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("logiciel"),
    )
    version = models.CharField(_("version"), max_length=50, blank=True)
    codes = models.TextField(
        _("codes d'erreur ou de message"), blank=True, help_text=_("Un code par ligne, par exemple ORA-01555.")
    )
    language = models.CharField(_("langue"), max_length=8, default="fr")
    status = models.CharField(_("statut"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    # The reference (#number) of the ticket the article was drawn from; staff only.
    source_ticket_reference = models.PositiveIntegerField(_("demande d'origine"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_articles",
        verbose_name=_("auteur"),
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_articles",
        verbose_name=_("dernier éditeur"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("consultations"), default=0)
    helpful_count = models.PositiveIntegerField(_("« cela m'a aidé »"), default=0)
    # What scrubbing removed: [{"field": "problem", "kind": "email", "value": "…"}]; editors only.
    scrub_report = models.JSONField(_("données retirées"), default=list, blank=True)

    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="knowledge_article_status_pub"),
            models.Index(fields=["domain"], name="knowledge_article_domain"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        for field in ("title", "problem", "solution", "codes"):
            setattr(self, field, text.strip_markers(getattr(self, field)))
        self.codes = "\n".join(self.code_list)
        self.search_text = text.search_text(self.title, self.codes, self.problem, self.solution)
        if self.status == ArticleStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "codes", "published_at", "updated_at"}
        super().save(*args, **kwargs)
        self.sync_codes()
        if self.status == ArticleStatus.PUBLISHED:
            from knowledge.search import index_article_words

            index_article_words(self)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def code_list(self) -> list[str]:
        return text.split_codes(self.codes)

    def sync_codes(self) -> None:
        """Mirror ``codes`` into indexed ``ArticleCode`` rows (exact code search)."""
        wanted = set(self.code_list)
        existing = set(self.code_rows.values_list("code", flat=True))
        if existing - wanted:
            self.code_rows.filter(code__in=existing - wanted).delete()
        ArticleCode.objects.bulk_create([ArticleCode(article=self, code=c) for c in wanted - existing])


class ArticleCode(models.Model):
    """One error or message code of an article, normalised, for exact lookups."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="code_rows")
    code = models.CharField(max_length=100, db_index=True)

    class Meta:
        verbose_name = _("code d'article")
        verbose_name_plural = _("codes d'article")
        constraints = [models.UniqueConstraint(fields=["article", "code"], name="knowledge_articlecode_unique")]

    def __str__(self) -> str:
        return self.code


class SearchWord(models.Model):
    """The word list for typo tolerance: folded words of published articles.

    Trigram similarity runs on this small table (GIN ``gin_trgm_ops`` index on
    PostgreSQL), never on whole documents.
    """

    word = models.CharField(max_length=100, unique=True)
    ndoc = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mot indexé")
        verbose_name_plural = _("mots indexés")

    def __str__(self) -> str:
        return self.word


class SearchLexeme(models.Model):
    """A common lexeme of the published articles and its bit in ``knowledge_article.search_mask``
    (PostgreSQL; see ``knowledge.lexemes``). Bits are only ever added, never moved or freed."""

    lexeme = models.CharField(max_length=255, unique=True)
    bit = models.PositiveSmallIntegerField(unique=True)
    # Share of the published articles holding the lexeme, at the last nightly rebuild.
    share = models.FloatField()

    class Meta:
        verbose_name = _("lexème courant")
        verbose_name_plural = _("lexèmes courants")
        constraints = [models.CheckConstraint(condition=Q(bit__lte=62), name="knowledge_searchlexeme_bit_range")]

    def __str__(self) -> str:
        return f"{self.lexeme} ({self.bit})"


class ArticleVote(models.Model):
    """A "Cela m'a aidé" vote: one per user, or per session for anonymous visitors."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    session_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="knowledge_vote_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(user__isnull=True),
                name="knowledge_vote_one_per_session",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""), name="knowledge_vote_has_voter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ← {self.user_id or self.session_key}"


class FaqEntry(models.Model):
    """A curated question and answer ("Questions fréquentes"), per category."""

    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("réponse"))
    category = models.ForeignKey(
        "catalogue.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faq_entries",
        verbose_name=_("catégorie"),
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_published = models.BooleanField(_("publiée"), default=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("question fréquente")
        verbose_name_plural = _("questions fréquentes")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        self.search_text = text.search_text(self.question, self.answer)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Deflection(models.Model):
    """ "Cela a résolu mon problème" before filing: a request that was not filed."""

    category = models.ForeignKey(
        "catalogue.Category", on_delete=models.CASCADE, related_name="deflections", verbose_name=_("catégorie")
    )
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="deflections")
    faq_entry = models.ForeignKey(
        FaqEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deflections",
        verbose_name=_("question fréquente"),
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("date"))

    class Meta:
        verbose_name = _("demande évitée")
        verbose_name_plural = _("demandes évitées")

    def __str__(self) -> str:
        return f"{self.category} @ {self.created_at:%Y-%m-%d}"


class ArticleViewDay(models.Model):
    """How many times an article was read on a day (Paris date): the statistics' most-read articles."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="knowledge_view_day_unique")]
        indexes = [models.Index(fields=["day"], name="knowledge_view_day_day")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.day}: {self.count}"


class SearchMiss(models.Model):
    """A search of the knowledge base that found nothing, counted per day and per
    normalised query (lower case, spaces collapsed, 100 characters): what
    articles are missing. No user, no session: the words typed only."""

    query = models.CharField(max_length=100)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="knowledge_search_miss_unique")]
        indexes = [models.Index(fields=["day"], name="knowledge_search_miss_day")]

    def __str__(self) -> str:
        return f"{self.query} @ {self.day}: {self.count}"
