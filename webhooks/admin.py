from django.contrib import admin
from django.db import models

from webhooks.models import Delivery, DeliveryAttempt, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "is_active", "consecutive_failures", "disabled_at")
    list_filter = ("is_active",)
    readonly_fields = ("consecutive_failures", "disabled_at")
    # Destinations are https by default (and Django 6 changes URLField's default scheme).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ("at", "response_code", "error", "duration_ms")
    can_delete = False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "subscription", "status", "attempts", "next_attempt_at", "delivered_at")
    list_filter = ("status", "event")
    readonly_fields = ("subscription", "event", "payload", "status", "attempts", "next_attempt_at", "delivered_at")
    inlines = [AttemptInline]

    def has_add_permission(self, request) -> bool:
        return False
