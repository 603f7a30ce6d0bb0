from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Statistiques")

    def ready(self) -> None:
        from stats import facts, survey
        from tickets.hooks import register
        from tickets.signals import ticket_event_recorded

        register(closure_invitation=survey.closure_invitation)
        ticket_event_recorded.connect(facts.on_ticket_event, dispatch_uid="stats.facts")
        from django.db.models.signals import post_delete, post_save

        from accounts.models import ClosurePeriod

        post_save.connect(facts.on_closure_change, sender=ClosurePeriod, dispatch_uid="stats.closure_saved")
        post_delete.connect(facts.on_closure_change, sender=ClosurePeriod, dispatch_uid="stats.closure_deleted")
