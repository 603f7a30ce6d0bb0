from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("registre/", views.register, name="register"),
    path("registre.csv", views.register_export, name="register_csv"),
    path("acces/", views.my_accesses, name="my_accesses"),
    path("journal/", views.access_journal, name="access_journal"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/effacement/", views.my_erasure, name="my_erasure"),
    path("mes-donnees/<str:token>/", views.my_data_download, name="my_data_download"),
]
