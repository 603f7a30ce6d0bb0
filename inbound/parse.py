"""Raw RFC 822 bytes to a ``ParsedMessage``: never raises, records problems.

The standard library parser with the ``compat32`` policy is used because it
is the lenient one: it records defects instead of raising, and keeps header
values raw so that we decode them ourselves (``text.decode_header_value``)
without the modern header registry's exceptions on odd syntax.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from .filenames import safe_filename
from .html import html_to_text, sanitize_html
from .text import decode_bytes, decode_header_value, raw_header_to_str

# Bodies of these types are an encapsulated message, kept whole as an .eml.
ENCAPSULATED_TYPES = {"message/rfc822", "message/global", "message/news"}
# Header-block bodies (reports); kept as text attachments.
REPORT_TYPES = {
    "message/delivery-status",
    "message/global-delivery-status",
    "message/feedback-report",
    "message/disposition-notification",
    "text/rfc822-headers",
    "message/rfc822-headers",
}
MAX_PARTS = 500  # a MIME bomb of thousands of parts is not walked further
MAX_DEPTH = 30


@dataclass(frozen=True)
class Attachment:
    """One attachment or inline image, with a name safe to store."""

    filename: str
    content_type: str  # as declared by the sender, lower-case; checked later by type sniffing
    payload: bytes = field(repr=False)
    is_inline: bool = False
    content_id: str | None = None  # without angle brackets, for cid: links
    declared_filename: str | None = None  # the decoded name as sent, for the record

    @property
    def size(self) -> int:
        return len(self.payload)


@dataclass(kw_only=True)
class ParsedMessage:
    """What Guichet needs from one message. Text fields are decoded ``str``;
    addresses are lower-case; Message-IDs keep their angle brackets."""

    raw: bytes = field(repr=False)
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    return_path: str | None = None  # "" is the null return path "<>"; None when absent
    date: datetime | None = None
    text: str = ""
    html: str = ""  # sanitised
    attachments: list[Attachment] = field(default_factory=list)
    content_type: str = "text/plain"  # of the whole message
    report_type: str | None = None  # multipart/report; report-type=…
    delivery_status: str | None = None  # text of a message/delivery-status part
    enclosed_headers: list[tuple[str, str]] = field(default_factory=list, repr=False)  # of a returned message
    # (name, raw value) in order; ``headers`` decodes them. A message from the wild carries
    # dozens (Received, DKIM-Signature…) of which a few are read: each value is decoded when
    # first read, not all of them for every message (issue 22).
    raw_headers: list[tuple[str, str]] = field(default_factory=list, repr=False)
    content_hash: str = ""
    problems: list[str] = field(default_factory=list)
    _decoded: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

    def header_at(self, index: int) -> str:
        """The decoded value of the ``index``-th header (of ``raw_headers``)."""
        value = self._decoded.get(index)
        if value is None:
            value = self._decoded[index] = decode_header_value(self.raw_headers[index][1])
        return value

    @property
    def headers(self) -> list[tuple[str, str]]:
        """(name, decoded value) of every header, in order."""
        return [(key, self.header_at(index)) for index, (key, _raw) in enumerate(self.raw_headers)]

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), decoded."""
        lowered = name.lower()
        found = (index for index, (key, _raw) in enumerate(self.raw_headers) if key.lower() == lowered)
        index = next(found, None)
        return None if index is None else self.header_at(index)

    def header_values(self, name: str) -> list[str]:
        lowered = name.lower()
        return [self.header_at(i) for i, (key, _raw) in enumerate(self.raw_headers) if key.lower() == lowered]

    @property
    def dedup_key(self) -> str:
        """The Message-ID, or ``sha256:<content hash>`` when there is none."""
        return self.message_id or f"sha256:{self.content_hash}"


_MSGID = re.compile(r"<([^<>\s]+)>")


def parse_message_ids(value: str | None) -> list[str]:
    """Message-IDs in a header value, as ``<id>``, in order, without duplicates.

    A value without brackets (some old clients) is taken whole when it looks
    like an id (``x@y``)."""
    if not value:
        return []
    found = [f"<{m}>" for m in _MSGID.findall(value)]
    if not found:
        bare = value.strip().split()
        if len(bare) == 1 and "@" in bare[0]:
            found = [f"<{bare[0].strip('<>')}>"]
    return list(dict.fromkeys(found))


