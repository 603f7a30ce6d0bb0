"""``{% outbox_problems as problems %}``: the outbox counts shown on the admin index."""

from django import template

from helpdesk.mail import outbox_problem_counts

register = template.Library()


@register.simple_tag
def outbox_problems() -> dict[str, int]:
    return outbox_problem_counts()
