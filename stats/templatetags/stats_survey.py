"""The satisfaction box of the requester's ticket page (``templates/stats/_survey.html``)."""

from __future__ import annotations

from django import template

from stats import survey
from stats.forms import SurveyForm
from stats.models import SurveyAnswer

register = template.Library()


@register.inclusion_tag("stats/_survey_box.html")
def survey_box(ticket, user) -> dict:
    """Nothing for an open ticket or someone other than the requester; else the form
    (pre-filled with the answer given) while it may change, the answer after."""
    if ticket.status not in survey.SURVEYED_STATES or not survey.may_answer(user, ticket):
        return {"shown": False}
    answer = SurveyAnswer.objects.filter(ticket=ticket).first()
    is_open = survey.is_open(ticket)
    if not is_open and answer is None:
        return {"shown": False}
    initial = {"rating": answer.rating, "comment": answer.comment} if answer else None
    return {
        "shown": True,
        "ticket": ticket,
        "answer": answer,
        "is_open": is_open,
        "deadline": survey.deadline(ticket),
        "form": SurveyForm(initial=initial) if is_open else None,
    }
