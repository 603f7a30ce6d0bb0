"""Demo services (teams) and the catalogue drawn from the five seed systems."""

from catalogue.models import Service, ServiceMembership, ServiceRole
from helpdesk.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    support, _ = Service.objects.update_or_create(
        slug="assistance",
        defaults={"name": "Service d'assistance", "email": "assistance@demo.guichet.test"},
    )
    ctx.objects["service:assistance"] = support
    ServiceMembership.objects.update_or_create(
        service=support, user=ctx.objects["user:agent"], defaults={"role": ServiceRole.AGENT}
    )
    ServiceMembership.objects.update_or_create(
        service=support, user=ctx.objects["user:manager"], defaults={"role": ServiceRole.MANAGER}
    )
