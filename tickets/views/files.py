"""Attachment download: the only way a stored file ever leaves Guichet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from tickets.attachments import download_name
from tickets.hooks import hooks
from tickets.models import Attachment


@login_required
@require_GET
def download(request: HttpRequest, reference: int, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk, ticket__reference=reference)
    hooks.record_access(user=request.user, ticket=attachment.ticket_id, kind="attachment", request=request)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
