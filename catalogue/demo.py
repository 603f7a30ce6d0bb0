"""Demo services (teams) and the catalogue drawn from the five seed systems.

(1) Aix-Marseille "Télé-demandes" by requester profile (legal e-requests),
(2) Saint-Étienne's DNum service catalogue as boxes, (3) the Amue software
assistance requests with domains and the blocking priority, (4) an ESUP
"assistance en ligne" where the category decides the service, (5) Caen's
per-service support addresses. Every node is validated (``full_clean``)
before it is saved, so the demo also proves the catalogue rules.
"""

from __future__ import annotations

from typing import Any

from accounts.models import RequesterProfile
from catalogue.demo_seeds import (
    AMU_ADDRESS,
    AMU_INSTALLED,
    AMUE_SOFTWARE,
    IDENTITY_FORM,
    INSCRIPTION_FORM,
    SVE_REJECTION,
    SVE_TWO_MONTHS,
    field_spec,
)
from catalogue.models import (
    Category,
    CategoryKind,
    FieldKind,
    FormField,
    InboundAddress,
    InstalledSoftware,
    KnowledgePolicy,
    PriorityScheme,
    Service,
    ServiceMembership,
    ServiceRole,
    Software,
    TimerUnit,
)
from helpdesk.demo import DemoContext, demo_user


def seed(ctx: DemoContext) -> None:
    _services(ctx)
    _amu_tele_demandes(ctx)
    _ujm_dnum(ctx)
    _amue(ctx)
    _esup(ctx)
    _caen(ctx)


# --- Helpers ------------------------------------------------------------------


def _service(ctx: DemoContext, slug: str, name: str, *, agents=(), managers=(), **fields: Any) -> Service:
    service, _ = Service.objects.update_or_create(slug=slug, defaults={"name": name, **fields})
    for user in agents:
        ServiceMembership.objects.update_or_create(service=service, user=user, defaults={"role": ServiceRole.AGENT})
    for user in managers:
        ServiceMembership.objects.update_or_create(service=service, user=user, defaults={"role": ServiceRole.MANAGER})
    ctx.objects[f"service:{slug}"] = service
    return service


def _node(
    ctx: DemoContext,
    slug: str,
    name: str,
    *,
    parent: Category | None,
    position: int,
    institutions=(),
    form: list[dict[str, Any]] | None = None,
    inbound: tuple[str, ...] = (),
    **fields: Any,
) -> Category:
    """Create or refresh one node (by slug), validated like the admin would."""
    category = Category.objects.filter(slug=slug).first() or Category(slug=slug)
    values = {
        "name": name,
        "parent": parent,
        "position": position,
        "kind": CategoryKind.LEAF if "service" in fields else CategoryKind.GROUP,
        **fields,
    }
    for attr, value in values.items():
        setattr(category, attr, value)
    category.full_clean()
    category.save()
    category.audience_institutions.set(institutions)
    if form is not None:
        _form(category, form)
    for email in inbound:
        InboundAddress.objects.update_or_create(email=email, defaults={"category": category})
    ctx.objects[f"category:{slug}"] = category
    return category


def _form(category: Category, specs: list[dict[str, Any]]) -> None:
    keys = []
    for position, spec in enumerate(specs, start=1):
        spec = dict(spec)
        field = FormField.objects.filter(category=category, key=spec["key"]).first() or FormField(
            category=category, key=spec["key"]
        )
        for attr, value in {"position": position * 10, **spec}.items():
            setattr(field, attr, value)
        field.full_clean()
        field.save()
        keys.append(field.key)
    category.form_fields.exclude(key__in=keys).delete()


