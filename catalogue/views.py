"""Requester pages of the catalogue: home (boxes), drill-down, leaf, search.

Each view reads the visible tree once (``visible_categories``); a node the
user may not see is a 404, whatever the URL — with a sentence saying who the
category is for when it exists but is meant for another audience.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Institution, RequesterProfile
from catalogue.models import BLOCKING_DEFINITION, PriorityScheme
from catalogue.selectors import breadcrumb, category_for_user_or_404, restricting_category, visible_categories

MAX_QUERY_LENGTH = 200


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    tree = visible_categories(user=request.user)
    return render(request, "catalogue/home.html", {"boxes": tree.roots, "query": ""})


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        category = category_for_user_or_404(user=request.user, slug=slug)
    except Http404:
        restricted = restricting_category(user=request.user, slug=slug)
        if restricted is None:
            raise
        return _restricted(request, restricted)
    context = {"category": category, "breadcrumb": breadcrumb(category=category)}
    if not category.is_leaf:
        return render(request, "catalogue/group.html", {**context, "children": category.visible_children})
    context |= {
        "form_fields": list(category.form_fields.all()),
        "inbound_addresses": list(category.inbound_addresses.all()),
        "blocking_definition": BLOCKING_DEFINITION if category.priority_scheme == PriorityScheme.BLOCKING else None,
    }
    return render(request, "catalogue/leaf.html", context)


def _restricted(request: HttpRequest, category) -> HttpResponse:
    """A 404 that says why: the category exists but is meant for another audience."""
    context = {
        "category": category,
        "profiles": [RequesterProfile(p).label for p in category.audience_profiles if p in RequesterProfile.values],
        "institutions": list(
            Institution.objects.filter(pk__in=category.audience_institution_ids).values_list("name", flat=True)
        ),
        "own_profile": RequesterProfile(request.user.profile).label
        if request.user.is_authenticated and request.user.profile in RequesterProfile.values
        else "",
    }
    return render(request, "catalogue/restricted.html", context, status=404)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    tree = visible_categories(user=request.user)
    results = [(node, tree.path_to(node)[:-1]) for node in tree.search(query)]
    context = {"query": query, "results": results}
    if request.headers.get("HX-Request"):
        return render(request, "catalogue/_search_results.html", context)
    return render(request, "catalogue/search.html", context)
