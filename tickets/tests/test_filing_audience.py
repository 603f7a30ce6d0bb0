"""Filing respects the catalogue's audience rule: outside it, no form (404) and no ticket."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import RequesterProfile
from tickets import workflow as wf
from tickets.models import Ticket


@pytest.fixture
def staff_only(category):
    """The leaf is for staff only (the requester is a student)."""
    category.audience_profiles = [RequesterProfile.STAFF]
    category.save()
    return category


@pytest.fixture
def other_institution_only(category, other_institution):
    """The leaf's group is open to the other institution only: the whole subtree is closed to the requester."""
    category.parent.audience_institutions.set([other_institution])
    return category


def _file(requester, category):
    return wf.ticket_file(requester=requester, category=category, title="Accès", description="Bonjour.")


@pytest.mark.django_db
@pytest.mark.parametrize("closed", ["staff_only", "other_institution_only"])
def test_filing_page_is_a_404_outside_the_audience(request, closed, requester, client_for):
    category = request.getfixturevalue(closed)
    client = client_for(requester)
    url = reverse("tickets:file", args=[category.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Accès", "description": "Bonjour.", "step": "submit"}).status_code == 404
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("closed", ["staff_only", "other_institution_only"])
def test_ticket_file_refuses_a_requester_outside_the_audience(request, closed, requester):
    category = request.getfixturevalue(closed)
    with pytest.raises(wf.ActionForbidden):
        _file(requester, category)
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_filing_is_open_to_the_audience(staff_only, other_institution_only, colleague, outsider, client_for):
    # colleague: staff, but of the requester's institution (closed); outsider: external of the other one.
    staff_only.audience_profiles = [RequesterProfile.STAFF, RequesterProfile.EXTERNAL]
    staff_only.save()
    url = reverse("tickets:file", args=[staff_only.slug])
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 200
    assert _file(outsider, staff_only).requester == outsider


@pytest.mark.django_db
def test_empty_audience_is_open_to_everyone(category, requester, outsider, client_for):
    url = reverse("tickets:file", args=[category.slug])
    assert [client_for(user).get(url).status_code for user in (requester, outsider)] == [200, 200]
    assert _file(outsider, category).category == category
