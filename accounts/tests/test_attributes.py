import pytest

from accounts.models import Institution, RequesterProfile
from accounts.sso.attributes import flatten_claims, person_from_attributes, profile_from_affiliations


@pytest.mark.parametrize(
    ("primary", "affiliations", "student_number", "expected"),
    [
        ("", ["student", "member"], "", RequesterProfile.STUDENT),
        ("", ["staff", "employee", "member"], "", RequesterProfile.STAFF),
        ("", ["faculty"], "", RequesterProfile.STAFF),
        ("", ["student", "employee"], "", RequesterProfile.STAFF),
        ("student", ["student", "employee"], "", RequesterProfile.STUDENT),
        ("", ["affiliate"], "", RequesterProfile.EXTERNAL),
        ("", ["student@univ-amu.fr"], "", RequesterProfile.STUDENT),
        ("", [], "21001234", RequesterProfile.STUDENT),
        ("", [], "", ""),
    ],
)
def test_profile_from_affiliations(primary, affiliations, student_number, expected):
    assert profile_from_affiliations(primary=primary, affiliations=affiliations, student_number=student_number) == (
        expected
    )


def test_person_from_saml_oid_attributes():
    institution = Institution(code="x")
    person = person_from_attributes(
        institution=institution,
        subject="s1",
        attributes={
            "urn:oid:0.9.2342.19200300.100.1.3": ["A.B@Univ.fr"],
            "urn:oid:2.5.4.42": ["Alice"],
            "urn:oid:2.5.4.4": ["Bernard"],
            "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["staff"],
        },
    )
    assert (person.email, person.first_name, person.last_name, person.profile) == (
        "a.b@univ.fr",
        "Alice",
        "Bernard",
        RequesterProfile.STAFF,
    )


def test_person_institution_attribute_map_overrides_default():
    institution = Institution(code="x", sso_settings={"attribute_map": {"email": "courriel"}})
    person = person_from_attributes(
        institution=institution, subject="s", attributes={"courriel": "z@u.fr", "mail": "no@u.fr"}
    )
    assert person.email == "z@u.fr"


def test_person_invalid_email_is_missing():
    person = person_from_attributes(
        institution=Institution(code="x"), subject="s", attributes={"mail": "not-an-address"}
    )
    assert person.email == ""


def test_person_display_name_split_when_no_given_name():
    person = person_from_attributes(
        institution=Institution(code="x"), subject="s", attributes={"displayName": "Jo Ann Lee"}
    )
    assert (person.first_name, person.last_name) == ("Jo", "Ann Lee")


def test_flatten_claims_prefers_userinfo():
    assert flatten_claims({"id_token": {"email": "a@x", "sub": "1"}, "userinfo": {"email": "b@x"}}) == {
        "email": "b@x",
        "sub": "1",
    }
