"""Demo institutions and people: every requester profile, every role.

Aix-Marseille signs in with CAS. For a CAS login by hand, run the test CAS
server beside ``make run`` (users in accounts/tests/peers/cas_directory.py)::

    .venv/bin/python -m accounts.tests.peers.cas_server --port 9300

and choose "Connexion avec un compte AMU" (etudiant.amu / cas-demo).
Saint-Étienne uses OpenID Connect against ``python -m oidc_provider_mock
--port 9400``. The URLs can be changed with GUICHET_DEMO_CAS_URL and
GUICHET_DEMO_OIDC_URL.
"""

import os

from accounts.models import (
    Institution,
    InstitutionDomain,
    Membership,
    MembershipRole,
    ProviderOrganisation,
    RequesterProfile,
    SSOKind,
)
from helpdesk.demo import DemoContext, demo_user

DEMO_CAS_URL = os.environ.get("GUICHET_DEMO_CAS_URL", "http://127.0.0.1:9300/cas/")
DEMO_OIDC_URL = os.environ.get("GUICHET_DEMO_OIDC_URL", "http://127.0.0.1:9400")


def _institution(ctx: DemoContext, key: str, *, code: str, domains: list[str], **fields) -> Institution:
    institution, _ = Institution.objects.update_or_create(code=code, defaults=fields)
    for domain in domains:
        InstitutionDomain.objects.update_or_create(domain=domain, defaults={"institution": institution})
    ctx.objects[key] = institution
    return institution


def _member(user, institution: Institution, role: str = MembershipRole.MEMBER) -> None:
    Membership.objects.update_or_create(user=user, institution=institution, defaults={"role": role})


def seed(ctx: DemoContext) -> None:
    amu = _institution(
        ctx,
        "institution:amu",
        code="amu",
        domains=["univ-amu.fr"],
        name="Aix-Marseille Université",
        acronym="AMU",
        sso_kind=SSOKind.CAS,
        sso_settings={"server_url": DEMO_CAS_URL, "version": "3", "trust_email": True},
    )
    ujm = _institution(
        ctx,
        "institution:ujm",
        code="ujm",
        domains=["univ-st-etienne.fr"],
        name="Université Jean Monnet Saint-Étienne",
        acronym="UJM",
        sso_kind=SSOKind.OIDC,
        sso_settings={
            "server_url": DEMO_OIDC_URL,
            "client_id": "guichet-demo",
            "secret": "guichet-demo-secret",
            "trust_email": True,
        },
    )
    caen = _institution(
        ctx,
        "institution:unicaen",
        code="unicaen",
        domains=["unicaen.fr"],
        name="Université de Caen Normandie",
        acronym="Unicaen",
    )
    agency = _institution(
        ctx, "institution:amue", code="amue", domains=["amue.fr"], name="Amue", acronym="Amue", is_agency=True
    )

    requester = demo_user(
        ctx,
        key="user:requester",
        email="etudiant@demo.guichet.test",
        first_name="Camille",
        last_name="Martin",
        profile=RequesterProfile.STUDENT,
        student_number="21009876",
        # Seed 000: identity is pre-filled on request forms from the profile.
        phone="06 12 34 56 78",
        postal_address="12 rue des Études\n13003 Marseille",
    )
    _member(requester, amu)
    ctx.add_login("requester", requester.email, "étudiante, Aix-Marseille")

    correspondent = demo_user(
        ctx,
        key="user:correspondent",
        email="correspondant@demo.guichet.test",
        first_name="Dominique",
        last_name="Bernard",
        profile=RequesterProfile.STAFF,
    )
    _member(correspondent, amu, MembershipRole.FUNCTIONAL)
    ctx.add_login("correspondent", correspondent.email, "correspondant fonctionnel, Aix-Marseille")

    colleague = demo_user(
        ctx,
        key="user:colleague",
        email="correspondant.technique@demo.guichet.test",
        first_name="Yannick",
        last_name="Morel",
        profile=RequesterProfile.STAFF,
    )
    _member(colleague, amu, MembershipRole.TECHNICAL)
    ctx.add_login("colleague", colleague.email, "correspondant technique, Aix-Marseille (collègue)")

    caen_correspondent = demo_user(
        ctx,
        key="user:correspondent_caen",
        email="correspondant.caen@demo.guichet.test",
        first_name="Morgane",
        last_name="Lemoine",
        profile=RequesterProfile.STAFF,
    )
    _member(caen_correspondent, caen, MembershipRole.FUNCTIONAL)
    ctx.add_login("correspondent_caen", caen_correspondent.email, "correspondante fonctionnelle, Caen")

    # Seed 002: the agency hands some DAs to an external provider (état EXT), whose consultant answers.
    provider, _created = ProviderOrganisation.objects.get_or_create(name="Prestataire Logiciels (démo)")
    consultant = demo_user(
        ctx,
        key="user:provider",
        email="prestataire@demo.guichet.test",
        first_name="Paul",
        last_name="Prestataire",
        profile=RequesterProfile.EXTERNAL,
    )
    provider.members.add(consultant)
    ctx.objects["provider:demo"] = provider
    ctx.add_login("provider", consultant.email, "consultant du prestataire externe de l'Amue")

    for key, email, first, last, profile, institution, note in [
        ("user:association", "association@demo.guichet.test", "Inès", "Garcia", RequesterProfile.ASSOCIATION, amu,
         "association étudiante, Aix-Marseille"),
        ("user:candidate", "candidat@demo.guichet.test", "Hugo", "Fontaine", RequesterProfile.CANDIDATE, None,
         "candidat à un recrutement, compte par adresse électronique"),
        ("user:trainee", "stagiaire@demo.guichet.test", "Nadia", "Benali", RequesterProfile.TRAINEE, caen,
         "stagiaire de la formation continue, Caen"),
        ("user:staff_requester", "personnel@demo.guichet.test", "Louis", "Perrin", RequesterProfile.STAFF, ujm,
         "personnel, Saint-Étienne"),
        ("user:external", "exterieur@demo.guichet.test", "Jeanne", "Roche", RequesterProfile.EXTERNAL, None,
         "personne extérieure"),
    ]:  # fmt: skip
        user = demo_user(ctx, key=key, email=email, first_name=first, last_name=last, profile=profile)
        if institution is not None:
            _member(user, institution)
        ctx.add_login(key.split(":", 1)[1], email, note)

    agent = demo_user(
        ctx,
        key="user:agent",
        email="agent@demo.guichet.test",
        first_name="Alex",
        last_name="Petit",
        profile=RequesterProfile.STAFF,
    )
    _member(agent, agency)
    ctx.add_login("agent", agent.email, "agent du service d'assistance")

    manager = demo_user(
        ctx,
        key="user:manager",
        email="responsable@demo.guichet.test",
        first_name="Sacha",
        last_name="Durand",
        profile=RequesterProfile.STAFF,
    )
    _member(manager, agency)
    ctx.add_login("manager", manager.email, "responsable du service d'assistance")

    admin = demo_user(
        ctx,
        key="user:admin",
        email="admin@demo.guichet.test",
        first_name="Claude",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
        intro_dismissed=True,
    )
    ctx.add_login("admin", admin.email, "administrateur, /admin/")
