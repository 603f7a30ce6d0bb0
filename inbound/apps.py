from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    """Inbound email: mail to a service address files or continues tickets, through ``tickets.workflow``.

    Its tables keep the names they had inside the tickets app (``tickets_inboundmessage``,
    ``tickets_quarantine``): the move changed no data."""

    name = "inbound"
    verbose_name = _("Courriel entrant")

    def ready(self) -> None:
        # Imported here: an AppConfig module is imported before the models are ready.
        from inbound.models import erase_personal_data, raw_files_in_use
        from tickets.hooks import register_personal_data_eraser, register_stored_files

        # Raw sources of large messages live under inbound/ in the storage (see InboundMessage.raw).
        register_stored_files("inbound", raw_files_in_use)
        # Anonymised tickets lose their source mail and quarantine details too.
        register_personal_data_eraser(erase_personal_data)
