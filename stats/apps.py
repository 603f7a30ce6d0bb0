from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Statistiques")

    def ready(self) -> None:
        from stats import erase, facts, survey
        from tickets.hooks import register, register_personal_data_eraser
        from tickets.signals import ticket_event_recorded, ticket_events_recorded

        register(closure_invitation=survey.closure_invitation)
        register_personal_data_eraser(erase.erase_personal_data)
        ticket_event_recorded.connect(facts.on_ticket_event, dispatch_uid="stats.facts")
        ticket_events_recorded.connect(facts.on_ticket_events, dispatch_uid="stats.facts.batch")
        from django.db.models.signals import post_delete, post_save

        from accounts.models import ClosurePeriod

        post_save.connect(facts.on_closure_change, sender=ClosurePeriod, dispatch_uid="stats.closure_saved")
        post_delete.connect(facts.on_closure_change, sender=ClosurePeriod, dispatch_uid="stats.closure_deleted")
        post_save.connect(facts.on_survey_answer, sender="stats.SurveyAnswer", dispatch_uid="stats.answer_saved")
        post_delete.connect(facts.on_survey_answer, sender="stats.SurveyAnswer", dispatch_uid="stats.answer_deleted")
        # The survey's per-branch switch is read from a cached map of the tree.
        for signal in (post_save, post_delete):
            signal.connect(survey.forget_categories, sender="catalogue.Category", weak=False)
