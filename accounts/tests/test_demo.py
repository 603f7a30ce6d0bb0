import pytest
from django.core.management import call_command

from accounts.models import Institution, RequesterProfile, User

pytestmark = pytest.mark.django_db


def test_demo_has_institutions_profiles_and_correspondents(capsys):
    call_command("seed_demo")
    assert {i.code: i.sso_kind for i in Institution.objects.all()} == {
        "amu": "cas",
        "ujm": "oidc",
        "unicaen": "",
        "amue": "",
    }
    assert Institution.objects.get(code="amu").domains.get().domain == "univ-amu.fr"
    profiles = set(User.objects.exclude(profile="").values_list("profile", flat=True))
    assert profiles == set(RequesterProfile.values)
    colleague = User.objects.get(email="correspondant.technique@demo.guichet.test")
    assert colleague.is_correspondent
    assert (
        colleague.correspondent_institution_ids
        == User.objects.get(email="correspondant@demo.guichet.test").correspondent_institution_ids
    )