def parse_addresses(values: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs from raw header values."""
    pairs: list[tuple[str, str]] = []
    try:
        parsed = email.utils.getaddresses([raw_header_to_str(v) for v in values])
    except Exception:  # malformed address lists give what we can read
        parsed = []
    for name, address in parsed:
        address = address.strip().strip("<>").strip().lower()
        if address and "@" in address and not any(ch.isspace() for ch in address):
            pairs.append((decode_header_value(name), address))
    return pairs


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


class _Walker:
    """Collects body text, HTML and attachments from a MIME tree."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.attachments: list[Attachment] = []
        self.delivery_status: str | None = None
        self.enclosed_headers: list[tuple[str, str]] = []
        self.parts_seen = 0

    # Each visit returns (plain texts, html texts) found in that subtree.
    def visit(self, part: Message, depth: int = 0) -> tuple[list[str], list[str]]:
        self.parts_seen += 1
        if self.parts_seen > MAX_PARTS or depth > MAX_DEPTH:
            if self.parts_seen == MAX_PARTS + 1 or depth == MAX_DEPTH + 1:
                self.problems.append("too many or too deeply nested MIME parts; the rest is only in the raw message")
            return [], []
        try:
            ctype = part.get_content_type()
        except Exception:
            ctype = "application/octet-stream"
        try:
            if ctype in ENCAPSULATED_TYPES or (part.is_multipart() and ctype.startswith("message/")):
                self._encapsulated(part, ctype)
                return [], []
            if part.is_multipart():
                return self._multipart(part, ctype, depth)
            if ctype.startswith("multipart/"):  # no usable boundary: the body is text
                self.problems.append(f"{ctype} without parts")
                return self._leaf(part, "text/plain")
            return self._leaf(part, ctype)
        except Exception as exc:  # one broken part must not lose the others
            self.problems.append(f"a {ctype} part could not be read ({type(exc).__name__})")
            return [], []

    def _multipart(self, part: Message, ctype: str, depth: int) -> tuple[list[str], list[str]]:
        children = part.get_payload()
        if not isinstance(children, list):
            return self._leaf(part, "text/plain")
        results = [self.visit(child, depth + 1) for child in children if isinstance(child, Message)]
        if ctype == "multipart/alternative":
            # Prefer the plain text the sender wrote; keep the richest HTML.
            plain = next((texts for texts, _ in results if texts), [])
            html = next((htmls for _, htmls in reversed(results) if htmls), [])
            return plain, html
        texts = [t for texts, _ in results for t in texts]
        htmls = [h for _, htmls in results for h in htmls]
        return texts, htmls

    def _disposition(self, part: Message) -> tuple[str, str | None]:
        """(disposition, decoded file name). Raw 8-bit header bytes (UTF-8
        names sent without RFC 2231) are decoded before parameters are split,
        which the parser alone would turn into replacement characters."""
        disposition_header = raw_header_to_str(_raw_header(part, "Content-Disposition") or "")
        disposition = disposition_header.split(";", 1)[0].strip().lower()
        probe = Message()
        probe["Content-Disposition"] = disposition_header
        probe["Content-Type"] = raw_header_to_str(_raw_header(part, "Content-Type") or "")
        try:
            filename = probe.get_filename() or probe.get_param("name")
            if isinstance(filename, tuple):
                filename = email.utils.collapse_rfc2231_value(filename)
        except Exception:
            filename = None
        return disposition, decode_header_value(str(filename)) if filename else None

    def _payload(self, part: Message) -> bytes:
        payload = part.get_payload(decode=True)
        if payload is None:
            payload = b""
        if isinstance(payload, str):
            payload = payload.encode("utf-8", "surrogateescape")
        for defect in getattr(part, "defects", []):
            self.problems.append(f"MIME defect: {type(defect).__name__}")
        return payload

    def _leaf(self, part: Message, ctype: str) -> tuple[list[str], list[str]]:
        disposition, filename = self._disposition(part)
        payload = self._payload(part)
        if ctype in REPORT_TYPES:
            text, problem = decode_bytes(payload, part.get_content_charset())
            self._note(problem)
            if ctype in {"message/delivery-status", "message/global-delivery-status"}:
                self._add_delivery_status(text)
            if ctype in {"text/rfc822-headers", "message/rfc822-headers"} and not self.enclosed_headers:
                self.enclosed_headers = _header_block(payload)
            self._attach(part, ctype, payload, filename, disposition)
            return [], []
        if ctype in {"text/plain", "text/html"} and disposition != "attachment" and not filename:
            text, problem = decode_bytes(payload, part.get_content_charset())
            self._note(problem)
            return ([text], []) if ctype == "text/plain" else ([], [text])
        self._attach(part, ctype, payload, filename, disposition)
        return [], []

    def _encapsulated(self, part: Message, ctype: str) -> None:
        inner = part.get_payload()
        if isinstance(inner, list):
            inner = inner[0] if inner else None
        payload = b""
        if isinstance(inner, Message):
            payload = _message_bytes(inner)
            if ctype in ENCAPSULATED_TYPES and not self.enclosed_headers:
                self.enclosed_headers = [(k, decode_header_value(v)) for k, v in inner.raw_items()]
            if ctype not in ENCAPSULATED_TYPES:  # report blocks parsed as headers, e.g. delivery-status
                blocks = [inner] if not isinstance(part.get_payload(), list) else part.get_payload()
                text = "\n\n".join(_message_bytes(b).decode("utf-8", "replace") for b in blocks)
                payload = text.encode("utf-8")
                if "delivery-status" in ctype:
                    self._add_delivery_status(text)
        elif isinstance(inner, str):
            payload = inner.encode("utf-8", "surrogateescape")
        disposition, filename = self._disposition(part)
        if not filename and isinstance(inner, Message) and ctype in ENCAPSULATED_TYPES:
            subject = decode_header_value(_raw_header(inner, "Subject"))
            filename = f"{subject[:80]}.eml" if subject else None
        self._attach(part, ctype, payload, filename, disposition)

    def _attach(self, part: Message, ctype: str, payload: bytes, filename: str | None, disposition: str) -> None:
        index = len(self.attachments) + 1
        content_id = _raw_header(part, "Content-ID")
        cid = _MSGID.findall(str(content_id)) if content_id else []
        clean_cid = cid[0] if cid else (str(content_id).strip() or None) if content_id else None
        self.attachments.append(
            Attachment(
                filename=safe_filename(filename, content_type=ctype, index=index),
                content_type=ctype,
                payload=payload,
                is_inline=disposition == "inline" or (disposition != "attachment" and clean_cid is not None),
                content_id=clean_cid,
                declared_filename=filename,
            )
        )

    def _add_delivery_status(self, text: str) -> None:
        # Some reports split the recipients over several delivery-status parts.
        self.delivery_status = text if self.delivery_status is None else f"{self.delivery_status}\n\n{text}"

    def _note(self, problem: str | None) -> None:
        if problem and problem not in self.problems:
            self.problems.append(problem)


def _raw_header(part: Message, name: str) -> str | None:
    """A header's raw text (never the ``Header`` object compat32 builds for 8-bit values)."""
    lowered = name.lower()
    return next((str(v) for k, v in part.raw_items() if str(k).lower() == lowered), None)


def _message_bytes(message: Message) -> bytes:
    from email.generator import BytesGenerator
    from io import BytesIO

    buffer = BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=compat32).flatten(message)
    except Exception:  # fall back to the lenient string form
        return str(message).encode("utf-8", "surrogateescape")
    return buffer.getvalue()


