"""What the API shows of each resource (read side) and what it accepts (write side).

Output serializers only read attributes already loaded by the views' querysets
(``select_related``), so a list costs the same number of queries at any length.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets.status import TicketStatus

_DATETIME = serializers.DateTimeField()


def _tickets_url() -> str:
    return reverse("api:tickets")


def person(user: Any) -> str | None:
    return str(user) if user is not None else None


class ServiceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.SerializerMethodField()
    accepts_tickets = serializers.BooleanField()
    domains = serializers.ListField(child=serializers.CharField(), source="domain_list")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent(self, node: Any) -> str | None:
        parent = getattr(node, "visible_parent", None)
        return parent.slug if parent is not None else None


class TicketSerializer(serializers.Serializer):
    reference = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    priority = serializers.IntegerField()
    service = ServiceRefSerializer()
    category = CategoryRefSerializer()
    requester = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, ticket: Any) -> str:
        return reverse("api:ticket", kwargs={"reference": ticket.reference})

    def to_representation(self, ticket: Any) -> dict[str, Any]:
        """The fields above, written out: DRF's generic walk over them cost half of a 50-row page's time."""
        when = _DATETIME.to_representation
        return {
            "reference": ticket.reference,
            "url": f"{_tickets_url()}{ticket.reference}/",
            "title": ticket.title,
            "status": ticket.status,
            "status_label": str(ticket.get_status_display()),
            "priority": ticket.priority,
            "service": {"id": ticket.service.pk, "slug": ticket.service.slug, "name": ticket.service.name},
            "category": {"id": ticket.category.pk, "slug": ticket.category.slug, "name": ticket.category.name},
            "requester": person(ticket.requester),
            "assignee": person(ticket.assignee),
            "created": when(ticket.created),
            "last_activity_at": when(ticket.last_activity_at),
            "closed_at": when(ticket.closed_at) if ticket.closed_at else None,
            "version": ticket.version,
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requester(self, ticket: Any) -> str | None:
        return person(ticket.requester)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assignee(self, ticket: Any) -> str | None:
        return person(ticket.assignee)


class TicketDetailSerializer(TicketSerializer):
    description = serializers.CharField()
    domain = serializers.CharField()
    impact = serializers.IntegerField(allow_null=True)
    urgency = serializers.IntegerField(allow_null=True)
    is_blocking = serializers.BooleanField(allow_null=True)
    form_values = serializers.DictField()
    channel = serializers.CharField()
    follow_up_of = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def to_representation(self, ticket: Any) -> dict[str, Any]:
        return {
            **super().to_representation(ticket),
            "description": ticket.description,
            "domain": ticket.domain,
            "impact": ticket.impact,
            "urgency": ticket.urgency,
            "is_blocking": ticket.is_blocking,
            "form_values": ticket.form_values,
            "channel": ticket.channel,
            "follow_up_of": self.get_follow_up_of(ticket),
            "actions": self.get_actions(ticket),
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_follow_up_of(self, ticket: Any) -> int | None:
        return ticket.follow_up_of.reference if ticket.follow_up_of_id else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, ticket: Any) -> list[str]:
        return list(self.context.get("actions", []))


class TicketPageSerializer(serializers.Serializer):
    results = TicketSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class TicketCreateSerializer(serializers.Serializer):
    category = serializers.SlugField(max_length=100)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    impact = serializers.IntegerField(required=False, min_value=1, max_value=5)
    urgency = serializers.IntegerField(required=False, min_value=1, max_value=5)
    is_blocking = serializers.BooleanField(required=False)
    domain = serializers.CharField(required=False, allow_blank=True, max_length=100)
    installed_version = serializers.CharField(required=False, allow_blank=True, max_length=50)
    internal_number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    form_values = serializers.DictField(required=False)
    uploads = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=20)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    message = serializers.IntegerField(source="message_id", allow_null=True)
    created = serializers.DateTimeField()
    download = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_download(self, attachment: Any) -> str:
        return reverse(
            "api:attachment_download", kwargs={"reference": attachment.ticket.reference, "pk": attachment.pk}
        )


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    internal = serializers.BooleanField(source="is_internal")
    author = serializers.SerializerMethodField()
    body = serializers.CharField()
    created = serializers.DateTimeField()
    attachments = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, message: Any) -> str | None:
        return person(message.author)

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message: Any) -> list[dict[str, Any]]:
        return AttachmentSerializer(message.attachments.all(), many=True).data


class MessageCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(default=False)
    uploads = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=20)


class UploadSerializer(serializers.Serializer):
    token = serializers.UUIDField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    actor = serializers.SerializerMethodField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    changes = serializers.DictField()
    reason = serializers.CharField()
    message = serializers.IntegerField(source="message_id", allow_null=True)
    created = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event: Any) -> str | None:
        return person(event.actor)


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)
    domain = serializers.CharField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, article: Any) -> str:
        return reverse("api:article", kwargs={"pk": article.pk})


class ArticleDetailSerializer(ArticleSerializer):
    problem = serializers.CharField()
    solution = serializers.CharField()
    updated = serializers.DateTimeField(source="updated_at")


class ActionSerializer(serializers.Serializer):
    """The fields of an action: those of its page form (``version`` comes from ``If-Match``)."""

    text = serializers.CharField(required=False, max_length=20000)
    reason = serializers.CharField(required=False, max_length=20000)
    assignee = serializers.IntegerField(required=False)
    priority = serializers.IntegerField(required=False, min_value=1, max_value=5)
    domain = serializers.CharField(required=False, allow_blank=True)
    category = serializers.IntegerField(required=False)
    original = serializers.IntegerField(required=False)
    email = serializers.EmailField(required=False)
    title = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, max_length=20000)
