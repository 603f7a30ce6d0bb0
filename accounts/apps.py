from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _forget_navigation(sender, instance, **kwargs) -> None:
    from accounts.context_processors import forget_navigation

    forget_navigation(instance.user_id)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes et établissements")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from accounts import signals  # noqa: F401 - registers the login receivers

        # By label: accounts sits beneath catalogue and imports none of it (a test pins it).
        for signal in (post_save, post_delete):
            signal.connect(_forget_navigation, sender="catalogue.ServiceMembership", weak=False)
            # Correspondents get the statistics link and agency staff the validation queue's link:
            # both depend on institution memberships.
            signal.connect(_forget_navigation, sender="accounts.Membership", weak=False)
