"""From the attributes an identity provider releases to a person we can use.

CAS, SAML and OIDC name the same facts differently (``mail``, the
``urn:oid:`` form of SAML, the ``email`` claim). One default map covers the
usual French university releases (eduPerson + SUPANN); an institution may
override entries in ``sso_settings["attribute_map"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import Institution, RequesterProfile

DEFAULT_ATTRIBUTE_MAP: dict[str, list[str]] = {
    "email": ["mail", "email", "urn:oid:0.9.2342.19200300.100.1.3"],
    "first_name": ["givenName", "given_name", "urn:oid:2.5.4.42"],
    "last_name": ["sn", "family_name", "urn:oid:2.5.4.4"],
    "display_name": ["displayName", "cn", "name", "urn:oid:2.16.840.1.113730.3.1.241"],
    "primary_affiliation": ["eduPersonPrimaryAffiliation", "urn:oid:1.3.6.1.4.1.5923.1.1.1.5"],
    "affiliations": ["eduPersonAffiliation", "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"],
    "student_number": ["supannEtuId"],
}

# eduPersonAffiliation / SUPANN values → requester profile; the first match in
# this order wins, so a PhD student who is also an employee is "staff".
AFFILIATION_PROFILES: list[tuple[frozenset[str], RequesterProfile]] = [
    (frozenset({"staff", "employee", "faculty", "teacher", "researcher", "emeritus"}), RequesterProfile.STAFF),
    (frozenset({"student"}), RequesterProfile.STUDENT),
    (
        frozenset({"affiliate", "alum", "retired", "registered-reader", "library-walk-in", "member"}),
        RequesterProfile.EXTERNAL,
    ),
]


@dataclass(frozen=True)
class SSOPerson:
    """What one SSO login tells us about a person."""

    subject: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    profile: str = ""
    student_number: str = ""
    affiliations: tuple[str, ...] = ()
    raw: dict = field(default_factory=dict, compare=False)


def _values(attributes: Mapping[str, object], keys: Iterable[str]) -> list[str]:
    for key in keys:
        value = attributes.get(key)
        if value in (None, "", []):
            continue
        items = value if isinstance(value, list | tuple) else [value]
        return [str(item).strip() for item in items if str(item).strip()]
    return []


def _first(attributes: Mapping[str, object], keys: Iterable[str]) -> str:
    values = _values(attributes, keys)
    return values[0] if values else ""


def profile_from_affiliations(*, primary: str, affiliations: Iterable[str], student_number: str) -> str:
    """The requester profile for these affiliations ("" when nothing says)."""
    for candidates in ([primary] if primary else [], list(affiliations)):
        values = {value.lower().split("@", 1)[0] for value in candidates}  # "student@univ-amu.fr" is scoped
        for known, profile in AFFILIATION_PROFILES:
            if values & known:
                return profile
    return RequesterProfile.STUDENT if student_number else ""


def attribute_map_for(institution: Institution) -> dict[str, list[str]]:
    overrides = (institution.sso_settings or {}).get("attribute_map") or {}
    merged = dict(DEFAULT_ATTRIBUTE_MAP)
    for key, names in overrides.items():
        merged[key] = [names] if isinstance(names, str) else list(names)
    return merged


def person_from_attributes(*, institution: Institution, subject: str, attributes: Mapping[str, object]) -> SSOPerson:
    amap = attribute_map_for(institution)
    email = _first(attributes, amap["email"]).lower()
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    first_name = _first(attributes, amap["first_name"])
    last_name = _first(attributes, amap["last_name"])
    if not (first_name or last_name):
        first_name, _sep, last_name = _first(attributes, amap["display_name"]).partition(" ")
    affiliations = tuple(_values(attributes, amap["affiliations"]))
    student_number = _first(attributes, amap["student_number"])
    return SSOPerson(
        subject=subject,
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
        profile=profile_from_affiliations(
            primary=_first(attributes, amap["primary_affiliation"]),
            affiliations=affiliations,
            student_number=student_number,
        ),
        student_number=student_number[:30],
        affiliations=affiliations,
        raw=dict(attributes),
    )


def flatten_claims(extra_data: Mapping[str, object]) -> dict[str, object]:
    """allauth stores OIDC data as ``{"id_token": {...}, "userinfo": {...}}``; SAML as attributes."""
    if isinstance(extra_data.get("userinfo"), dict) or isinstance(extra_data.get("id_token"), dict):
        merged: dict[str, object] = {}
        merged.update(extra_data.get("id_token") or {})
        merged.update(extra_data.get("userinfo") or {})
        return merged
    return dict(extra_data)
