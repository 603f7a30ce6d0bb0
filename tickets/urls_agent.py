"""The agent workspace, under /traitement/."""

from django.urls import path

from tickets.views import agent, agent_responses, agent_ticket

app_name = "agent"

urlpatterns = [
    path("", agent.queue, name="queue"),
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
    path("<int:reference>/inserer/", agent_ticket.insert, name="insert"),
    *(
        path(f"<int:reference>/{slug}/", agent_ticket.act, {"action": action}, name=action)
        for action, slug in [
            ("take", "prendre"),
            ("assign", "confier"),
            ("reply", "repondre"),
            ("internal_note", "note"),
            ("ask", "question"),
            ("propose", "proposer"),
            ("reject", "rejeter"),
            ("await_decision", "attente-decision"),
            ("await_development", "attente-developpement"),
            ("resume", "reprendre"),
            ("exclude", "exclure"),
            ("requalify", "requalifier"),
            ("duplicate", "doublon"),
            ("add_watcher", "observateur"),
        ]
    ),
]
