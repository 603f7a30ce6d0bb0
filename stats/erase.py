"""What the statistics keep about a ticket once it is anonymised (issue 20): the rating, dates,
statuses and delays stay; the requester's own words (the survey comment) and the reason typed at
closing go. Registered with ``tickets.hooks.register_personal_data_eraser``: the anonymisation door
calls it inside its transaction."""

from __future__ import annotations

from stats.models import SurveyAnswer, TicketFact


def erase_personal_data(ticket_ids: list[int]) -> None:
    SurveyAnswer.objects.filter(ticket_id__in=ticket_ids).exclude(comment="").update(comment="")
    TicketFact.objects.filter(ticket_id__in=ticket_ids).exclude(closing_reason="").update(closing_reason="")
