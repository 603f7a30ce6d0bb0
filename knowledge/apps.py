from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Base de connaissances")

    def ready(self) -> None:
        # Imported here, not at module level: an AppConfig module is imported before the models are ready.
        from django.db.models.signals import post_delete, post_save

        from knowledge import api
        from knowledge.models import Article
        from knowledge.receivers import on_article_change, on_ticket_event
        from tickets import hooks
        from tickets.signals import ticket_event_recorded

        # The search form's cached domain list (knowledge.selectors.domain_choices).
        post_save.connect(on_article_change, sender=Article, dispatch_uid="knowledge.domains.save")
        post_delete.connect(on_article_change, sender=Article, dispatch_uid="knowledge.domains.delete")

        # A requester's approval becomes an article (capitalisation), in the approval's transaction.
        ticket_event_recorded.connect(on_ticket_event, dispatch_uid="knowledge.capitalise")
        # The ticket pages' suggestions and article search (tickets imports no knowledge module).
        hooks.register(**api.PROVIDED)
        # Anonymised tickets: their articles' scrub reports lose the removed values.
        hooks.register_personal_data_eraser(api.erase_personal_data)
