from django.contrib import admin

from knowledge.models import Article, Deflection, FaqEntry


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "category", "domain", "software", "version", "published_at", "helpful_count"]
    list_filter = ["status", "domain", "software", "language"]
    search_fields = ["title", "codes"]
    raw_id_fields = ["category", "author", "editor"]
    readonly_fields = ["created_at", "updated_at", "view_count", "helpful_count", "scrub_report"]


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "category", "position", "is_published"]
    list_filter = ["is_published"]
    list_editable = ["position", "is_published"]
    search_fields = ["question", "answer"]
    raw_id_fields = ["category"]


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ["category", "article", "faq_entry", "created_at"]
    date_hierarchy = "created_at"
    raw_id_fields = ["category", "article", "faq_entry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
