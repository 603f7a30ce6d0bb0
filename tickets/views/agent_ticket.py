"""The agent's ticket page: timeline with internal notes, requester, presence, and one POST form per action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from catalogue.request_forms import labelled_values
from knowledge import search as kb_search
from knowledge.models import Article
from privacy.audit import AccessKind, record_access
from tickets import permissions as perms
from tickets import workflow as wf
from tickets.agent import forms as af
from tickets.agent import presence
from tickets.agent import responses as saved
from tickets.agent.queue import requester_other_tickets, service_members
from tickets.exceptions import ActionForbidden, StaleTicket
from tickets.models import Ticket, TicketEvent
from tickets.views.requester import auto_id

KB_RESULTS = 5
# Textareas a saved response or an article link may be inserted into.
INSERT_TARGETS = ("reply", "propose", "ask", "internal_note")


def staff_ticket(request: HttpRequest, reference: int) -> Ticket:
    """A ticket the user sees AND handles (service staff); anything else is 404."""
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related(
            "category", "service", "requester", "assignee", "institution", "software", "follow_up_of", "duplicate_of"
        ),
        reference=reference,
    )
    if not perms.is_service_staff(ticket, request.user):
        raise Http404
    return ticket


def agent_actions(ticket: Ticket, user: Any) -> frozenset[str]:
    names = set(wf.available_actions(ticket, user)) & set(ACTIONS)
    if ticket.is_open and perms.is_service_staff(ticket, user):
        names |= {"duplicate", "add_watcher"}
    return frozenset(names)


def _assignees(ticket: Ticket, user: Any):
    if perms.is_service_manager(ticket, user):
        return service_members([ticket.service_id])
    return User.objects.filter(pk=user.pk)


def _form_kwargs(name: str, ticket: Ticket, user: Any) -> dict[str, Any]:
    if name == "assign":
        return {"assignees": _assignees(ticket, user)}
    return {}


def changes_since(ticket: Ticket, version: int) -> list[TicketEvent]:
    """Events recorded after the agent loaded ``version``: each action adds one
    event and one version (filing: version 1, one event), so they are the
    events after the first ``version``."""
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor", "message").order_by("created", "pk")
    return list(events[max(version, 0) :])


def _inserted_text(request: HttpRequest, ticket: Ticket, current: str = "") -> str:
    """``current`` with the saved response (``reponse``) or article link (``article``) of the query appended."""
    text = current
    params = af.AgentPageForm(request.GET).values()
    if params["reponse"]:
        response = saved.responses_for_ticket(ticket).filter(pk=params["reponse"]).first()
        if response is not None:
            text = saved.append_text(text, saved.render_response(response.body, ticket=ticket, agent=request.user))
    if params["article"]:
        article = Article.objects.published().filter(pk=params["article"]).first()
        if article is not None:
            link = f"{article.title} : {request.build_absolute_uri(article.get_absolute_url())}"
            text = saved.append_text(text, link)
    return text


def _kb_results(q: str) -> list[Article]:
    if not q:
        return []
    return list(kb_search.search_articles(Article.objects.published(), q)[:KB_RESULTS])


def render_agent_ticket(
    request: HttpRequest,
    ticket: Ticket,
    *,
    bound: dict[str, Any] | None = None,
    stale_events: list[TicketEvent] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    actions = agent_actions(ticket, user)
    initial = {"version": ticket.version}
    params = af.AgentPageForm(request.GET).values()
    target = params["cible"] or "reply"
    forms = {}
    for name in actions:
        form_class = ACTIONS[name].form
        extra = {"text": _inserted_text(request, ticket)} if name == target and name in INSERT_TARGETS else {}
        forms[name] = form_class(
            auto_id=auto_id(name), initial={**initial, **extra}, **_form_kwargs(name, ticket, user)
        )
    forms.update(bound or {})
    events = (
        TicketEvent.objects.filter(ticket=ticket)
        .select_related("actor", "message", "message__author")
        .prefetch_related("message__attachments")
    )
    context = {
        "ticket": ticket,
        "events": events,
        "attachments": ticket.attachments.select_related("uploaded_by"),
        "watchers": ticket.watchers.select_related("user"),
        "form_values": labelled_values(ticket.category, ticket.form_values) if ticket.form_values else [],
        "other_tickets": requester_other_tickets(ticket, user),
        "others_viewing": presence.others_viewing(user=user, ticket=ticket),
        "is_bookmarked": presence.is_bookmarked(user=user, ticket=ticket),
        "saved_responses": list(saved.responses_for_ticket(ticket)) if actions & set(INSERT_TARGETS) else [],
        "insert_targets": [(name, ACTIONS[name].title) for name in INSERT_TARGETS if name in actions],
        "insert_target": target,
        "kb_query": params["kb"],
        "kb_results": _kb_results(params["kb"].strip()),
        "forms": forms,
        "actions": actions,
        "stale_events": stale_events,
        "placeholders": saved.PLACEHOLDERS,
    }
    return render(request, "tickets/agent/ticket.html", context, status=status)


@login_required
@require_GET
def ticket_page(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = staff_ticket(request, reference)
    response = render_agent_ticket(request, ticket)
    presence.record_view(user=request.user, ticket=ticket)
    record_access(user=request.user, ticket=ticket, kind=AccessKind.PAGE)
    return response


@login_required
@require_GET
def insert(request: HttpRequest, reference: int) -> HttpResponse:
    """htmx: the chosen box (``cible``) with a saved response or an article link appended to what was typed.

    The typed text of that box comes as ``saisie`` (every action textarea is named ``text``, so the page's
    script sends the chosen one under its own name); the answer retargets the swap onto that textarea.
    A box whose action is not allowed in the current state is 404, like on the page."""
    ticket = staff_ticket(request, reference)
    params = af.AgentPageForm(request.GET).values()
    target = params["cible"] or "reply"
    if target not in INSERT_TARGETS or target not in agent_actions(ticket, request.user):
        raise Http404
    typed = params["saisie"] if "saisie" in request.GET else params["text"]
    form = ACTIONS[target].form(auto_id=auto_id(target), initial={"text": _inserted_text(request, ticket, typed)})
    field = form["text"]
    response = render(request, "tickets/agent/includes/textarea.html", {"field": field})
    response["HX-Retarget"] = f"#{field.id_for_label}"
    response["HX-Reswap"] = "outerHTML"
    return response


# --- Actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type
    call: Callable[[Ticket, Any, dict[str, Any]], Any]
    success: Any
    title: Any


def _assign(t: Ticket, u: Any, d: dict[str, Any]) -> Any:
    return wf.ticket_assign(ticket=t, actor=u, assignee=d["assignee"], expected_version=d["version"])


def _requalify(t: Ticket, u: Any, d: dict[str, Any]) -> Any:
    domain = d["domain"].strip() or None
    return wf.ticket_requalify(
        ticket=t, actor=u, priority=d["priority"], domain=domain, category=d["category"], reason=d["reason"],
        expected_version=d["version"],
    )  # fmt: skip


def _duplicate(t: Ticket, u: Any, d: dict[str, Any]) -> Any:
    original = Ticket.objects.visible_to(u).filter(reference=d["original"]).first()
    if original is None:
        raise wf.ActionRefused(_("La demande d'origine n'existe pas ou ne vous est pas visible."))
    return wf.ticket_mark_duplicate(
        ticket=t, actor=u, original=original, reason=d["reason"], expected_version=d["version"]
    )


def _add_watcher(t: Ticket, u: Any, d: dict[str, Any]) -> Any:
    watcher = User.objects.filter(email__iexact=d["email"], is_active=True).first()
    if watcher is None:
        raise wf.ActionRefused(_("Aucun compte n'a cette adresse."))
    return wf.ticket_add_watcher(ticket=t, actor=u, user=watcher, expected_version=d["version"])


def _message(kind: str) -> Callable[[Ticket, Any, dict[str, Any]], Any]:
    def call(t: Ticket, u: Any, d: dict[str, Any]) -> Any:
        return wf.ticket_add_message(
            ticket=t, actor=u, kind=kind, body=d["text"], files=d["attachments"], expected_version=d["version"]
        )

    return call


ACTIONS: dict[str, Action] = {
    "take": Action(
        af.VersionForm,
        lambda t, u, d: wf.ticket_take(ticket=t, actor=u, expected_version=d["version"]),
        _("Vous avez pris la demande en charge."),
        _("Prendre en charge"),
    ),
    "assign": Action(af.AssignForm, _assign, _("La demande est confiée."), _("Confier la demande")),
    "reply": Action(af.ReplyForm, _message("reply"), _("Votre réponse est envoyée."), _("Répondre")),
    "internal_note": Action(af.NoteForm, _message("note"), _("La note interne est ajoutée."), _("Note interne")),
    "ask": Action(
        af.AskForm,
        lambda t, u, d: wf.ticket_ask(
            ticket=t, actor=u, question=d["text"], files=d["attachments"], expected_version=d["version"]
        ),
        _("La question est posée ; la demande attend le demandeur."),
        _("Poser une question"),
    ),
    "propose": Action(
        af.ProposeForm,
        lambda t, u, d: wf.ticket_propose(
            ticket=t, actor=u, answer=d["text"], files=d["attachments"], expected_version=d["version"]
        ),
        _("La réponse est proposée ; le demandeur doit la valider."),
        _("Proposer une réponse"),
    ),
    "reject": Action(
        af.ReasonForm,
        lambda t, u, d: wf.ticket_reject(ticket=t, actor=u, reason=d["text"], expected_version=d["version"]),
        _("La demande est rejetée."),
        _("Rejeter la demande"),
    ),
    "await_decision": Action(
        af.CommentForm,
        lambda t, u, d: wf.ticket_await_decision(ticket=t, actor=u, comment=d["text"], expected_version=d["version"]),
        _("La demande attend une décision."),
        _("Mettre en attente de décision"),
    ),
    "await_development": Action(
        af.CommentForm,
        lambda t, u, d: wf.ticket_await_development(
            ticket=t, actor=u, comment=d["text"], expected_version=d["version"]
        ),
        _("La demande attend un développement."),
        _("Mettre en attente de développement"),
    ),
    "resume": Action(
        af.VersionForm,
        lambda t, u, d: wf.ticket_resume(ticket=t, actor=u, expected_version=d["version"]),
        _("Le traitement reprend."),
        _("Reprendre le traitement"),
    ),
    "exclude": Action(
        af.ReasonForm,
        lambda t, u, d: wf.ticket_exclude(ticket=t, actor=u, reason=d["text"], expected_version=d["version"]),
        _("La demande est exclue."),
        _("Exclure la demande"),
    ),
    "requalify": Action(af.RequalifyForm, _requalify, _("La demande est requalifiée."), _("Requalifier ou transférer")),
    "duplicate": Action(
        af.DuplicateForm, _duplicate, _("La demande est close comme doublon."), _("Marquer comme doublon")
    ),
    "add_watcher": Action(af.WatcherForm, _add_watcher, _("L'observateur est ajouté."), _("Ajouter un observateur")),
}


@login_required
@require_POST
def act(request: HttpRequest, reference: int, action: str) -> HttpResponse:
    ticket = staff_ticket(request, reference)
    spec = ACTIONS[action]
    kwargs = _form_kwargs(action, ticket, request.user)
    form = spec.form(request.POST, request.FILES, auto_id=auto_id(action), **kwargs)
    if not form.is_valid():
        return render_agent_ticket(request, ticket, bound={action: form}, status=400)
    try:
        spec.call(ticket, request.user, form.cleaned_data)
    except StaleTicket as exc:
        # Show what changed since the agent loaded the page; keep what they typed,
        # now against the current version so that a second submit goes through.
        messages.error(request, exc.message)
        ticket = staff_ticket(request, reference)
        data = request.POST.copy()
        data["version"] = str(ticket.version)
        kept = spec.form(data, auto_id=auto_id(action), **kwargs)
        kept.is_valid()
        stale = changes_since(ticket, form.cleaned_data["version"])
        return render_agent_ticket(request, ticket, bound={action: kept}, stale_events=stale, status=409)
    except wf.ActionRefused as exc:
        messages.error(request, exc.message)
        status = 403 if isinstance(exc, ActionForbidden) else 409
        return render_agent_ticket(request, ticket, bound={action: form}, status=status)
    messages.success(request, spec.success)
    return redirect("agent:ticket", reference=ticket.reference)


@login_required
@require_POST
def bookmark(request: HttpRequest, reference: int) -> HttpResponse:
    """Toggle the bookmark (any user who sees the ticket); back to where the form was."""
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user), reference=reference)
    if presence.toggle_bookmark(user=request.user, ticket=ticket):
        messages.success(request, _("La demande est ajoutée à vos signets."))
    else:
        messages.success(request, _("La demande est retirée de vos signets."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("tickets:detail", reference=ticket.reference)
