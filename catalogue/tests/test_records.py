"""Institution records: correspondents propose, the agency validates; the cap of two correspondents
per role and domain; the DA form pre-fills from the validated record only; a correspondent never
sees another institution's record or pending change."""

from __future__ import annotations

import pytest

from accounts.models import Institution, Membership, MembershipRole
from catalogue.models import (
    ChangeKind,
    ChangeStatus,
    EnvironmentKind,
    InstalledSoftware,
    InstitutionRecord,
    RecordChange,
    Software,
    TechnicalEnvironment,
)
from catalogue.record_changes import (
    RecordChangeRefused,
    record_change_approve,
    record_change_propose,
    record_change_refuse,
)
from conftest import make_user
from helpdesk.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_agent(agent):
    agency = Institution.objects.create(name="Agence", code="agence", is_agency=True)
    Membership.objects.create(user=agent, institution=agency)
    return agent


@pytest.fixture
def sifac(institution):
    software = Software.objects.create(name="SIFAC")
    production = TechnicalEnvironment.objects.create(
        institution=institution, kind=EnvironmentKind.PRODUCTION, name="Production"
    )
    qualification = TechnicalEnvironment.objects.create(
        institution=institution, kind=EnvironmentKind.QUALIFICATION, name="Qualification"
    )
    InstalledSoftware.objects.create(
        institution=institution, environment=qualification, software=software, version="2025.1"
    )
    return InstalledSoftware.objects.create(
        institution=institution, environment=production, software=software, version="2024.1"
    )


def propose_version(actor, installation, version="2024.2"):
    return record_change_propose(
        institution=installation.institution, actor=actor, kind=ChangeKind.INSTALLED_VERSION,
        proposed={"installation": installation.pk, "version": version},
    )  # fmt: skip


def test_version_change_waits_for_the_agency_then_applies(colleague, agency_agent, sifac):
    change = propose_version(colleague, sifac)
    sifac.refresh_from_db()
    assert (change.status, sifac.version) == (ChangeStatus.PENDING, "2024.1")
    assert change.diff == [("Logiciel", "SIFAC", "SIFAC"), ("Environnement", "Production (Production)",
                           "Production (Production)"), ("Version", "2024.1", "2024.2")]  # fmt: skip
    record_change_approve(change=change, actor=agency_agent)
    sifac.refresh_from_db()
    assert (change.status, change.decided_by, sifac.version) == (ChangeStatus.APPROVED, agency_agent, "2024.2")
    assert [m.to for m in OutboundEmail.objects.filter(kind="record_change_decided")] == [[colleague.email]]


def test_refusal_needs_a_reason_and_changes_nothing(colleague, agency_agent, sifac):
    change = propose_version(colleague, sifac)
    with pytest.raises(RecordChangeRefused):
        record_change_refuse(change=change, actor=agency_agent, reason=" ")
    record_change_refuse(change=change, actor=agency_agent, reason="Version inconnue.")
    sifac.refresh_from_db()
    assert (change.status, change.reason, sifac.version) == (ChangeStatus.REFUSED, "Version inconnue.", "2024.1")
    with pytest.raises(RecordChangeRefused):
        record_change_approve(change=change, actor=agency_agent)


def test_only_correspondents_propose_and_only_the_agency_decides(requester, outsider, colleague, agent, sifac):
    for person in (requester, outsider, agent):
        with pytest.raises(RecordChangeRefused):
            propose_version(person, sifac)
    change = propose_version(colleague, sifac)
    for person in (colleague, agent, outsider):  # ``agent`` works in a service, not for the agency
        with pytest.raises(RecordChangeRefused):
            record_change_approve(change=change, actor=person)


def test_two_correspondents_per_role_and_domain_with_a_clear_message(institution, colleague, agency_agent):
    Membership.objects.filter(user=colleague).update(domain="Finances")
    second = make_user("second@example.org")
    Membership.objects.create(user=second, institution=institution, role=MembershipRole.FUNCTIONAL, domain="Finances")
    with pytest.raises(RecordChangeRefused) as refused:
        record_change_propose(
            institution=institution, actor=colleague, kind=ChangeKind.ADD_CORRESPONDENT,
            proposed={"email": "third@example.org", "role": MembershipRole.FUNCTIONAL, "domain": "Finances"},
        )  # fmt: skip
    assert "déjà 2 correspondants fonctionnel" in refused.value.message
    assert "suppression d'un correspondant sortant" in refused.value.message
    # Another domain, or the other role, has room.
    change = record_change_propose(
        institution=institution, actor=colleague, kind=ChangeKind.ADD_CORRESPONDENT,
        proposed={"email": "tech@example.org", "first_name": "Té", "last_name": "Chnique",
                  "role": MembershipRole.TECHNICAL, "domain": "Finances"},
    )  # fmt: skip
    record_change_approve(change=change, actor=agency_agent)
    assert Membership.objects.get(user__email="tech@example.org").role == MembershipRole.TECHNICAL
    # Removing one frees a seat.
    removal = record_change_propose(
        institution=institution, actor=colleague, kind=ChangeKind.REMOVE_CORRESPONDENT,
        proposed={"membership": Membership.objects.get(user=second).pk},
    )  # fmt: skip
    record_change_approve(change=removal, actor=agency_agent)
    assert Membership.objects.get(user=second).role == MembershipRole.MEMBER


