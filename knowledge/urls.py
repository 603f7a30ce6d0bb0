from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/utile/", views.article_helpful, name="helpful"),
    path("faq/", views.faq, name="faq"),
    path("suggest/", views.suggest, name="suggest"),
    path("resolu/", views.deflect, name="deflect"),
    path("statistiques/", views.deflection_stats, name="deflection_stats"),
    path("agent/search/", views.agent_search, name="agent_search"),
    path("relecture/", views.review_list, name="review_list"),
    path("relecture/<int:pk>/", views.review_edit, name="review_edit"),
    path("relecture/<int:pk>/publier/", views.review_act, {"action": "publish"}, name="review_publish"),
    path("relecture/<int:pk>/archiver/", views.review_act, {"action": "archive"}, name="review_archive"),
]
