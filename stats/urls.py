"""The statistics, under /traitement/statistiques/."""

from django.urls import path, re_path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.statistics_page, name="page"),
    path("charge/", views.workload_page, name="workload"),
    re_path(r"^export/(?P<table>[a-z_]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
