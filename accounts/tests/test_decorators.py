import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.decorators import verified_email_required
from accounts.models import User

pytestmark = pytest.mark.django_db


@verified_email_required
def file_ticket(request):
    return HttpResponse("ok")


def call(user):
    request = RequestFactory().get("/tickets/new/")
    request.user = user
    request.session = {}
    return file_ticket(request)


def test_verified_email_required_anonymous_sent_to_login():
    response = call(AnonymousUser())
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/tickets/new/")


def test_verified_email_required_unverified_gets_403_page():
    user = User.objects.create_user(email="new@example.net", password="x" * 12)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = call(user)
    assert response.status_code == 403
    assert "Renvoyer le lien de confirmation" in response.content.decode()


def test_verified_email_required_verified_passes(requester):
    assert call(requester).content == b"ok"
