import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "catalogue", "tickets", "knowledge", "account"}
    }


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_data(capsys):
    call_command("seed_demo")
    first = snapshot()
    first_out = capsys.readouterr().out
    call_command("seed_demo")
    assert snapshot() == first
    assert capsys.readouterr().out == first_out


@pytest.mark.django_db
def test_seed_demo_prints_a_login_for_each_role(capsys, settings):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for role in ("requester", "correspondent", "agent", "manager", "admin"):
        assert f"  {role} " in out
    assert settings.GUICHET_DEMO_PASSWORD in out
    agent = User.objects.get(email="agent@demo.guichet.test")
    assert agent.check_password(settings.GUICHET_DEMO_PASSWORD)
    assert agent.is_agent
    assert User.objects.get(email="responsable@demo.guichet.test").is_service_manager
    assert User.objects.get(email="correspondant@demo.guichet.test").is_correspondent