def _header_block(payload: bytes) -> list[tuple[str, str]]:
    try:
        inner = BytesParser(policy=compat32).parsebytes(payload, headersonly=True)
    except Exception:
        return []
    return [(k, decode_header_value(v)) for k, v in inner.raw_items()]


def _content_hash(parsed: ParsedMessage) -> str:
    """sha256 over what a second delivery of the same mail has in common:
    sender, recipients, subject, Date header, normalised body and the
    attachments' bytes — not Received/Delivered-To, which differ per copy."""
    digest = hashlib.sha256()
    for piece in (
        parsed.from_address,
        ",".join(sorted(parsed.to + parsed.cc)),
        parsed.subject,
        parsed.header("Date") or "",
        re.sub(r"\s+", " ", parsed.text or html_to_text(parsed.html)).strip(),
    ):
        digest.update(piece.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    for attachment in parsed.attachments:
        digest.update(hashlib.sha256(attachment.payload).digest())
    return digest.hexdigest()


def _strip_mbox_from_line(raw: bytes) -> bytes:
    # The parser splits on any line ending; an mbox "From " line is not a header.
    if raw.startswith(b"From ") and b"\n" in raw:
        raw = raw.split(b"\n", 1)[1]
    return raw


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one message. Never raises: anything odd ends up in ``problems``."""
    parsed = ParsedMessage(raw=raw)
    problems = parsed.problems
    if not raw.strip():
        problems.append("empty message")
        parsed.content_hash = hashlib.sha256(raw).hexdigest()
        return parsed
    try:
        message = BytesParser(policy=compat32).parsebytes(_strip_mbox_from_line(raw))
    except Exception as exc:
        problems.append(f"unparseable message ({type(exc).__name__})")
        parsed.text = decode_bytes(raw, None)[0]
        parsed.content_hash = hashlib.sha256(raw).hexdigest()
        return parsed

    raw_headers = list(message.raw_items())
    parsed.raw_headers = [(str(k), v) for k, v in raw_headers]
    if not raw_headers:
        problems.append("no headers")
    for defect in message.defects:
        problems.append(f"MIME defect: {type(defect).__name__}")

    def raw_values(name: str) -> list[str]:
        lowered = name.lower()
        return [str(v) for k, v in raw_headers if str(k).lower() == lowered]

    def first(name: str) -> str | None:
        values = raw_values(name)
        return values[0] if values else None

    ids = parse_message_ids(first("Message-ID"))
    parsed.message_id = ids[0] if ids else None
    if parsed.message_id is None:
        problems.append("no Message-ID")
    replied = parse_message_ids(first("In-Reply-To"))
    parsed.in_reply_to = replied[0] if replied else None
    parsed.references = parse_message_ids(" ".join(raw_values("References")))
    parsed.subject = decode_header_value(first("Subject"))

    senders = parse_addresses(raw_values("From")) or parse_addresses(raw_values("Sender"))
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
    else:
        problems.append("no sender address")
    parsed.to = _unique(a for _, a in parse_addresses(raw_values("To")))
    parsed.cc = _unique(a for _, a in parse_addresses(raw_values("Cc")))
    parsed.reply_to = _unique(a for _, a in parse_addresses(raw_values("Reply-To")))
    delivered = raw_values("Delivered-To") + raw_values("X-Original-To") + raw_values("Envelope-To")
    parsed.delivered_to = _unique(a for _, a in parse_addresses(delivered))
    return_path = first("Return-Path")
    if return_path is not None:
        inside = return_path.strip().strip("<>").strip()
        parsed.return_path = inside.lower()
    date_value = first("Date")
    parsed.date = parse_date(raw_header_to_str(date_value) if date_value else None)
    if date_value and parsed.date is None:
        problems.append("unreadable Date header")

    try:
        parsed.content_type = message.get_content_type()
        report_type = message.get_param("report-type") if parsed.content_type == "multipart/report" else None
        if isinstance(report_type, tuple):
            report_type = email.utils.collapse_rfc2231_value(report_type)
        parsed.report_type = report_type.strip().lower() if report_type else None
    except Exception:
        problems.append("unreadable Content-Type")

    walker = _Walker(problems)
    texts, htmls = walker.visit(message)
    parsed.attachments = walker.attachments
    parsed.delivery_status = walker.delivery_status
    parsed.enclosed_headers = walker.enclosed_headers
    html = "\n".join(h for h in htmls if h.strip())
    parsed.html = sanitize_html(html) if html else ""
    text = "\n\n".join(t.strip("\r\n") for t in texts if t.strip())
    parsed.text = (text or html_to_text(html)).replace("\r\n", "\n").replace("\r", "\n")
    if not parsed.text.strip() and not parsed.attachments:
        problems.append("no body text and no attachment")
    parsed.problems[:] = list(dict.fromkeys(problems))
    parsed.content_hash = _content_hash(parsed)
    return parsed


def _unique(addresses: object) -> list[str]:
    return list(dict.fromkeys(addresses))  # type: ignore[call-overload]
