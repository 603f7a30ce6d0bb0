"""Demo institutions and people, one for each role of DESIGN.md."""

from accounts.models import Institution, InstitutionDomain, Membership, MembershipRole, RequesterProfile
from helpdesk.demo import DemoContext, demo_user


def seed(ctx: DemoContext) -> None:
    amu, _ = Institution.objects.update_or_create(code="amu", defaults={"name": "Aix-Marseille Université"})
    InstitutionDomain.objects.get_or_create(domain="univ-amu.fr", defaults={"institution": amu})
    agency, _ = Institution.objects.update_or_create(code="amue", defaults={"name": "Amue", "is_agency": True})
    ctx.objects["institution:amu"] = amu
    ctx.objects["institution:amue"] = agency

    requester = demo_user(
        ctx,
        key="user:requester",
        email="etudiant@demo.guichet.test",
        first_name="Camille",
        last_name="Martin",
        profile=RequesterProfile.STUDENT,
    )
    Membership.objects.get_or_create(user=requester, institution=amu, defaults={"role": MembershipRole.MEMBER})
    ctx.add_login("requester", requester.email, "étudiante, Aix-Marseille")

    correspondent = demo_user(
        ctx,
        key="user:correspondent",
        email="correspondant@demo.guichet.test",
        first_name="Dominique",
        last_name="Bernard",
        profile=RequesterProfile.STAFF,
    )
    Membership.objects.update_or_create(
        user=correspondent, institution=amu, defaults={"role": MembershipRole.FUNCTIONAL}
    )
    ctx.add_login("correspondent", correspondent.email, "correspondant fonctionnel, Aix-Marseille")

    agent = demo_user(
        ctx,
        key="user:agent",
        email="agent@demo.guichet.test",
        first_name="Alex",
        last_name="Petit",
        profile=RequesterProfile.STAFF,
    )
    ctx.add_login("agent", agent.email, "agent du service d'assistance")

    manager = demo_user(
        ctx,
        key="user:manager",
        email="responsable@demo.guichet.test",
        first_name="Sacha",
        last_name="Durand",
        profile=RequesterProfile.STAFF,
    )
    ctx.add_login("manager", manager.email, "responsable du service d'assistance")

    admin = demo_user(
        ctx,
        key="user:admin",
        email="admin@demo.guichet.test",
        first_name="Claude",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
    )
    ctx.add_login("admin", admin.email, "administrateur, /admin/")
