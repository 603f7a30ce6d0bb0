"""Knowledge-base pages: public search, article, FAQ, suggestions, agent search, editorial review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from catalogue.models import Category
from knowledge import selectors, services
from knowledge.forms import AgentSearchForm, ArticleEditForm, ArticleSearchForm, PageForm, SuggestForm
from knowledge.models import Article, FaqEntry

# --- Access helpers ----------------------------------------------------------------


def _get_visible_article(request: HttpRequest, pk: int) -> Article:
    return get_object_or_404(Article.objects.visible_to(request.user).select_related("category", "software"), pk=pk)


def _require_editor(request: HttpRequest) -> None:
    if not roles.can_edit_articles(request.user):
        raise Http404


def _get_editable_article(request: HttpRequest, pk: int) -> Article:
    _require_editor(request)
    return get_object_or_404(Article.objects.editable_by(request.user).select_related("category"), pk=pk)


def _session_key(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def _category_from(category_id: int | None) -> Category | None:
    return Category.objects.filter(pk=category_id, is_active=True).first() if category_id else None


# --- Public pages -------------------------------------------------------------------


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = ArticleSearchForm(request.GET or None, user=request.user)
    filters = form.filters() if form.is_bound else selectors.ArticleFilters()
    page_number = PageForm(request.GET).values()["page"] or 1
    outcome = selectors.article_search(user=request.user, filters=filters, page_number=page_number)
    if filters.q.strip() and not outcome.articles and str(page_number) == "1":
        services.search_record_miss(query=filters.q)
    return render(
        request,
        "knowledge/search.html",
        {
            "form": form,
            "outcome": outcome,
            "is_kb_staff": roles.is_helpdesk_staff(request.user),
            "is_editor": roles.can_edit_articles(request.user),
        },
    )


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get_visible_article(request, pk)
    services.article_record_view(article=article)
    return render(
        request,
        "knowledge/article.html",
        {
            "article": article,
            "related": selectors.related_articles(article),
            "is_kb_staff": roles.is_helpdesk_staff(request.user),
            "can_edit": Article.objects.editable_by(request.user).filter(pk=article.pk).exists(),
            "has_voted": selectors.has_voted(
                article=article, user=request.user, session_key=request.session.session_key or ""
            ),
        },
    )


@require_POST
def article_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get_visible_article(request, pk)
    counted = services.article_vote_helpful(
        article=article, user=request.user, session_key="" if request.user.is_authenticated else _session_key(request)
    )
    if counted:
        messages.success(request, _("Merci ! Votre avis a été pris en compte."))
    else:
        messages.info(request, _("Vous avez déjà indiqué que cet article vous a aidé."))
    return redirect(article)


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/faq.html", {"groups": selectors.faq_grouped()})


# --- Before filing: suggestions and deflection -------------------------------------------


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx fragment: articles and FAQ entries matching the title being typed."""
    params = SuggestForm(request.GET).values()
    q = params["q"] or params["title"]
    category = _category_from(params["category"])
    found = selectors.suggestions(q=q, category=category)
    return render(request, "knowledge/includes/suggestions.html", {"found": found, "category": category, "q": q})


@require_POST
def deflect(request: HttpRequest) -> HttpResponse:
    """ "Cela a résolu mon problème": counted per category, then the requester goes back to the catalogue."""
    category = _category_from(SuggestForm(request.POST).values()["category"])
    if category is None:
        raise Http404
    article_id, faq_id = request.POST.get("article", ""), request.POST.get("faq_entry", "")
    article = Article.objects.published().filter(pk=article_id).first() if article_id.isdigit() else None
    faq_entry = FaqEntry.objects.filter(pk=faq_id, is_published=True).first() if faq_id.isdigit() else None
    services.deflection_record(category=category, article=article, faq_entry=faq_entry)
    if request.headers.get("HX-Request"):
        return render(request, "knowledge/includes/deflected.html")
    messages.success(request, _("Tant mieux ! Votre problème est résolu, aucune demande n'a été déposée."))
    return redirect("knowledge:search")


@login_required
@require_GET
def deflection_stats(request: HttpRequest) -> HttpResponse:
    """Requests avoided thanks to the suggestions, per category: for managers and administrators."""
    _require_editor(request)
    rows = selectors.deflection_statistics(user=request.user, now=timezone.now())
    return render(request, "knowledge/deflection_stats.html", {"rows": rows, "recent_days": 30})


# --- Agents ------------------------------------------------------------------------------


@login_required
@require_GET
def agent_search(request: HttpRequest) -> HttpResponse:
    """Fragment of article links an agent can insert into a reply or a saved response."""
    if not roles.is_helpdesk_staff(request.user):
        raise Http404
    filters = selectors.ArticleFilters(q=AgentSearchForm(request.GET).values()["q"])
    outcome = selectors.article_search(user=request.user, filters=filters)
    return render(
        request,
        "knowledge/includes/agent_results.html",
        {"articles": outcome.articles[:10], "q": filters.q, "site_url": request.build_absolute_uri("/")[:-1]},
    )


# --- Editorial review ------------------------------------------------------------------------


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return render(request, "knowledge/review_list.html", {"drafts": selectors.drafts_for_editor(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _get_editable_article(request, pk)
    form = ArticleEditForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        services.article_save_edit(article=form.save(commit=False), editor=request.user)
        messages.success(request, _("L'article a été enregistré."))
        return redirect("knowledge:review_edit", pk=article.pk)
    return render(request, "knowledge/review_edit.html", {"article": article, "form": form})


# Editorial action -> its door, the message when done, the message when already done.
EDITORIAL_ACTIONS = {
    "publish": (
        services.article_publish,
        gettext_lazy("L'article est publié."),
        gettext_lazy("Cet article est déjà publié."),
    ),
    "archive": (
        services.article_archive,
        gettext_lazy("L'article est archivé : il n'est plus visible du public."),
        gettext_lazy("Cet article est déjà archivé."),
    ),
}


@login_required
@require_POST
def review_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    article = _get_editable_article(request, pk)
    door, done, already = EDITORIAL_ACTIONS[action]
    try:
        door(article=article, editor=request.user)
    except services.InvalidTransition:
        messages.error(request, already)
    else:
        messages.success(request, done)
    return redirect("knowledge:review_edit", pk=article.pk)
