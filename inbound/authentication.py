"""Whether the sender of a message is who its ``From:`` says (issue 14, item 5).

Anyone can write ``From: requester@univ.fr`` and ``[Guichet #N]``. A mail may
change a ticket's state (answer the agent's question: ARS → ECT) only when
one of these vouches for the sender:

1. **Our signed Message-ID** — the message's ``In-Reply-To``/``References``
   names one of our signed Message-IDs for *this* ticket
   (``threading.find_thread`` found the ticket ``via="headers"``). Only the
   people we mailed have seen it.
2. **Our MTA's verdict** — an ``Authentication-Results`` header (RFC 8601)
   written by our receiving mail server, whose authserv-id is
   ``GUICHET_INBOUND_TRUSTED_AUTHSERV_ID`` (empty by default: no such header
   is trusted), saying ``dmarc=pass`` for the From domain, or ``dkim=pass``
   with a signing domain aligned with the From domain (relaxed alignment:
   the same domain or a parent of it).

Only the *topmost* block of ``Authentication-Results`` headers counts: the
receiving MTA prepends its own, so anything a sender wrote sits below it.
The first such header must carry the trusted authserv-id, and the block
ends at the first header that is not an ``Authentication-Results`` with
that id; a trusted-looking header further down is the sender's forgery.
A ``dmarc=fail`` anywhere in the block wins over any pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from .parse import ParsedMessage

HEADER = "authentication-results"


@dataclass(frozen=True)
class Verdict:
    authenticated: bool
    how: str  # "message-id", "dmarc", "dkim", or why not


@dataclass(frozen=True)
class Result:
    method: str  # dmarc, dkim, spf…
    result: str  # pass, fail, none…
    properties: dict[str, str]


def _without_comments(value: str) -> str:
    previous = None
    while previous != value:  # innermost first, for nested comments
        previous, value = value, re.sub(r"\([^()]*\)", " ", value)
    return value


_RESINFO = re.compile(r"^\s*(?P<method>[\w.-]+)(?:/\d+)?\s*=\s*(?P<result>[\w-]+)(?P<rest>.*)$", re.DOTALL)
_PROPERTY = re.compile(r"(?P<key>[\w-]+\.[\w.-]+)\s*=\s*(?P<value>\"[^\"]*\"|[^\s;]+)")


def parse_authentication_results(value: str) -> tuple[str, list[Result]]:
    """The authserv-id and the results of one header value (RFC 8601 § 2.2)."""
    parts = _without_comments(value).split(";")
    authserv_id = parts[0].strip().split()[0].lower() if parts[0].strip() else ""
    results = []
    for part in parts[1:]:
        match = _RESINFO.match(part)
        if not match:
            continue
        properties = {m["key"].lower(): m["value"].strip('"').lower() for m in _PROPERTY.finditer(match["rest"] or "")}
        results.append(Result(match["method"].lower(), match["result"].lower(), properties))
    return authserv_id, results


def trusted_results(parsed: ParsedMessage) -> list[Result]:
    """The results of the topmost block of our MTA's headers (see the module docstring)."""
    trusted_id = (getattr(settings, "GUICHET_INBOUND_TRUSTED_AUTHSERV_ID", "") or "").strip().lower()
    if not trusted_id:
        return []
    results: list[Result] = []
    started = False
    for index, (name, _raw) in enumerate(parsed.raw_headers):  # only the values read are decoded
        is_ar = name.lower() == HEADER
        if not started and not is_ar:
            continue
        if not is_ar:
            break  # the block ended
        authserv_id, found = parse_authentication_results(parsed.header_at(index))
        if authserv_id != trusted_id:
            break
        started = True
        results += found
    return results


def _aligned(signing_domain: str, from_domain: str) -> bool:
    signing_domain = signing_domain.lstrip("@").rpartition("@")[2].strip(".")
    return bool(signing_domain) and (from_domain == signing_domain or from_domain.endswith("." + signing_domain))


def mta_verdict(parsed: ParsedMessage) -> Verdict:
    """What our MTA's ``Authentication-Results`` say about the From address."""
    results = trusted_results(parsed)
    if not results:
        return Verdict(False, "no trusted Authentication-Results")
    from_domain = parsed.from_address.rpartition("@")[2]
    if any(r.method == "dmarc" and r.result != "pass" for r in results):
        return Verdict(False, "DMARC did not pass")
    for r in results:
        header_from = r.properties.get("header.from", from_domain)
        if r.method == "dmarc" and r.result == "pass" and header_from == from_domain:
            return Verdict(True, "dmarc")
    for r in results:
        signer = r.properties.get("header.d") or r.properties.get("header.i", "")
        if r.method == "dkim" and r.result == "pass" and _aligned(signer, from_domain):
            return Verdict(True, "dkim")
    return Verdict(False, "no DMARC or aligned DKIM pass")


def sender_verdict(parsed: ParsedMessage, *, via: str) -> Verdict:
    """``via`` is how the ticket was found (``threading.Thread.via``)."""
    if via == "headers":
        return Verdict(True, "message-id")
    return mta_verdict(parsed)
