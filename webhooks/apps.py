from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from knowledge.signals import article_published
        from tickets.signals import ticket_event_recorded
        from webhooks.models import Subscription
        from webhooks.receivers import forget_active, on_article_published, on_ticket_event

        ticket_event_recorded.connect(on_ticket_event, dispatch_uid="webhooks.ticket_event")
        article_published.connect(on_article_published, dispatch_uid="webhooks.article_published")
        post_save.connect(forget_active, sender=Subscription, dispatch_uid="webhooks.forget_active.save")
        post_delete.connect(forget_active, sender=Subscription, dispatch_uid="webhooks.forget_active.delete")
