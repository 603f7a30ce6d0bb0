"""The demo catalogue drawn from the five seeds, and its idempotence."""

import pytest

import accounts.demo
import catalogue.demo
from catalogue.models import (
    Category,
    FieldKind,
    FormField,
    InboundAddress,
    PriorityScheme,
    ServiceRole,
    TimerUnit,
)
from catalogue.selectors import visible_categories
from helpdesk.demo import DemoContext


@pytest.fixture
def ctx(db) -> DemoContext:
    ctx = DemoContext()
    accounts.demo.seed(ctx)
    catalogue.demo.seed(ctx)
    return ctx


def test_demo_seeding_twice_changes_nothing(ctx):
    def state():
        return (
            list(Category.objects.order_by("pk").values_list("pk", "slug", "parent_id", "position")),
            list(FormField.objects.order_by("pk").values_list("pk", "category_id", "key")),
            list(InboundAddress.objects.order_by("pk").values_list("pk", "email", "category_id")),
        )

    before = state()
    catalogue.demo.seed(ctx)
    assert state() == before


def test_demo_every_category_is_valid(ctx):
    for category in Category.objects.all():
        category.full_clean()
    for field in FormField.objects.all():
        field.full_clean()


def test_demo_inscription_has_the_seed_form(ctx):
    inscription = ctx.objects["category:inscription"]
    fields = list(inscription.form_fields.all())
    assert [(f.label, f.required) for f in fields] == [
        ("Nom", True),
        ("Prénom", True),
        ("Date de naissance", True),
        ("Numéro étudiant AMU (8 chiffres)", False),
        ("Téléphone", False),
        ("Adresse postale", True),
    ]
    number = inscription.form_fields.get(key="numero_etudiant")
    assert number.kind == FieldKind.PATTERN
    assert number.accepts("12345678") is True
    assert number.accepts("1234567") is False
    assert number.accepts("1234567a") is False
    assert inscription.is_sve is True
    assert inscription.sve_processing_delay and inscription.sve_implicit_decision


def test_demo_tele_demandes_offers_the_six_profile_questions(ctx):
    root = Category.objects.get(slug="amu-tele-demandes")
    questions = [c.name for c in root.children.order_by("position")]
    assert [q.split(" et votre demande")[0] for q in questions] == [
        "Vous êtes un étudiant/futur étudiant",
        "Vous représentez une association étudiante",
        "Vous êtes un candidat à un recrutement",
        "Vous êtes un stagiaire/futur stagiaire de la formation continue",
        "Vous êtes un personnel",
        "Vous êtes une personne extérieure",
    ]
    assert all(q.endswith("votre demande concerne :") for q in questions)


def test_demo_dnum_has_boxes_and_incident_leaf(ctx):
    root = Category.objects.get(slug="ujm-dnum")
    assert {c.name for c in root.children.all()} >= {"assistance", "achat", "Nouveau ticket informatique"}
    ticket = ctx.objects["category:dnum-ticket"]
    assert ticket.priority_scheme == PriorityScheme.MATRIX_5
    site = ticket.form_fields.get(key="site")
    assert site.kind == FieldKind.CHOICE and site.required and "Campus Tréfilerie" in site.choice_list


def test_demo_amue_has_nine_software_leaves_with_domains_and_blocking_priority(ctx):
    leaves = list(Category.objects.get(slug="amue-da").children.order_by("position"))
    assert [c.name for c in leaves] == [
        "Apogée",
        "Harpège",
        "SIFAC",
        "SIHAM",
        "SIHAM-PMS",
        "ROF",
        "Sinaps",
        "Sinchro",
        "EvRP",
    ]
    assert all(c.priority_scheme == PriorityScheme.BLOCKING and c.software and c.domain_list for c in leaves)
    sifac = ctx.objects["category:sifac"]
    assert {"Recettes", "Budget", "Autorisations"} <= set(sifac.domain_list)
    assert sifac.service == ctx.objects["service:amue"]


def test_demo_esup_has_hygiene_securite(ctx):
    category = Category.objects.get(name="HYGIÈNE - SÉCURITÉ")
    assert category.parent.slug == "esup-assistance"
    assert category.accepts_tickets


def test_demo_caen_addresses_file_into_their_services_closing_after_15_days(ctx):
    addresses = {a.email: a.category for a in InboundAddress.objects.select_related("category__service")}
    assert addresses["dsi.support@unicaen.fr"].service.slug == "caen-dsi"
    assert addresses["immobilier.travaux@unicaen.fr"].service.slug == "caen-immobilier"
    assert addresses["iut.caen.assistance@unicaen.fr"].service.slug == "caen-iut"
    dsi = addresses["dsi.support@unicaen.fr"]
    assert (dsi.closure_delay, dsi.timer_unit) == (15, TimerUnit.CALENDAR_DAYS)


def test_demo_agent_and_manager_work_for_amue_and_dnum(ctx):
    for login, role in [("user:agent", ServiceRole.AGENT), ("user:manager", ServiceRole.MANAGER)]:
        memberships = {m.service.slug: m.role for m in ctx.objects[login].service_memberships.select_related("service")}
        assert memberships["amue"] == role
        assert memberships["dnum"] == role
        assert memberships["assistance"] == role


def test_demo_each_login_sees_its_part_of_the_catalogue(ctx, client):
    student = visible_categories(user=ctx.objects["user:requester"])
    correspondent = visible_categories(user=ctx.objects["user:correspondent"])
    assert student.get("amu-td-inscription") is not None
    assert student.get("ujm-dnum") is None and student.get("amue-sifac") is None
    assert correspondent.get("amue-sifac") is not None and correspondent.get("ujm-dnum-nouveau-ticket") is not None
    assert correspondent.get("amu-td-carriere") is not None  # AMU staff
    assert correspondent.get("amu-td-inscription") is None
    roots = [box.slug for box in client.get("/").context["boxes"]]
    assert roots == ["amu-tele-demandes", "esup-assistance", "caen"]


def test_demo_opens_only_the_agency_da_branch_to_correspondents(ctx):
    """DESIGN.md: correspondents act for their institution on the agency's DA branches only."""
    open_ids = Category.objects.open_to_correspondents_ids()
    da_branch = set(Category.objects.descendants(Category.objects.get(slug="amue-da"), include_self=True))
    assert {c.slug for c in Category.objects.filter(pk__in=open_ids)} == {c.slug for c in da_branch}
    assert Category.objects.get(slug="amue-sifac").is_open_to_correspondents is True