# --- Services -------------------------------------------------------------------


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
    _service(
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
        _service(
            ctx,
            slug,
            name,
            email=f"{slug}@demo.guichet.test",
            postal_address=AMU_ADDRESS,
            phone="04 91 39 65 00",
            agents=[agent],
            managers=[manager],
        )
    _service(
        ctx,
        "dnum",
        "UJM — DNum (direction du numérique)",
        email="dnum@demo.guichet.test",
        postal_address="Université Jean Monnet\n10 rue Tréfilerie\n42023 Saint-Étienne Cedex 2",
        agents=[agent],
        managers=[manager],
    )
    _service(
        ctx,
        "amue",
        "Amue — Assistance aux établissements",
        email="assistance.amue@demo.guichet.test",
        postal_address="Amue\n103 boulevard Saint-Michel\n75005 Paris",
        agents=[agent],
        managers=[manager],
    )
    _service(
        ctx,
        "esup-hygiene-securite",
        "Hygiène et sécurité",
        email="hygiene-securite@demo.guichet.test",
        agents=[safety],
        managers=[manager],
    )
    _service(ctx, "esup-logistique", "Logistique et patrimoine", email="logistique@demo.guichet.test", agents=[safety])
    for slug, name in [
        ("caen-dsi", "Caen — DSI, support"),
        ("caen-immobilier", "Caen — Immobilier, travaux"),
        ("caen-iut", "Caen — IUT, assistance"),
        ("caen-cemu", "Caen — CEMU"),
        ("caen-scd", "Caen — SCD, informatique documentaire"),
    ]:
        _service(ctx, slug, name, email=f"{slug}@demo.guichet.test", managers=[caen_tech])


# --- (1) Aix-Marseille Télé-demandes ------------------------------------------------


def _amu_tele_demandes(ctx: DemoContext) -> None:
    root = _node(
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
        box = _node(
            ctx,
            slug,
            question,
            parent=root,
            position=position * 10,
            audience_profiles=[profile],
            institutions=institutions,
        )
        for leaf_position, (leaf_slug, leaf_name, service, extra) in enumerate(leaves, start=1):
            _node(
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


def _ujm_dnum(ctx: DemoContext) -> None:
    dnum = ctx.objects["service:dnum"]
    root = _node(
        ctx,
        "ujm-dnum",
        "Université Jean Monnet — Demandes de services de la DNum",
        parent=None,
        position=20,
        icon="💻",
        audience_profiles=[RequesterProfile.STAFF],
        description=(
            "Le centre d'aide des personnels : le catalogue des services numériques. Chaque boîte correspond à un "
            "groupe ou à un service ; choisissez celle qui concerne votre besoin."
        ),
    )
    sites = "\n".join(
        [
            "Campus Tréfilerie",
            "Campus Manufacture",
            "Campus Métare",
            "Campus Santé Innovations",
            "Campus de Roanne",
            "IUT de Saint-Étienne",
        ]
    )
    site_field = field_spec("site", "Site", FieldKind.CHOICE, required=True, choices=sites)
    incident = {"service": dnum, "priority_scheme": PriorityScheme.MATRIX_5}
    _node(
        ctx,
        "ujm-dnum-nouveau-ticket",
        "Nouveau ticket informatique",
        parent=root,
        position=5,
        icon="🎫",
        form=[site_field],
        description=(
            "Décrivez rapidement votre besoin : titre, impact utilisateur, urgence utilisateur et site sont "
            "obligatoires. Renseignez la description, qui facilitera fortement le traitement du ticket, et "
            "joignez si nécessaire une ou plusieurs pièces jointes."
        ),
        **incident,
    )
    ctx.objects["category:dnum-ticket"] = ctx.objects["category:ujm-dnum-nouveau-ticket"]
    assistance = _node(
        ctx,
        "ujm-dnum-assistance",
        "assistance",
        parent=root,
        position=10,
        icon="🛠️",
        description="Incidents et questions sur les outils numériques.",
    )
    for position, (slug, name, description) in enumerate(
        [
            ("ujm-dnum-poste", "Poste de travail", "Ordinateur, écran, périphériques, installation de logiciels."),
            ("ujm-dnum-messagerie", "Messagerie et agenda", "Courriel, listes de diffusion, agenda partagé."),
            ("ujm-dnum-compte", "Compte et mot de passe", "Accès à MyUJM, réinitialisation du mot de passe."),
            ("ujm-dnum-impression", "Impression et copieurs", "Files d'impression, badges, copieurs multifonctions."),
        ],
        start=1,
    ):
        _node(
            ctx,
            slug,
            name,
            parent=assistance,
            position=position * 10,
            description=description,
            form=[site_field],
            **incident,
        )
    achat = _node(
        ctx,
        "ujm-dnum-achat",
        "achat",
        parent=root,
        position=20,
        icon="🛒",
        description="Commandes de matériel et de logiciels par la DNum.",
    )
    budget = field_spec("ligne_budgetaire", "Ligne budgétaire (centre financier)", required=True)
    _node(
        ctx,
        "ujm-dnum-achat-materiel",
        "Achat de matériel informatique",
        parent=achat,
        position=10,
        service=dnum,
        description="Ordinateur fixe ou portable, écran, station d'accueil, périphériques.",
        form=[
            field_spec(
                "materiel",
                "Matériel souhaité",
                FieldKind.MULTICHOICE,
                required=True,
                choices="Ordinateur portable\nOrdinateur fixe\nÉcran\nStation d'accueil\nAutre périphérique",
            ),
            field_spec("quantite", "Quantité", FieldKind.INTEGER, required=True),
            budget,
            site_field,
        ],
    )
    _node(
        ctx,
        "ujm-dnum-achat-logiciel",
        "Achat de logiciel ou de licence",
        parent=achat,
        position=20,
        service=dnum,
        description="Licence d'un logiciel du catalogue ou demande d'un nouveau logiciel.",
        form=[
            field_spec("logiciel", "Logiciel", required=True),
            field_spec("licences", "Nombre de licences", FieldKind.INTEGER),
            budget,
        ],
    )


# --- (3) Amue assistance requests (DA) ------------------------------------------------


def _amue(ctx: DemoContext) -> None:
    amue = ctx.objects["service:amue"]
    root = _node(
        ctx,
        "amue-da",
        "Amue — Demandes d'assistance des correspondants (DA)",
        parent=None,
        position=30,
        icon="🧩",
        audience_profiles=[RequesterProfile.STAFF],
        open_to_correspondents=True,  # the agency's DA branch: correspondents act for their institution
        description=(
            "Assistance de niveau 2 sur les logiciels de l'Amue, réservée aux correspondants désignés par les "
            "établissements. Avant de déposer une DA, cherchez dans la base de connaissances : une DA d'un autre "
            "établissement peut répondre au problème. Un seul problème par DA."
        ),
    )
    for position, (name, slug, domains, description) in enumerate(AMUE_SOFTWARE, start=1):
        software, _ = Software.objects.get_or_create(name=name)
        ctx.objects[f"software:{slug.removeprefix('amue-')}"] = software
        _node(
            ctx,
            slug,
            name,
            parent=root,
            position=position * 10,
            service=amue,
            software=software,
            domains=domains,
            priority_scheme=PriorityScheme.BLOCKING,
            asks_internal_number=True,
            knowledge_policy=KnowledgePolicy.PUBLISH,
            reminder_delay=5,
            closure_delay=5,
            timer_unit=TimerUnit.WORKING_DAYS,
            description=description,
        )
    amu = ctx.objects["institution:amu"]
    for name, version in AMU_INSTALLED.items():
        InstalledSoftware.objects.update_or_create(
            institution=amu, software=Software.objects.get(name=name), defaults={"version": version}
        )
    ctx.objects["category:sifac"] = ctx.objects["category:amue-sifac"]


# --- (4) ESUP assistance en ligne ------------------------------------------------------


def _esup(ctx: DemoContext) -> None:
    it, safety, logistics = (
        ctx.objects["service:assistance"],
        ctx.objects["service:esup-hygiene-securite"],
        ctx.objects["service:esup-logistique"],
    )
    root = _node(
        ctx,
        "esup-assistance",
        "Assistance en ligne",
        parent=None,
        position=40,
        icon="🧭",
        description=(
            "Déposez vos demandes d'intervention auprès des services de l'université. Choisissez bien la "
            "catégorie : c'est elle qui détermine le service qui va gérer votre demande. Les pannes bloquantes "
            "de matériel se signalent par téléphone."
        ),
    )
    informatique = _node(ctx, "esup-informatique", "INFORMATIQUE", parent=root, position=10, icon="🖥️")
    for position, (slug, name) in enumerate(
        [
            ("esup-poste-de-travail", "Poste de travail"),
            ("esup-messagerie", "Messagerie"),
            ("esup-ent", "ENT et applications"),
        ],
        start=1,
    ):
        _node(ctx, slug, name, parent=informatique, position=position * 10, service=it)
    _node(
        ctx,
        "esup-hygiene-securite",
        "HYGIÈNE - SÉCURITÉ",
        parent=root,
        position=20,
        icon="⚠️",
        service=safety,
        description="Extincteurs, registres santé et sécurité, risques professionnels, premiers secours.",
        form=[field_spec("batiment", "Bâtiment et local concernés", required=True)],
    )
    ctx.objects["category:hygiene-securite"] = ctx.objects["category:esup-hygiene-securite"]
    logistique = _node(ctx, "esup-logistique", "LOGISTIQUE", parent=root, position=30, icon="📦")
    for position, (slug, name) in enumerate(
        [("esup-courrier", "Courrier"), ("esup-reservation", "Réservation de salles et de véhicules")], start=1
    ):
        _node(ctx, slug, name, parent=logistique, position=position * 10, service=logistics)
    _node(
        ctx,
        "esup-patrimoine",
        "PATRIMOINE - TRAVAUX",
        parent=root,
        position=40,
        icon="🏗️",
        service=logistics,
        form=[
            field_spec("batiment", "Bâtiment et local concernés", required=True),
            field_spec("date_souhaitee", "Date d'intervention souhaitée", FieldKind.DATE),
        ],
    )


# --- (5) Caen, by email -------------------------------------------------------------------


def _caen(ctx: DemoContext) -> None:
    root = _node(
        ctx,
        "caen",
        "Université de Caen Normandie — Assistance par courriel",
        parent=None,
        position=50,
        icon="✉️",
        description=(
            "Une demande envoyée à l'une de ces adresses est enregistrée automatiquement et dirigée vers les "
            "techniciens concernés. Utilisez un sujet concis, à la fois synthétique et précis, et ne formulez "
            "qu'une seule demande par message. Sans intervention de votre part, la demande résolue est close "
            "automatiquement après 15 jours."
        ),
    )
    # Closed 15 calendar days after the answer, without a reminder (seed 004).
    timers = {"reminder_delay": 0, "closure_delay": 15, "timer_unit": TimerUnit.CALENDAR_DAYS}
    leaves = [
        (
            "caen-dsi",
            "Système d'information de l'établissement",
            "caen-dsi",
            "dsi.support@unicaen.fr",
            "Applications de gestion, comptes, messagerie, réseau.",
        ),
        ("caen-dsi-c5", "Demandes du campus 5", "caen-dsi", "dsi.support.c5@unicaen.fr", ""),
        ("caen-dsi-c2", "Demandes du campus 2", "caen-dsi", "dsi.support.c2@unicaen.fr", ""),
        (
            "caen-immobilier",
            "Travaux immobiliers",
            "caen-immobilier",
            "immobilier.travaux@unicaen.fr",
            "Bâtiments, PAO, génies électrique et climatique.",
        ),
        ("caen-cemu", "CEMU — assistance", "caen-cemu", "cemu.assistance@unicaen.fr", ""),
        ("caen-scd", "SCD — informatique documentaire", "caen-scd", "scd.informatique@unicaen.fr", ""),
    ]
    for position, (slug, name, service, address, description) in enumerate(leaves, start=1):
        _node(
            ctx,
            slug,
            name,
            parent=root,
            position=position * 10,
            service=ctx.objects[f"service:{service}"],
            inbound=(address,),
            description=description,
            **timers,
        )
    iut = _node(ctx, "caen-iut", "IUT", parent=root, position=100, icon="🎓")
    _node(
        ctx,
        "caen-iut-informatique",
        "Assistance informatique des IUT",
        parent=iut,
        position=10,
        service=ctx.objects["service:caen-iut"],
        inbound=("iut.caen.assistance@unicaen.fr",),
        description="Caen, Ifs, Lisieux ou Vire : la demande est dirigée vers le service de votre site.",
        **timers,
    )
    _node(
        ctx,
        "caen-iut-immobilier",
        "Immobilier des IUT",
        parent=iut,
        position=20,
        service=ctx.objects["service:caen-iut"],
        inbound=("iut.caen.immobilier@unicaen.fr",),
        **timers,
    )
