from django.urls import path

from tickets.actions import ACTIONS
from tickets.views import acknowledgement, agent_bookmarks, agent_ticket, files, filing, lifecycle, requester

app_name = "tickets"

urlpatterns = [
    path("", requester.my_open, name="mine"),
    path("closes/", requester.my_closed, name="mine_closed"),
    path("recherche/", requester.search, name="search"),
    path("cycle-de-vie/", lifecycle.lifecycle, name="lifecycle"),
    path("prestataire/", requester.provider_tickets, name="provider"),
    path("nouvelle/<slug:slug>/", filing.file_ticket, name="file"),
    path("<int:reference>/", requester.detail, name="detail"),
    path("<int:reference>/enregistree/", filing.filed, name="filed"),
    *(
        path(f"<int:reference>/{spec.slug}/", requester.act, {"action": spec.name}, name=spec.name)
        for spec in ACTIONS["requester"].values()
    ),
    path("<int:reference>/pieces-jointes/<int:pk>/", files.download, name="attachment"),
    path("signets/", agent_bookmarks.bookmarks, name="bookmarks"),
    path("<int:reference>/signet/", agent_ticket.bookmark, name="bookmark"),
    path("<int:reference>/accuse-de-reception/", acknowledgement.sve_acknowledgement, name="sve_acknowledgement"),
]
