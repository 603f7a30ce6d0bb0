from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Statistiques")

    def ready(self) -> None:
        from stats import survey
        from tickets.hooks import register

        register(closure_invitation=survey.closure_invitation)
