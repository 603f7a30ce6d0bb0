from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/test/", views.send_test, name="send_test"),
    path("<int:pk>/activer/", views.toggle, name="toggle"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
]
