"""Webhook pages: administrators (any service) and service managers (their services) subscribe a URL,
read its delivery log and send a test event."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from webhooks.forms import SubscriptionForm
from webhooks.models import Delivery, Subscription, WebhookEvent
from webhooks.tasks import queue_sends

LOG_SIZE = 50


def _may_subscribe(user) -> bool:
    return roles.is_admin(user) or roles.is_manager(user)


def _subscriptions(user):
    if not _may_subscribe(user):
        raise PermissionDenied
    qs = Subscription.objects.select_related("owner").prefetch_related("services")
    return qs if roles.is_admin(user) else qs.filter(owner=user)


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    mine = _subscriptions(request.user)
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.owner = request.user
        subscription = form.save()
        messages.success(request, _("L'abonnement est créé."))
        return redirect("webhooks:detail", pk=subscription.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/list.html", {"subscriptions": mine, "form": form}, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(_subscriptions(request.user), pk=pk)
    deliveries = subscription.deliveries.prefetch_related("log")[:LOG_SIZE]
    return render(request, "webhooks/detail.html", {"subscription": subscription, "deliveries": deliveries})


@login_required
@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(_subscriptions(request.user), pk=pk)
    with transaction.atomic():
        payload = {"event": WebhookEvent.TEST, "at": timezone.now().isoformat(), "subscription": subscription.pk}
        delivery = Delivery.objects.create(subscription=subscription, event=WebhookEvent.TEST, payload=payload)
        transaction.on_commit(lambda: queue_sends([delivery.pk]), robust=True)
    messages.success(request, _("L'événement de test est envoyé ; son résultat apparaît dans le journal."))
    return redirect("webhooks:detail", pk=pk)


@login_required
@require_POST
def toggle(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(_subscriptions(request.user), pk=pk)
    subscription.is_active = not subscription.is_active
    subscription.consecutive_failures = 0
    subscription.disabled_at = None if subscription.is_active else timezone.now()
    subscription.save(update_fields=["is_active", "consecutive_failures", "disabled_at"])
    return redirect("webhooks:detail", pk=pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(_subscriptions(request.user), pk=pk).delete()
    messages.success(request, _("L'abonnement est supprimé."))
    return redirect("webhooks:subscriptions")
