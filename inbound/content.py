"""What of a message goes on a ticket: the text and the files.

Text: the plain part when there is one, else the sanitised HTML turned into
text (``parse.py`` already did both). A reply keeps only its new part —
the quoted history and signature are trimmed — while the full text stays
on the ``InboundMessage`` and the raw source is kept as well.

Files: every attachment and inline image goes through the same checks as
an upload on the web form (``tickets.attachments``: type by content, size,
count and total per ticket). Refused parts are not dropped silently: they
are listed, with the reason, in a note on the ticket, and stay in the raw
message an administrator can download.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tickets import attachments as att

from .parse import ParsedMessage
from .quotes import trim_quoted
from .subject import clean_subject


@dataclass
class Content:
    title: str
    text: str  # what the ticket shows
    full_text: str  # before trimming
    files: list[att.CheckedFile] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


def nul_free(text: str) -> str:
    """PostgreSQL text cannot hold NUL; broken mail sometimes has it."""
    return text.replace("\x00", "\ufffd")


def build_content(
    parsed: ParsedMessage, *, is_reply: bool, existing_count: int = 0, existing_total: int = 0
) -> Content:
    full_text = nul_free(parsed.text or "").strip()
    text = trim_quoted(full_text)[0] if is_reply else full_text
    files, refused = check_attachments(parsed, existing_count=existing_count, existing_total=existing_total)
    if not text:
        text = _("(Courriel sans texte : voir les pièces jointes.)") if files else _("(Courriel sans texte.)")
    return Content(
        title=nul_free(clean_subject(parsed.subject)) or _("(Courriel sans objet)"),
        text=text,
        full_text=full_text,
        files=files,
        refused=refused,
    )


def check_attachments(
    parsed: ParsedMessage, *, existing_count: int = 0, existing_total: int = 0
) -> tuple[list[att.CheckedFile], list[tuple[str, str]]]:
    """The parts that pass the attachment rules, and the others with the reason."""
    accepted: list[att.CheckedFile] = []
    refused: list[tuple[str, str]] = []
    count, total = existing_count, existing_total
    for part in parsed.attachments:
        name = att.display_name(part.filename)
        try:
            checked = att.check_upload(SimpleUploadedFile(name, part.payload, content_type=part.content_type))
        except ValidationError as exc:
            refused.append((name, exc.messages[0]))
            continue
        if count + 1 > att.max_count():
            refused.append((name, _("la demande a déjà %(max)d pièces jointes") % {"max": att.max_count()}))
            continue
        if total + checked.size > att.max_total():
            refused.append(
                (name, _("le total des pièces jointes dépasserait %(max)s") % {"max": filesizeformat(att.max_total())})
            )
            continue
        accepted.append(checked)
        count, total = count + 1, total + checked.size
    return accepted, refused


def refused_note(refused: list[tuple[str, str]]) -> str:
    lines = [_("Pièces jointes du courriel non retenues (le message d'origine est conservé) :")]
    lines += [f"- {name} : {reason}" for name, reason in refused]
    return "\n".join(lines)
