from django.contrib import admin

from stats.models import CategoryTarget


@admin.register(CategoryTarget)
class CategoryTargetAdmin(admin.ModelAdmin):
    list_display = ("category", "response_days", "resolution_days")
    autocomplete_fields = ("category",)
    search_fields = ("category__name",)
