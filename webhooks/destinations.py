"""SSRF guard: a webhook never reaches loopback, link-local, private or other non-public addresses,
unless an administrator lists their network in ``GUICHET_WEBHOOK_ALLOWED_NETWORKS``.

Checked when a subscription is saved and again at every delivery, on the addresses the name
resolves to then; the connection goes to the address that was checked (no second lookup that a
rebinding DNS could answer differently).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class DestinationRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.GUICHET_WEBHOOK_ALLOWED_NETWORKS]


def checked_address(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, ip)`` for ``url`` when every address it resolves to is allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused(_("Seules les adresses http:// et https:// sont acceptées."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DestinationRefused(_("Ce nom de domaine ne se résout pas.")) from exc
    allowed = _allowed_networks()
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not address.is_global and not any(address in network for network in allowed):
            raise DestinationRefused(
                _("Destination refusée : %(address)s est une adresse interne (boucle locale, lien local ou privée).")
                % {"address": address}
            )
    return parts.scheme, parts.hostname, port, str(addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self.ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST to ``url`` after the check, connecting to the checked address; the response's status code."""
    scheme, host, port, ip = checked_address(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = (_PinnedHTTPS if scheme == "https" else _PinnedHTTP)(host, port, ip, timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()
