"""SAML 2 through allauth's provider (python3-saml + xmlsec), configured from the institution.

No SAML identity provider runs here: the test plays the IdP itself, with a
key pair it makes, and signs its Response with xmlsec exactly as a Shibboleth
IdP does by default (signed Response, unsigned assertion). Everything on our
side — AuthnRequest, ACS, signature and audience checks, attribute mapping,
linking policy, login — is the real code.
"""

import base64
import datetime as dt
import uuid
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from accounts.models import Institution, InstitutionDomain, Membership, RequesterProfile, User
from accounts.tests.peers.saml_idp import self_signed
from accounts.tests.sso_helpers import local_path

pytestmark = pytest.mark.django_db
IDP = "https://idp.unicaen.test/idp/shibboleth"
SSO_URL = "https://idp.unicaen.test/idp/profile/SAML2/Redirect/SSO"


@pytest.fixture(scope="module")
def idp_keys(tmp_path_factory):
    key_path, cert_path = self_signed(tmp_path_factory.mktemp("idp-keys"))
    return key_path.read_text(), cert_path.read_text()


@pytest.fixture
def client(saml_client):
    return saml_client


@pytest.fixture
def saml_institution(idp_keys) -> Institution:
    _key, cert_pem = idp_keys
    institution = Institution.objects.create(
        name="Université de Caen Normandie",
        acronym="Unicaen",
        code="unicaen",
        sso_kind="saml",
        sso_settings={"idp": {"entity_id": IDP, "sso_url": SSO_URL, "x509cert": cert_pem}, "trust_email": True},
    )
    InstitutionDomain.objects.create(institution=institution, domain="unicaen.fr")
    return institution


def start(client) -> tuple[dict, str]:
    response = client.post("/sso/unicaen/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == SSO_URL
    query = parse_qs(url.query)
    request_xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    authn = etree.fromstring(request_xml)
    return dict(authn.attrib), query.get("RelayState", [""])[0]


def saml_response(authn: dict, idp_keys, attributes: dict, *, sign: bool = True) -> str:
    key_pem, cert_pem = idp_keys
    now = dt.datetime.now(dt.UTC)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    issued, later = now.strftime(fmt), (now + dt.timedelta(minutes=5)).strftime(fmt)
    acs = authn["AssertionConsumerServiceURL"]
    audience = "http://127.0.0.1/accounts/saml/unicaen/metadata/"
    values = "".join(
        f'<saml:Attribute Name="{name}">'
        + "".join(f"<saml:AttributeValue>{v}</saml:AttributeValue>" for v in vals)
        + "</saml:Attribute>"
        for name, vals in attributes.items()
    )
    xml = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{uuid.uuid4().hex}" Version="2.0"
 IssueInstant="{issued}" Destination="{acs}" InResponseTo="{authn["ID"]}">
<saml:Issuer>{IDP}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
<saml:Assertion ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{issued}">
<saml:Issuer>{IDP}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_t{uuid.uuid4().hex}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="{acs}" InResponseTo="{authn["ID"]}"/>
</saml:SubjectConfirmation></saml:Subject>
<saml:Conditions NotBefore="{issued}" NotOnOrAfter="{later}">
<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>
<saml:AuthnStatement AuthnInstant="{issued}" SessionIndex="_s1"><saml:AuthnContext>
<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
</saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement>{values}</saml:AttributeStatement>
</saml:Assertion></samlp:Response>"""
    if sign:
        xml = OneLogin_Saml2_Utils.add_sign(
            xml,
            key_pem,
            cert_pem,
            sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
            digest_algorithm=OneLogin_Saml2_Constants.SHA256,
        )
    else:
        xml = xml.encode()
    return base64.b64encode(xml).decode()


ATTRIBUTES = {
    "urn:oid:0.9.2342.19200300.100.1.1": ["lmartin"],
    "urn:oid:0.9.2342.19200300.100.1.3": ["Lea.Martin@unicaen.fr"],
    "urn:oid:2.5.4.42": ["Léa"],
    "urn:oid:2.5.4.4": ["Martin"],
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["employee", "member"],
}


def test_saml_authn_request_targets_institution_idp(client, saml_institution):
    authn, _relay = start(client)
    assert authn["AssertionConsumerServiceURL"] == "http://127.0.0.1/accounts/saml/unicaen/acs/"
    assert authn["Destination"] == SSO_URL


def test_saml_metadata_published(client, saml_institution):
    response = client.get("/accounts/saml/unicaen/metadata/")
    assert response.status_code == 200
    assert b'entityID="http://127.0.0.1/accounts/saml/unicaen/metadata/"' in response.content


def test_saml_signed_response_logs_in_and_maps_attributes(client, saml_institution, idp_keys):
    authn, relay = start(client)
    response = client.post(
        local_path(authn["AssertionConsumerServiceURL"]),
        {"SAMLResponse": saml_response(authn, idp_keys, ATTRIBUTES), "RelayState": relay},
        follow=True,
    )
    assert response.status_code == 200
    user = User.objects.get(email="lea.martin@unicaen.fr")
    assert (user.first_name, user.last_name, user.profile) == ("Léa", "Martin", RequesterProfile.STAFF)
    assert Membership.objects.get(user=user).institution == saml_institution
    assert client.session["_auth_user_id"] == str(user.pk)


def test_saml_unsigned_response_rejected(client, saml_institution, idp_keys):
    authn, relay = start(client)
    client.post(
        local_path(authn["AssertionConsumerServiceURL"]),
        {"SAMLResponse": saml_response(authn, idp_keys, ATTRIBUTES, sign=False), "RelayState": relay},
        follow=True,
    )
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
