from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpdesk.health import run_checks
from helpdesk.mail import outbox_problem_counts


@login_required
@require_GET
def bench_page(request: HttpRequest) -> HttpResponse:
    """The base layout for a logged-in user and nothing else: what every page costs before its own work
    (``bench/queue.py --http`` divides the ticket page's throughput by this one's). On with GUICHET_BENCH_PAGE."""
    return render(request, "bench/page.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 or 503 for monitors; which component is down is for authenticated staff only
    (an anonymous caller learns nothing about the installation)."""
    checks = run_checks()
    healthy = all(checks.values())
    body: dict = {"status": "ok" if healthy else "error"}
    if request.user.is_authenticated and request.user.is_staff:
        body["checks"] = checks
        if checks["database"]:
            # Mail that did not go out is not an outage of the site (no 503), but staff must see it.
            body["mail"] = outbox_problem_counts()
    return JsonResponse(body, status=200 if healthy else 503)
