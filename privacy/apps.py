from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Données personnelles")

    def ready(self) -> None:
        # Imported here: an AppConfig module is imported before the models are ready.
        from privacy.audit import record_access, record_accesses
        from tickets import hooks

        # The ticket pages record staff access through this hook (tickets imports no privacy module).
        hooks.register(record_access=record_access, record_accesses=record_accesses)
