from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    """Inbound email: mail to a service address files or continues tickets, through ``tickets.workflow``.

    Its tables keep the names they had inside the tickets app (``tickets_inboundmessage``,
    ``tickets_quarantine``): the move changed no data."""

    name = "inbound"
    verbose_name = _("Courriel entrant")
