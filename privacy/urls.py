from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("acces/", views.my_accesses, name="my_accesses"),
]
