from django import template

from accounts.models import Institution

register = template.Library()


@register.simple_tag
def sso_institutions() -> list[Institution]:
    """Institutions whose members sign in with their own account, for the login page."""
    return list(Institution.objects.exclude(sso_kind="").order_by("name"))
