"""``/api/v1/`` (the API), ``/api/schema/``, ``/api/docs/`` and the token pages under ``/api/jetons/``."""

from django.urls import path, re_path

from api.views import actions, base, history, pages, reference, tickets

app_name = "api"

urlpatterns = [
    path("v1/catalogue/", reference.CatalogueList.as_view(), name="catalogue"),
    path("v1/tickets/", tickets.TicketList.as_view(), name="tickets"),
    path("v1/tickets/<int:reference>/", tickets.TicketDetail.as_view(), name="ticket"),
    path("v1/tickets/<int:reference>/messages/", history.MessageList.as_view(), name="messages"),
    path("v1/tickets/<int:reference>/events/", history.EventList.as_view(), name="events"),
    path("v1/tickets/<int:reference>/attachments/", history.AttachmentList.as_view(), name="attachments"),
    path(
        "v1/tickets/<int:reference>/attachments/<int:pk>/download/",
        history.AttachmentDownload.as_view(),
        name="attachment_download",
    ),
    path("v1/tickets/<int:reference>/actions/<str:action>/", actions.TicketAction.as_view(), name="action"),
    path("v1/uploads/", history.UploadCreate.as_view(), name="uploads"),
    path("v1/kb/articles/", reference.ArticleList.as_view(), name="articles"),
    path("v1/kb/articles/<int:pk>/", reference.ArticleDetail.as_view(), name="article"),
    path("jetons/", pages.tokens, name="tokens"),
    path("jetons/<int:pk>/revoquer/", pages.revoke, name="revoke_token"),
    # Anything else under /api/v1/ is a problem document too, not the site's HTML 404 page.
    re_path(r"^v1/", base.not_found),
]
