from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _forget_navigation(sender, instance, **kwargs) -> None:
    from helpdesk.context_processors import forget_navigation

    forget_navigation(instance.user_id)


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Guichet"

    def ready(self) -> None:
        # By label: the project package imports none of the apps (a test pins it).
        for signal in (post_save, post_delete):
            signal.connect(_forget_navigation, sender="catalogue.ServiceMembership", weak=False)
