"""Demo services (teams) and the catalogue drawn from the five seed systems.

(1) Aix-Marseille "Télé-demandes" by requester profile (legal e-requests),
(2) Saint-Étienne's DNum service catalogue as boxes, (3) the Amue software
assistance requests with domains and the blocking priority, (4) an ESUP
"assistance en ligne" where the category decides the service, (5) Caen's
per-service support addresses. Every node is validated (``full_clean``)
before it is saved, so the demo also proves the catalogue rules.
"""

from __future__ import annotations

from accounts.models import RequesterProfile
from catalogue import demo_systems
from catalogue.demo_build import build_node, build_service
from catalogue.demo_seeds import (
    AMU_ADDRESS,
    IDENTITY_FORM,
    INSCRIPTION_FORM,
    SVE_REJECTION,
    SVE_TWO_MONTHS,
)
from catalogue.models import (
    KnowledgePolicy,
)
from helpdesk.demo import DemoContext, demo_user


def seed(ctx: DemoContext) -> None:
    _services(ctx)
    _amu_tele_demandes(ctx)
    demo_systems.ujm_dnum(ctx)
    demo_systems.amue(ctx)
    demo_systems.esup(ctx)
    demo_systems.caen(ctx)


def _services(ctx: DemoContext) -> None:
    agent, manager = ctx.objects["user:agent"], ctx.objects["user:manager"]
    caen_tech = demo_user(
        ctx,
        key="user:caen-technician",
        email="technicien.caen@demo.guichet.test",
        first_name="Morgane",
        last_name="Lefebvre",
        profile=RequesterProfile.STAFF,
    )
    ctx.add_login("agent", caen_tech.email, "technicienne et responsable des services de Caen")
    safety = demo_user(
        ctx,
        key="user:esup-safety",
        email="prevention@demo.guichet.test",
        first_name="Karim",
        last_name="Benali",
        profile=RequesterProfile.STAFF,
    )
    ctx.add_login("agent", safety.email, "conseiller de prévention, hygiène et sécurité (ESUP)")

    # The foundation's team, kept: it handles the ESUP computing categories.
    build_service(
        ctx,
        "assistance",
        "Service d'assistance",
        email="assistance@demo.guichet.test",
        agents=[agent],
        managers=[manager],
    )
    for slug, name in [
        ("amu-scolarite", "AMU — Direction des études et de la vie étudiante"),
        ("amu-rh", "AMU — Direction des ressources humaines"),
        ("amu-affaires-juridiques", "AMU — Direction des affaires juridiques"),
    ]:
        build_service(
            ctx,
            slug,
            name,
            email=f"{slug}@demo.guichet.test",
            postal_address=AMU_ADDRESS,
            phone="04 91 39 65 00",
            agents=[agent],
            managers=[manager],
        )
    build_service(
        ctx,
        "dnum",
        "UJM — DNum (direction du numérique)",
        email="dnum@demo.guichet.test",
        postal_address="Université Jean Monnet\n10 rue Tréfilerie\n42023 Saint-Étienne Cedex 2",
        agents=[agent],
        managers=[manager],
    )
    build_service(
        ctx,
        "amue",
        "Amue — Assistance aux établissements",
        email="assistance.amue@demo.guichet.test",
        postal_address="Amue\n103 boulevard Saint-Michel\n75005 Paris",
        agents=[agent],
        managers=[manager],
    )
    build_service(
        ctx,
        "esup-hygiene-securite",
        "Hygiène et sécurité",
        email="hygiene-securite@demo.guichet.test",
        agents=[safety],
        managers=[manager],
    )
    build_service(
        ctx, "esup-logistique", "Logistique et patrimoine", email="logistique@demo.guichet.test", agents=[safety]
    )
    for slug, name in [
        ("caen-dsi", "Caen — DSI, support"),
        ("caen-immobilier", "Caen — Immobilier, travaux"),
        ("caen-iut", "Caen — IUT, assistance"),
        ("caen-cemu", "Caen — CEMU"),
        ("caen-scd", "Caen — SCD, informatique documentaire"),
    ]:
        build_service(ctx, slug, name, email=f"{slug}@demo.guichet.test", managers=[caen_tech])


# --- (1) Aix-Marseille Télé-demandes ------------------------------------------------


