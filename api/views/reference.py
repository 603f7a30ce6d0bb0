"""Read-only resources: the catalogue a caller may file in, and the knowledge base."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ArticleDetailSerializer, ArticleSerializer, CategorySerializer
from api.views.base import check_key
from catalogue.selectors import visible_categories
from knowledge.models import Article
from knowledge.selectors import ArticleFilters, article_search


class CatalogueList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CategorySerializer(many=True), operation_id="catalogue_list")
    def get(self, request: Request) -> Response:
        """The catalogue as the caller sees it (anonymous callers: its public part), in tree order."""
        nodes = visible_categories(user=request.user).nodes
        return Response(CategorySerializer(nodes, many=True).data)


class ArticleList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="mots cherchés"),
            OpenApiParameter("page", int, description="page (50 articles par page)"),
        ],
        responses=inline_serializer(
            "ArticlePage",
            {
                "results": ArticleSerializer(many=True),
                "page": serializers.IntegerField(),
                "has_next": serializers.BooleanField(),
            },
        ),
        operation_id="kb_articles_list",
    )
    def get(self, request: Request) -> Response:
        """Published articles (the knowledge-base search of the site, ranked, typo-tolerant)."""
        query = request.query_params.get("q", "")[:200].replace("\x00", "")
        page_number = request.query_params.get("page", "1")
        outcome = article_search(user=request.user, filters=ArticleFilters(q=query), page_number=page_number)
        return Response(
            {
                "results": ArticleSerializer(outcome.articles, many=True).data,
                "page": outcome.page.number,
                "has_next": outcome.page.has_next(),
            }
        )


class ArticleDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ArticleDetailSerializer, operation_id="kb_articles_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        check_key(pk)
        article = Article.objects.visible_to(request.user).select_related("category").filter(pk=pk).first()
        if article is None:
            raise Http404
        return Response(ArticleDetailSerializer(article).data)
