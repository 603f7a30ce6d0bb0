from django.contrib import admin

from catalogue.admin import ManagedServicesMixin
from stats.models import CategoryTarget


@admin.register(CategoryTarget)
class CategoryTargetAdmin(ManagedServicesMixin, admin.ModelAdmin):
    service_lookup = "category__service"

    list_display = ("category", "response_days", "resolution_days")
    autocomplete_fields = ("category",)
    search_fields = ("category__name",)
