from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue de services")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from catalogue.models import Category, FormField, Service, Software
        from catalogue.selectors import catalogue_changed

        # What the tree kept by each process holds (catalogue.selectors._whole_tree).
        for model in (Category, FormField, Service, Software):
            for signal in (post_save, post_delete):
                signal.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue_changed_{model.__name__}")
        m2m_changed.connect(
            catalogue_changed, sender=Category.audience_institutions.through, dispatch_uid="catalogue_changed_audience"
        )
