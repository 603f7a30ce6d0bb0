"""Run a real SAML 2 identity provider (pysaml2's IdP, ``saml2.server.Server``) on 127.0.0.1.

    python -m accounts.tests.peers.saml_idp --port 9500 --workdir DIR --sp-metadata sp.xml [--users users.json]

It plays a university's Shibboleth: it reads the AuthnRequest an SP sends by
HTTP-Redirect to ``/sso/redirect``, shows a login form, checks the password
against a JSON directory, and answers by HTTP-POST with a Response and an
Assertion both signed (RSA-SHA256, by xmlsec1) carrying the attributes a
French university releases (eduPerson + SUPANN, URI names). It writes its
signing certificate to ``WORKDIR/idp.crt`` and serves its metadata at
``/metadata``. Each user of the directory: ``{"password": ..., "attributes": {...}}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

# SHA-1 signatures are refused by any current SP (ours included).
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

SUPANN_MAP = """
from saml2.attributemaps import saml_uri as _base  # the module: a dict here would be read as a second map

SUPANN = "urn:oid:1.3.6.1.4.1.7135.1.2.1."
EXTRA = {SUPANN + "14": "supannEtablissement", SUPANN + "11": "supannEtuId"}
MAP = {
    "identifier": _base.MAP["identifier"],
    "fro": {**_base.MAP["fro"], **EXTRA},
    "to": {**_base.MAP["to"], **{name: oid for oid, name in EXTRA.items()}},
}
"""


def self_signed(workdir: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = workdir / "idp.key", workdir / "idp.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def build_idp(*, base: str, workdir: Path, sp_metadata: str):
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig
    from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT
    from saml2.server import Server

    key_path, cert_path = self_signed(workdir)
    maps = workdir / "attributemaps"
    maps.mkdir(exist_ok=True)
    (maps / "__init__.py").write_text("")
    (maps / "supann_uri.py").write_text(SUPANN_MAP)
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "name": "Guichet test IdP",
                    "endpoints": {"single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)]},
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                            "sign_response": True,
                            "sign_assertion": True,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": str(key_path),
            "cert_file": str(cert_path),
            "metadata": {"local": [sp_metadata]},
            "attribute_map_dir": str(maps),
            "xmlsec_binary": "/usr/bin/xmlsec1",
        }
    )
    return Server(config=config)


class IdPApp:
    def __init__(self, idp, users: dict) -> None:
        self.idp, self.users = idp, users
        self.pending: dict[str, tuple[object, str]] = {}

    def __call__(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        if path == "/metadata":
            from saml2.metadata import create_metadata_string

            body = create_metadata_string(None, config=self.idp.config, sign=False)
            return self._reply(start_response, "200 OK", body, "application/samlmetadata+xml")
        if path == "/sso/redirect" and method == "GET":
            return self._login_form(start_response, parse_qs(environ.get("QUERY_STRING", "")))
        if path == "/sso/login" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            return self._authenticate(start_response, parse_qs(environ["wsgi.input"].read(size).decode()))
        return self._reply(start_response, "404 Not Found", b"not found")

    def _login_form(self, start_response, query):
        from saml2 import BINDING_HTTP_REDIRECT

        try:
            request = self.idp.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        except Exception as exc:  # a malformed request is the SP's bug: say so
            return self._reply(start_response, "400 Bad Request", f"bad AuthnRequest: {exc}".encode())
        key = secrets.token_urlsafe(16)
        self.pending[key] = (request.message, query.get("RelayState", [""])[0])
        page = (
            '<form method="post" action="/sso/login">'
            f'<input type="hidden" name="key" value="{key}">'
            '<input name="username"><input type="password" name="password">'
            '<button type="submit">Login</button></form>'
        )
        return self._reply(start_response, "200 OK", page.encode())

    def _authenticate(self, start_response, form):
        from saml2 import BINDING_HTTP_POST

        key = form.get("key", [""])[0]
        username, password = form.get("username", [""])[0], form.get("password", [""])[0]
        entry = self.users.get(username)
        if key not in self.pending or not entry or entry["password"] != password:
            return self._reply(start_response, "403 Forbidden", b"authentication failed")
        authn_request, relay_state = self.pending.pop(key)
        args = self.idp.response_args(authn_request)
        response = self.idp.create_authn_response(
            entry["attributes"],
            userid=username,
            authn={
                "class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                "authn_auth": self.idp.config.entityid,
            },
            sign_response=True,
            sign_assertion=True,
            sign_alg=RSA_SHA256,
            digest_alg=SHA256,
            **args,
        )
        http_args = self.idp.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        body = http_args["data"]
        return self._reply(start_response, "200 OK", body.encode() if isinstance(body, str) else body)

    @staticmethod
    def _reply(start_response, status: str, body, content_type: str = "text/html; charset=utf-8"):
        body = body.encode() if isinstance(body, str) else body
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("saml-idp: " + (format % args) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9500)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--sp-metadata", required=True, help="the SP's metadata XML file")
    parser.add_argument("--users", required=True, help="JSON directory of users")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    idp = build_idp(base=f"http://127.0.0.1:{args.port}", workdir=workdir, sp_metadata=args.sp_metadata)
    users = json.loads(Path(args.users).read_text(encoding="utf-8"))
    sys.stderr.write(f"SAML IdP: http://127.0.0.1:{args.port}/metadata\n")
    make_server("127.0.0.1", args.port, IdPApp(idp, users), handler_class=_QuietHandler).serve_forever()


if __name__ == "__main__":
    main()
