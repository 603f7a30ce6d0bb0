from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    # Before the slug pattern: "recherche" is a reserved category slug.
    path("recherche/", views.search, name="search"),
    path("<slug:slug>/", views.category_detail, name="category"),
]
