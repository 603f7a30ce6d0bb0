"""Requester pages of the catalogue: home (boxes), drill-down, leaf, search.

Each view reads the visible tree once (``visible_categories``); a node the
user may not see is a 404, whatever the URL.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalogue.models import BLOCKING_DEFINITION, PriorityScheme
from catalogue.selectors import breadcrumb, category_for_user_or_404, visible_categories

MAX_QUERY_LENGTH = 200


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    tree = visible_categories(user=request.user)
    return render(request, "catalogue/home.html", {"boxes": tree.roots, "query": ""})


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = category_for_user_or_404(user=request.user, slug=slug)
    context = {"category": category, "breadcrumb": breadcrumb(category=category)}
    if not category.is_leaf:
        return render(request, "catalogue/group.html", {**context, "children": category.visible_children})
    context |= {
        "form_fields": list(category.form_fields.all()),
        "inbound_addresses": list(category.inbound_addresses.all()),
        "blocking_definition": BLOCKING_DEFINITION if category.priority_scheme == PriorityScheme.BLOCKING else None,
    }
    return render(request, "catalogue/leaf.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    tree = visible_categories(user=request.user)
    results = [(node, tree.path_to(node)[:-1]) for node in tree.search(query)]
    context = {"query": query, "results": results}
    if request.headers.get("HX-Request"):
        return render(request, "catalogue/_search_results.html", context)
    return render(request, "catalogue/search.html", context)
