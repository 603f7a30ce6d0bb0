from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Demandes")

    def ready(self) -> None:
        from tickets.agent import receivers  # noqa: F401 - connects the queue-count invalidation
        from tickets.notifications import connect

        connect()
