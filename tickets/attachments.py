"""Checking and storing attachments.

A file is judged by its content, never by its name: ``filetype`` reads the
magic bytes, zip-based office documents must contain the parts of their
format, and files without magic bytes are accepted only as plain text or CSV
that does not look like markup. HTML and SVG (which can carry scripts),
executables and anything else unknown are refused. The original name is kept
for display only; the file is stored under a random name through Django's
storage API (S3 in production) and served only by the download view.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.models.message import attachment_path
from tickets.storage import save_whole

HEAD_SIZE = 64 * 1024

# Detected type -> extensions that fit it (the first is used when the name has none of them).
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "text/plain": ("txt", "log"),
    "text/csv": ("csv",),
}
ACCEPTED_FORMATS = gettext_lazy(
    "PDF, images PNG, JPEG, GIF ou WebP, documents Word, Excel, PowerPoint ou OpenDocument, texte ou CSV"
)

# The part a zip-based office document must contain, by detected type.
OOXML_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt/presentation.xml",
}
ODF_TYPES = {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"}
MARKUP_SIGNS = ("<html", "<!doctype", "<script", "<svg", "<?xml", "<body", "<head", "<iframe", "<object", "<embed")


def max_size() -> int:
    return settings.GUICHET_ATTACHMENT_MAX_SIZE


def max_count() -> int:
    return settings.GUICHET_ATTACHMENT_MAX_COUNT


def max_total() -> int:
    return settings.GUICHET_ATTACHMENT_MAX_TOTAL


@dataclass
class CheckedFile:
    """An upload whose content passed the checks, ready to be stored."""

    file: Any  # a Django File / UploadedFile
    original_name: str
    content_type: str
    size: int


def display_name(name: str | None) -> str:
    """A name safe to show and to send back in Content-Disposition: no path,
    no control characters, NFC, at most 150 characters (extension kept)."""
    name = (name or "").replace("\\", "/")
    name = PurePosixPath(name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:150]
    return name or "fichier"


def download_name(original_name: str, content_type: str) -> str:
    """The original name, with the right extension appended when it does not
    match the content (a PDF called ``x.html`` downloads as ``x.html.pdf``)."""
    extensions = ALLOWED_TYPES.get(content_type, ())
    suffix = PurePosixPath(original_name).suffix.lower().lstrip(".")
    if extensions and suffix not in extensions:
        return f"{original_name}.{extensions[0]}"
    return original_name


def _read_head(file: IO[bytes]) -> bytes:
    file.seek(0)
    head = file.read(HEAD_SIZE)
    file.seek(0)
    return head


def _decode_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    for cut in range(4):  # the head may end inside a multi-byte character
        try:
            return head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    text = head.decode("cp1252", errors="replace")  # Windows-made CSV files
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f" for ch in text):
        return None
    return text


def _zip_names(file: IO[bytes]) -> list[str] | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)


def _odf_mimetype(file: IO[bytes]) -> str | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.read("mimetype").decode("ascii", errors="replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    finally:
        file.seek(0)


def detect_type(file: IO[bytes], name: str) -> str | None:
    """The content type of ``file`` if it is one we accept, else ``None``."""
    head = _read_head(file)
    if not head:
        return None
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime in OOXML_PARTS:
            names = _zip_names(file)
            ok = names is not None and "[Content_Types].xml" in names and OOXML_PARTS[mime] in names
            # Macro-carrying documents are refused, whatever their name.
            return mime if ok and not any(n.lower().endswith("vbaproject.bin") for n in names) else None
        if mime in ODF_TYPES:
            return mime if _odf_mimetype(file) == mime else None
        return mime if mime in ALLOWED_TYPES else None
    text = _decode_text(head)
    if text is None:
        return None
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith("<") or any(sign in lowered for sign in MARKUP_SIGNS):
        return None
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def check_upload(upload: Any) -> CheckedFile:
    """Check one file's size and content; raise ``ValidationError`` with a clear French message."""
    name = display_name(getattr(upload, "name", ""))
    size = upload.size
    if size > max_size():
        raise ValidationError(
            _("« %(name)s » est trop volumineux (%(size)s) : la taille maximale d'un fichier est %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(max_size())},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("« %(name)s » est vide.") % {"name": name}, code="empty")
    content_type = detect_type(upload, name)
    if content_type is None:
        raise ValidationError(
            _(
                "« %(name)s » n'est pas accepté : son contenu n'est pas d'un type autorisé "
                "(les pages HTML, images SVG, programmes et archives sont refusés). Formats acceptés : %(formats)s."
            )
            % {"name": name, "formats": ACCEPTED_FORMATS},
            code="type",
        )
    return CheckedFile(file=upload, original_name=name, content_type=content_type, size=size)


def check_limits(sizes: Iterable[int], *, existing_count: int = 0, existing_total: int = 0) -> None:
    """Count and total per ticket, including files already attached."""
    sizes = list(sizes)
    if existing_count + len(sizes) > max_count():
        raise ValidationError(
            _("Une demande peut avoir au plus %(max)d pièces jointes (elle en a déjà %(count)d).")
            % {"max": max_count(), "count": existing_count},
            code="too_many",
        )
    if existing_total + sum(sizes) > max_total():
        raise ValidationError(
            _("Les pièces jointes d'une demande ne peuvent dépasser %(max)s au total.")
            % {"max": filesizeformat(max_total())},
            code="total_too_large",
        )


def store(checked: CheckedFile, *, prefix: str = "attachments") -> str:
    """Save the file under a random name; return the storage name."""
    checked.file.seek(0)
    return save_whole(attachment_path(prefix), checked.file)


def attachment_usage(ticket: Any) -> dict[str, int]:
    """How many files and bytes ``ticket`` holds, as ``check_limits`` and the upload forms take them."""
    usage = ticket.attachments.aggregate(count=Count("pk"), total=Sum("size"))
    return {"existing_count": usage["count"], "existing_total": usage["total"] or 0}