def _amu_tele_demandes(ctx: DemoContext) -> None:
    root = build_node(
        ctx,
        "amu-tele-demandes",
        "Télé-demandes — Aix-Marseille Université",
        parent=None,
        position=10,
        icon="🏛️",
        description=(
            "Saisine officielle par voie électronique (Décret n° 2015-1404 du 5/11/2015).\n"
            "Les cas de saisine d'AMU par voie électronique sont répertoriés et entraînent des traitements "
            "particuliers. Si vous ne trouvez pas l'objet de votre demande, c'est qu'elle ne rentre pas dans ce "
            "cadre : formulez-la alors par le moyen habituel."
        ),
    )
    amu = ctx.objects["institution:amu"]
    scolarite, rh, juridique = (
        ctx.objects["service:amu-scolarite"],
        ctx.objects["service:amu-rh"],
        ctx.objects["service:amu-affaires-juridiques"],
    )
    sve = {
        "is_sve": True,
        "sve_processing_delay": SVE_TWO_MONTHS,
        "sve_implicit_decision": SVE_REJECTION,
        "knowledge_policy": KnowledgePolicy.NEVER,
    }
    # (slug, question, profile, institutions, [(slug, leaf name, service, extra)])
    profiles = [
        (
            "amu-td-etudiant",
            "Vous êtes un étudiant/futur étudiant et votre demande concerne :",
            RequesterProfile.STUDENT,
            (),
            [
                ("amu-td-inscription", "une inscription", scolarite, {"form": INSCRIPTION_FORM}),
                ("amu-td-transfert", "un transfert de dossier vers ou depuis une autre université", scolarite, {}),
                ("amu-td-diplome", "la délivrance d'un diplôme ou d'une attestation de réussite", scolarite, {}),
                ("amu-td-exoneration", "une exonération des droits d'inscription", scolarite, {}),
            ],
        ),
        (
            "amu-td-association",
            "Vous représentez une association étudiante et votre demande concerne :",
            RequesterProfile.ASSOCIATION,
            (),
            [
                ("amu-td-subvention", "une demande de subvention (FSDIE)", scolarite, {}),
                ("amu-td-domiciliation", "une domiciliation ou une demande de locaux", scolarite, {}),
            ],
        ),
        (
            "amu-td-candidat",
            "Vous êtes un candidat à un recrutement et votre demande concerne :",
            RequesterProfile.CANDIDATE,
            (),
            [
                ("amu-td-candidature", "une candidature à un emploi", rh, {}),
                ("amu-td-motifs-recrutement", "la communication des motifs d'un refus de recrutement", rh, {}),
            ],
        ),
        (
            "amu-td-stagiaire",
            "Vous êtes un stagiaire/futur stagiaire de la formation continue et votre demande concerne :",
            RequesterProfile.TRAINEE,
            (),
            [
                ("amu-td-fc-inscription", "une inscription en formation continue", scolarite, {}),
                ("amu-td-vae", "une validation des acquis de l'expérience (VAE)", scolarite, {}),
            ],
        ),
        (
            "amu-td-personnel",
            "Vous êtes un personnel et votre demande concerne :",
            RequesterProfile.STAFF,
            (amu,),
            [
                ("amu-td-carriere", "votre carrière (promotion, mutation, disponibilité)", rh, {}),
                ("amu-td-protection", "une demande de protection fonctionnelle", juridique, {}),
            ],
        ),
        (
            "amu-td-exterieur",
            "Vous êtes une personne extérieure et votre demande concerne :",
            RequesterProfile.EXTERNAL,
            (),
            [
                (
                    "amu-td-document",
                    "l'accès à un document administratif",
                    juridique,
                    {
                        "sve_processing_delay": "1 mois à compter de la date de l'accusé de réception",
                        "sve_implicit_decision": (
                            "Le silence gardé pendant un mois vaut refus de communication. Vous pouvez saisir la "
                            "Commission d'accès aux documents administratifs (CADA) dans un délai de deux mois."
                        ),
                    },
                ),
                ("amu-td-reclamation", "une réclamation", juridique, {}),
            ],
        ),
    ]
    for position, (slug, question, profile, institutions, leaves) in enumerate(profiles, start=1):
        box = build_node(
            ctx,
            slug,
            question,
            parent=root,
            position=position * 10,
            audience_profiles=[profile],
            institutions=institutions,
        )
        for leaf_position, (leaf_slug, leaf_name, service, extra) in enumerate(leaves, start=1):
            build_node(
                ctx,
                leaf_slug,
                leaf_name,
                parent=box,
                position=leaf_position * 10,
                service=service,
                **{"form": IDENTITY_FORM, **sve, **extra},
            )
    ctx.objects["category:inscription"] = ctx.objects["category:amu-td-inscription"]


# --- (2) Saint-Étienne DNum ---------------------------------------------------------
