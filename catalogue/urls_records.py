from django.urls import path

from catalogue import views_records as views

app_name = "records"

urlpatterns = [
    path("", views.institution_record, name="mine"),
    path("proposer/<str:kind>/", views.propose, name="propose"),
    path("validation/", views.queue, name="queue"),
    path("validation/<int:pk>/<str:decision>/", views.decide, name="decide"),
]
