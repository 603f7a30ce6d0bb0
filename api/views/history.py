"""A ticket's messages, events and attachments, and the uploads that messages and new tickets carry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedIn
from api.serializers import (
    AttachmentSerializer,
    EventSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    UploadSerializer,
)
from api.views.actions import run_action
from api.views.base import visible_ticket
from tickets import permissions as perms
from tickets import selectors
from tickets.attachments import check_upload, download_name
from tickets.hooks import hooks
from tickets.models import Attachment, Message, PendingUpload
from tickets.uploads import pending_uploads_create


class MessageList(APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=MessageSerializer(many=True), operation_id="tickets_messages_list")
    def get(self, request: Request, reference: int) -> Response:
        """The ticket's messages; internal notes only for the handling service (``Message.objects.visible_to``)."""
        ticket = visible_ticket(request.user, reference)
        messages = (
            Message.objects.visible_to(request.user)
            .filter(ticket=ticket)
            .select_related("author", "ticket")
            .prefetch_related("attachments__ticket")
        )
        return Response(MessageSerializer(messages, many=True).data)

    @extend_schema(
        request=MessageCreateSerializer, responses={201: MessageSerializer}, operation_id="tickets_messages_create"
    )
    def post(self, request: Request, reference: int) -> Response:
        """Add a message through the doors: an information from the requester's side, a reply (or an
        internal note with ``internal``) from the service."""
        ticket = visible_ticket(request.user, reference)
        incoming = MessageCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if perms.is_service_staff(ticket, request.user):
            action = "internal_note" if data["internal"] else "reply"
        else:
            action = "add_information"
        uploads = pending_of(request.user, data.get("uploads", []))
        event = run_action(request, ticket, action, {"text": data["text"]}, files=uploads)
        message = Message.objects.select_related("author", "ticket").get(pk=event.message_id)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


def pending_of(user, tokens) -> list[PendingUpload]:
    """The caller's uploads named by ``tokens`` (all of them, or a 400)."""
    if not tokens:
        return []
    uploads = list(PendingUpload.objects.filter(token__in=tokens, user=user).order_by("pk"))
    if len(uploads) != len(set(tokens)):
        raise exceptions.ValidationError({"uploads": [_("Fichier inconnu ou expiré ; envoyez-le à nouveau.")]})
    return uploads


class EventList(APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=EventSerializer(many=True), operation_id="tickets_events_list")
    def get(self, request: Request, reference: int) -> Response:
        """The history as the ticket page shows it (``tickets.selectors.ticket_timeline``)."""
        ticket = visible_ticket(request.user, reference)
        events = selectors.ticket_timeline(ticket=ticket, user=request.user)
        return Response(EventSerializer(events, many=True).data)


class AttachmentList(APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=AttachmentSerializer(many=True), operation_id="tickets_attachments_list")
    def get(self, request: Request, reference: int) -> Response:
        ticket = visible_ticket(request.user, reference)
        files = Attachment.objects.visible_to(request.user).filter(ticket=ticket).select_related("ticket")
        return Response(AttachmentSerializer(files, many=True).data)


class AttachmentDownload(APIView):
    permission_classes = [SignedIn]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, operation_id="attachments_download"
    )
    def get(self, request: Request, reference: int, pk: int) -> FileResponse:
        """The file, if the caller sees it (``Attachment.objects.visible_to``): the same rule as the page's download."""
        attachment = Attachment.objects.visible_to(request.user).filter(pk=pk, ticket__reference=reference).first()
        if attachment is None:
            raise Http404
        hooks.record_access(user=request.user, ticket=attachment.ticket_id, kind="attachment")
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=download_name(attachment.original_name, attachment.content_type),
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class UploadRequest(serializers.Serializer):
    file = serializers.FileField()


class UploadCreate(APIView):
    permission_classes = [SignedIn]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadRequest}, responses={201: UploadSerializer}, operation_id="uploads_create"
    )
    def post(self, request: Request) -> Response:
        """Check a file (type, size: the same checks as the web forms) and keep it for a day; give its
        ``token`` in ``uploads`` when filing a ticket or adding a message."""
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Aucun fichier reçu.")]})
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            raise exceptions.ValidationError({"file": exc.messages}) from exc
        (pending,) = pending_uploads_create(user=request.user, files=[checked])
        return Response(UploadSerializer(pending).data, status=status.HTTP_201_CREATED)
