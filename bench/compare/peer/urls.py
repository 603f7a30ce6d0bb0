from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),  # the ticket page links to it
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
