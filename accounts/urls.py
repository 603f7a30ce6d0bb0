from django.urls import path

from accounts import profile, views
from accounts.sso import views as sso_views

app_name = "accounts"

urlpatterns = [
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/profil/", profile.profile, name="profile"),
    path("accounts/intro/", views.intro, name="intro"),
    path("sso/<slug:code>/", sso_views.sso_start, name="sso_start"),
    path("sso/<slug:code>/connect/", sso_views.sso_connect, name="sso_connect"),
    path("sso/<slug:code>/cas/callback/", sso_views.cas_callback, name="cas_callback"),
]
