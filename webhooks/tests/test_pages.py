"""The webhook pages: who may subscribe, the SSRF check on the form, the test event button."""

from __future__ import annotations

import pytest

from webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_requester_and_agent_may_not_subscribe(client_for, requester, agent):
    assert client_for(requester).get("/webhooks/").status_code == 403
    assert client_for(agent).get("/webhooks/").status_code == 403


def test_manager_subscribes_for_their_service_only(client_for, manager, service, other_service, receiver):
    client = client_for(manager)
    refused = client.post(
        "/webhooks/", {"url": receiver.url, "events": ["ticket.filed"], "services": [other_service.pk]}
    )
    assert (refused.status_code, Subscription.objects.count()) == (400, 0)
    created = client.post("/webhooks/", {"url": receiver.url, "events": ["ticket.filed"], "services": [service.pk]})
    subscription = Subscription.objects.get()
    assert (created.status_code, subscription.owner, list(subscription.services.all())) == (302, manager, [service])


def test_form_refuses_internal_destination(client_for, admin, settings):
    settings.GUICHET_WEBHOOK_ALLOWED_NETWORKS = []
    response = client_for(admin).post("/webhooks/", {"url": "http://127.0.0.1:9/", "events": ["ticket.filed"]})
    assert (response.status_code, Subscription.objects.count()) == (400, 0)
    assert "adresse interne" in response.content.decode()


def test_send_test_event_button_delivers(client_for, admin, receiver, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from helpdesk.celery import app

    app.conf.task_always_eager = True
    try:
        subscription = Subscription.objects.create(owner=admin, url=receiver.url, events=["ticket.filed"])
        client = client_for(admin)
        assert client.get(f"/webhooks/{subscription.pk}/test/").status_code == 405
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/webhooks/{subscription.pk}/test/").status_code == 302
    finally:
        app.conf.task_always_eager = False
    assert (Delivery.objects.get().status, len(receiver.requests)) == ("sent", 1)
    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert "200" in page and "test" in page


def test_others_subscription_is_404(client_for, manager, admin, receiver):
    subscription = Subscription.objects.create(owner=admin, url=receiver.url, events=["ticket.filed"])
    assert client_for(manager).get(f"/webhooks/{subscription.pk}/").status_code == 404
