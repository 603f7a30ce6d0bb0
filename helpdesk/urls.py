from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api.views.pages import DocsView
from catalogue import views as catalogue_views
from helpdesk import views
from stats import survey_views
from tickets.views import links as ticket_links

# One login flow for the whole site: the admin's own password form would skip
# allauth's MFA stage and rate limits, so /admin/login/ sends to allauth's login
# (with ?next=), and refuses (403) a signed-in user who is not staff.
admin.site.login = secure_admin_login(admin.site.login)

handler400 = "helpdesk.errors.bad_request"
handler500 = "helpdesk.errors.server_error"

urlpatterns = [
    path("", catalogue_views.home, name="home"),
    path("catalogue/", include("catalogue.urls")),
    path("etablissement/", include("catalogue.urls_records")),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("kb/", include("knowledge.urls")),
    path("demandes/<int:reference>/avis/", survey_views.answer, name="satisfaction_survey"),
    path("demandes/", include("tickets.urls")),
    path("traitement/statistiques/", include("stats.urls")),
    path("traitement/", include("tickets.urls_agent")),
    path("donnees-personnelles/", include("privacy.urls")),
    # The REST API (issue 21): its schema and documentation sit outside the versioned prefix.
    path("api/schema/", SpectacularAPIView.as_view(api_version="1"), name="api_schema"),
    path("api/docs/", DocsView.as_view(), name="api_docs"),
    path("api/", include("api.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("lien/<str:token>", ticket_links.open_signed_link, name="signed_link"),
]

if settings.GUICHET_BENCH_PAGE:
    urlpatterns.append(path("bench/page/", views.bench_page, name="bench_page"))
