from django.urls import path

from accounts import profile, views

app_name = "accounts"

urlpatterns = [
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/profil/", profile.profile, name="profile"),
    path("accounts/intro/", views.intro, name="intro"),
    path("sso/<slug:code>/", views.sso_start, name="sso_start"),
    path("sso/<slug:code>/cas/callback/", views.cas_callback, name="cas_callback"),
]
