"""``/demandes/<ref>/avis/``: the requester's satisfaction answer (``stats.survey``).

Under the ticket's own address so that a session opened by a signed link
(email-only requesters) reaches it. The form itself is on the ticket page
(``templates/stats/_survey.html``); this view only records it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stats import survey
from stats.forms import SurveyForm
from stats.models import SurveyAnswer
from tickets.models import Ticket


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user), reference=reference)
    if not survey.may_answer(request.user, ticket):
        raise Http404
    page = reverse("tickets:detail", args=[reference])
    if request.method == "GET":
        return redirect(f"{page}#avis")
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            survey.record_answer(ticket=ticket, user=request.user, rating=data["rating"], comment=data["comment"])
        except survey.SurveyClosed as exc:
            messages.error(request, str(exc))
            return redirect(f"{page}#avis")
        messages.success(request, _("Merci, votre avis est enregistré."))
        return redirect(f"{page}#avis")
    return render(
        request,
        "stats/survey_form.html",
        {"ticket": ticket, "form": form, "answer": SurveyAnswer.objects.filter(ticket=ticket).first()},
        status=400,
    )
