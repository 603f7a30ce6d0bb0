from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.admin import SuperuserOnlyMixin
from knowledge import services
from knowledge.models import Article, Deflection, FaqEntry


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "category", "domain", "software", "version", "published_at", "helpful_count"]
    list_filter = ["status", "domain", "software", "language"]
    search_fields = ["title", "codes"]
    raw_id_fields = ["category", "author", "editor"]
    # The status changes only through knowledge.services (the actions below, the review pages).
    readonly_fields = [
        "status", "published_at", "editor", "created_at", "updated_at", "view_count", "helpful_count", "scrub_report",
    ]  # fmt: skip
    actions = ["publish", "archive"]

    @admin.action(description=_("Publier les articles choisis"))
    def publish(self, request, queryset) -> None:
        self._door(request, queryset, services.article_publish)

    @admin.action(description=_("Archiver les articles choisis"))
    def archive(self, request, queryset) -> None:
        self._door(request, queryset, services.article_archive)

    def _door(self, request, queryset, door) -> None:
        done = 0
        for article in queryset:
            try:
                door(article=article, editor=request.user)
            except services.InvalidTransition:
                continue
            done += 1
        self.message_user(request, ngettext("%d article modifié.", "%d articles modifiés.", done) % done)


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "category", "position", "is_published"]
    list_filter = ["is_published"]
    list_editable = ["position", "is_published"]
    search_fields = ["question", "answer"]
    raw_id_fields = ["category"]


@admin.register(Deflection)
class DeflectionAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["category", "article", "faq_entry", "created_at"]
    date_hierarchy = "created_at"
    raw_id_fields = ["category", "article", "faq_entry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
