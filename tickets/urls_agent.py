"""The agent workspace, under /traitement/."""

from django.urls import path

from tickets.actions import ACTIONS
from tickets.views import agent, agent_responses, agent_ticket

app_name = "agent"

urlpatterns = [
    path("", agent.queue, name="queue"),
    path("panneau/", agent.queue_panel, name="queue_panel"),
    path("filtres/", agent.save_filter, name="save_filter"),
    path("filtres/<int:pk>/supprimer/", agent.delete_filter, name="delete_filter"),
    path("lot/", agent.bulk, name="bulk"),
    path("recherche/", agent.search, name="search"),
    path("journal/", agent.journal, name="journal"),
    path("reponses/", agent_responses.response_list, name="responses"),
    path("reponses/nouvelle/", agent_responses.response_edit, name="response_new"),
    path("reponses/<int:pk>/", agent_responses.response_edit, name="response_edit"),
    path("reponses/<int:pk>/supprimer/", agent_responses.response_delete, name="response_delete"),
    path("<int:reference>/", agent_ticket.ticket_page, name="ticket"),
    path("<int:reference>/suivante/", agent.next_in_queue, name="next"),
    path("<int:reference>/inserer/", agent_ticket.insert, name="insert"),
    path("<int:reference>/rediger/", agent_ticket.compose, name="compose"),
    path("<int:reference>/formulaire/<slug:action>/", agent_ticket.action_form, name="action_form"),
    path("<int:reference>/autres-demandes/", agent_ticket.other_tickets, name="other_tickets"),
    *(
        path(f"<int:reference>/{spec.slug}/", agent_ticket.act, {"action": spec.name}, name=spec.name)
        for spec in ACTIONS["service"].values()
    ),
]
