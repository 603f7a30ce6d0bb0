from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Base de connaissances")

    def ready(self) -> None:
        # Imported here, not at module level: an AppConfig module is imported before the models are ready.
        from knowledge import api
        from knowledge.receivers import on_ticket_event
        from tickets import hooks
        from tickets.signals import ticket_event_recorded

        # A requester's approval becomes an article (capitalisation), in the approval's transaction.
        ticket_event_recorded.connect(on_ticket_event, dispatch_uid="knowledge.capitalise")
        # The ticket pages' suggestions and article search (tickets imports no knowledge module).
        hooks.register(**api.PROVIDED)
