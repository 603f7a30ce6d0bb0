"""Demo catalogue of seed systems (2) to (5): Saint-Étienne, Amue, ESUP and Caen (see ``catalogue.demo``)."""

from __future__ import annotations

from accounts.models import RequesterProfile
from catalogue.demo_build import build_node
from catalogue.demo_seeds import (
    AMU_INSTALLED,
    AMUE_SOFTWARE,
    field_spec,
)
from catalogue.models import (
    FieldKind,
    InstalledSoftware,
    KnowledgePolicy,
    Lifecycle,
    PriorityScheme,
    Software,
    TimerUnit,
)
from helpdesk.demo import DemoContext


def ujm_dnum(ctx: DemoContext) -> None:
    dnum = ctx.objects["service:dnum"]
    root = build_node(
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
    build_node(
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
    assistance = build_node(
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
        build_node(
            ctx,
            slug,
            name,
            parent=assistance,
            position=position * 10,
            description=description,
            form=[site_field],
            **incident,
        )
    achat = build_node(
        ctx,
        "ujm-dnum-achat",
        "achat",
        parent=root,
        position=20,
        icon="🛒",
        description="Commandes de matériel et de logiciels par la DNum.",
    )
    budget = field_spec("ligne_budgetaire", "Ligne budgétaire (centre financier)", required=True)
    build_node(
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
    build_node(
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


def amue(ctx: DemoContext) -> None:
    amue = ctx.objects["service:amue"]
    root = build_node(
        ctx,
        "amue-da",
        "Amue — Demandes d'assistance des correspondants (DA)",
        parent=None,
        position=30,
        icon="🧩",
        audience_profiles=[RequesterProfile.STAFF],
        open_to_correspondents=True,  # the agency's DA branch: correspondents act for their institution
        lifecycle=Lifecycle.AGENCY,  # seed 002's full lifecycle: états, development and acceptance, EXC, REM
        rejection_reasons=[  # seed 002's reasons for rejecting a DA
            "Un problème par DA : merci de déposer une DA distincte pour chaque problème.",
            "DA portant sur une autre DA : les informations sur une DA se demandent sur la DA elle-même.",
            "Hors du périmètre de l'assistance de l'agence.",
        ],
        description=(
            "Assistance de niveau 2 sur les logiciels de l'Amue, réservée aux correspondants désignés par les "
            "établissements. Avant de déposer une DA, cherchez dans la base de connaissances : une DA d'un autre "
            "établissement peut répondre au problème. Un seul problème par DA."
        ),
    )
    for position, (name, slug, domains, description) in enumerate(AMUE_SOFTWARE, start=1):
        software, _ = Software.objects.get_or_create(name=name)
        ctx.objects[f"software:{slug.removeprefix('amue-')}"] = software
        build_node(
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


def esup(ctx: DemoContext) -> None:
    it, safety, logistics = (
        ctx.objects["service:assistance"],
        ctx.objects["service:esup-hygiene-securite"],
        ctx.objects["service:esup-logistique"],
    )
    root = build_node(
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
    informatique = build_node(ctx, "esup-informatique", "INFORMATIQUE", parent=root, position=10, icon="🖥️")
    for position, (slug, name) in enumerate(
        [
            ("esup-poste-de-travail", "Poste de travail"),
            ("esup-messagerie", "Messagerie"),
            ("esup-ent", "ENT et applications"),
        ],
        start=1,
    ):
        build_node(ctx, slug, name, parent=informatique, position=position * 10, service=it)
    build_node(
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
    logistique = build_node(ctx, "esup-logistique", "LOGISTIQUE", parent=root, position=30, icon="📦")
    for position, (slug, name) in enumerate(
        [("esup-courrier", "Courrier"), ("esup-reservation", "Réservation de salles et de véhicules")], start=1
    ):
        build_node(ctx, slug, name, parent=logistique, position=position * 10, service=logistics)
    build_node(
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


def caen(ctx: DemoContext) -> None:
    root = build_node(
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
        build_node(
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
    iut = build_node(ctx, "caen-iut", "IUT", parent=root, position=100, icon="🎓")
    build_node(
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
    build_node(
        ctx,
        "caen-iut-immobilier",
        "Immobilier des IUT",
        parent=iut,
        position=20,
        service=ctx.objects["service:caen-iut"],
        inbound=("iut.caen.immobilier@unicaen.fr",),
        **timers,
    )
