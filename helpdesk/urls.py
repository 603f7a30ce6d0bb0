from django.contrib import admin
from django.urls import include, path

from catalogue import views as catalogue_views
from helpdesk import views

urlpatterns = [
    path("", catalogue_views.home, name="home"),
    path("catalogue/", include("catalogue.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("kb/", include("knowledge.urls")),
    path("demandes/", include("tickets.urls")),
    path("traitement/", include("tickets.urls_agent")),
]
