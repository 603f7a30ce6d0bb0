import pytest
from django.db import IntegrityError

from accounts.models import User


@pytest.mark.django_db
def test_user_email_is_login_and_lowercased():
    user = User.objects.create_user(email="Camille.Martin@Example.ORG", password="x" * 12)
    assert user.email == "camille.martin@example.org"
    assert User.objects.get_by_natural_key("CAMILLE.martin@example.org") == user


@pytest.mark.django_db
def test_user_email_unique_regardless_of_case():
    User.objects.create_user(email="a@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="A@EXAMPLE.org")


def test_roles_follow_memberships(requester, colleague, agent, manager, admin):
    assert (requester.is_agent, requester.is_correspondent) == (False, False)
    assert (colleague.is_agent, colleague.is_correspondent) == (False, True)
    assert (agent.is_agent, agent.is_service_manager) == (True, False)
    assert (manager.is_agent, manager.is_service_manager) == (True, True)
    assert admin.is_staff