def test_correspondent_sees_only_their_institutions_record_and_changes(
    colleague, outsider, other_institution, agency_agent, sifac, client_for
):
    mine = propose_version(colleague, sifac)
    software = Software.objects.create(name="Apogée")
    theirs_installed = InstalledSoftware.objects.create(institution=other_institution, software=software, version="6.0")
    theirs = propose_version(outsider, theirs_installed, "6.1")
    assert list(RecordChange.objects.visible_to(colleague)) == [mine]
    assert list(RecordChange.objects.visible_to(outsider)) == [theirs]
    assert set(RecordChange.objects.visible_to(agency_agent)) == {mine, theirs}
    page = client_for(outsider).get("/etablissement/").content.decode()
    assert "Autre Université" in page and "Apogée" in page and "6.1" in page
    assert "SIFAC" not in page and "Université de Test" not in page
    # The institution comes from the memberships, never from the request.
    forced = client_for(outsider).get(f"/etablissement/?etablissement={sifac.institution_id}").content.decode()
    assert "Autre Université" in forced and "SIFAC" not in forced and "Université de Test" not in forced


def test_record_pages_refuse_others(requester, colleague, agent, agency_agent, client_for, sifac):
    assert client_for(requester).get("/etablissement/").status_code == 404
    assert client_for(colleague).get("/etablissement/validation/").status_code == 403
    change = propose_version(colleague, sifac)
    assert client_for(colleague).post(f"/etablissement/validation/{change.pk}/valider/").status_code == 403
    client = client_for(agency_agent)
    assert client.get(f"/etablissement/validation/{change.pk}/valider/").status_code == 405
    page = client.get("/etablissement/validation/").content.decode()
    assert "2024.1" in page and "2024.2" in page
    assert client.post(f"/etablissement/validation/{change.pk}/valider/").status_code == 302
    sifac.refresh_from_db()
    assert sifac.version == "2024.2"


def test_da_form_prefills_from_the_validated_record_only(colleague, agency_agent, sifac, category, client_for):
    category.software = sifac.software
    category.save()
    client = client_for(colleague)
    change = propose_version(colleague, sifac, "2024.9")
    form = client.get(f"/demandes/nouvelle/{category.slug}/").content.decode()
    assert 'value="2024.1"' in form and "2024.9" not in form  # production, validated; not qualification's 2025.1
    record_change_approve(change=change, actor=agency_agent)
    assert 'value="2024.9"' in client.get(f"/demandes/nouvelle/{category.slug}/").content.decode()


def test_proposal_through_the_page(colleague, sifac, client_for):
    client = client_for(colleague)
    assert client.get("/etablissement/proposer/version/").status_code == 405
    response = client.post("/etablissement/proposer/version/", {"installation": sifac.pk, "version": "2024.3"})
    assert response.status_code == 302
    assert RecordChange.objects.get().proposed["version"] == "2024.3"


def test_correspondents_list_their_institutions_correspondents_only(colleague, outsider, client_for):
    page = client_for(colleague).get("/etablissement/").content.decode()
    assert "colleague@example.org" in page and "outsider@example.net" not in page
    assert "requester@example.org" not in page  # a member, not a correspondent
    assert "colleague@example.org" not in client_for(outsider).get("/etablissement/").content.decode()


def test_address_change_applies_once_approved(colleague, agency_agent, institution):
    change = record_change_propose(
        institution=institution, actor=colleague, kind=ChangeKind.ADDRESS,
        proposed={"website": "https://www.univ-test.fr", "postal_address": "1 rue de l'Université"},
    )  # fmt: skip
    assert ("Site web", "—", "https://www.univ-test.fr") in change.diff
    assert not InstitutionRecord.objects.filter(institution=institution).exists()
    record_change_approve(change=change, actor=agency_agent)
    institution.refresh_from_db()
    assert (institution.record.website, institution.record.postal_address) == (
        "https://www.univ-test.fr",
        "1 rue de l'Université",
    )
