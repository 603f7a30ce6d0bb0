"""Filing through the pages: form, preview, submission, confirmation; bad input keeps the typed text."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from catalogue.models import FieldKind, FormField, InstalledSoftware, PriorityScheme, Software
from tickets.models import PendingUpload, Ticket
from tickets.priority import BLOCKING_DEFINITION
from tickets.status import TicketStatus

from .conftest import EXE, HTML, PDF, PNG, SVG, upload


@pytest.fixture
def da_category(category, institution):
    """A DA-like leaf: blocking scheme, domains, software version, a student-number field."""
    software = Software.objects.create(name="Apogée")
    InstalledSoftware.objects.create(institution=institution, software=software, version="6.2.1")
    category.priority_scheme = PriorityScheme.BLOCKING
    category.domains = ["Inscriptions", "Notes"]
    category.software = software
    category.asks_internal_number = True
    category.save()
    FormField.objects.create(
        category=category,
        key="numero_etudiant",
        label="Numéro étudiant AMU",
        kind=FieldKind.PATTERN,
        required=True,
        pattern=r"[0-9]{8}",
        pattern_message="8 chiffres exactement.",
    )
    return category


def form_data(**overrides) -> dict:
    data = {
        "title": "Inscription impossible en L2",
        "description": "Message « IA non autorisée » à la validation.",
        "is_blocking": "1",
        "domain": "Inscriptions",
        "installed_version": "6.2.1",
        "internal_number": "INT-42",
        "f-numero_etudiant": "12345678",
        "step": "preview",
    }
    data.update(overrides)
    return data


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden fields of the preview form, as the browser would send them back."""
    import re

    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
        if name != "csrfmiddlewaretoken"
    }


@pytest.mark.django_db
def test_form_shows_category_fields_prefilled_version_and_blocking_definition(da_category, requester, client_for):
    response = client_for(requester).get(reverse("tickets:file", args=[da_category.slug]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Numéro étudiant AMU" in content
    assert 'value="6.2.1"' in content
    assert str(BLOCKING_DEFINITION)[:200] in content
    assert 'enctype="multipart/form-data"' in content


@pytest.mark.django_db
def test_preview_then_submit_files_the_ticket_with_its_files(da_category, requester, client_for):
    client = client_for(requester)
    url = reverse("tickets:file", args=[da_category.slug])
    preview = client.post(url, {**form_data(), "attachments": [upload("capture.png", PNG), upload("a.pdf", PDF)]})
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "Aperçu de votre demande" in content
    assert "capture.png" in content
    assert "Bloquant" in content
    assert Ticket.objects.count() == 0
    assert PendingUpload.objects.filter(user=requester).count() == 2

    data = hidden_inputs(content)
    assert data["title"] == "Inscription impossible en L2"
    submitted = client.post(url, {**data, "step": "submit"})
    ticket = Ticket.objects.get()
    assert submitted.status_code == 302
    assert submitted["Location"] == reverse("tickets:filed", args=[ticket.reference])
    assert (ticket.status, ticket.requester, ticket.is_blocking, ticket.priority) == (
        TicketStatus.NEW,
        requester,
        True,
        5,
    )
    assert (ticket.domain, ticket.installed_version, ticket.internal_number) == ("Inscriptions", "6.2.1", "INT-42")
    assert ticket.form_values == {"numero_etudiant": "12345678"}
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == ["a.pdf", "capture.png"]
    assert all(default_storage.exists(a.file.name) for a in ticket.attachments.all())
    assert PendingUpload.objects.count() == 0
    assert list(ticket.events.values_list("action", "actor")) == [("file", requester.pk)]

    confirmation = client.get(submitted["Location"]).content.decode()
    assert f"#{ticket.reference}" in confirmation


@pytest.mark.django_db
def test_edit_from_preview_keeps_values_and_files(da_category, requester, client_for):
    client = client_for(requester)
    url = reverse("tickets:file", args=[da_category.slug])
    preview = client.post(url, {**form_data(), "attachments": [upload("capture.png", PNG)]})
    back = client.post(url, {**hidden_inputs(preview.content.decode()), "step": "edit"})
    content = back.content.decode()
    assert "Nouvelle demande" in content
    assert 'value="Inscription impossible en L2"' in content
    assert "Fichiers déjà joints" in content
    assert "capture.png" in content


@pytest.mark.django_db
def test_other_users_pending_file_cannot_be_claimed(da_category, requester, colleague, client_for):
    url = reverse("tickets:file", args=[da_category.slug])
    preview = client_for(requester).post(url, {**form_data(), "attachments": [upload("capture.png", PNG)]})
    stolen = hidden_inputs(preview.content.decode())
    response = client_for(colleague).post(url, {**stolen, "step": "submit"})
    assert response.status_code == 200
    assert "ont expiré" in response.content.decode()
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1234567", "abcdefgh"])
def test_pattern_field_error_keeps_typed_text(da_category, requester, client_for, value):
    response = client_for(requester).post(
        reverse("tickets:file", args=[da_category.slug]), form_data(**{"f-numero_etudiant": value})
    )
    content = response.content.decode()
    assert "8 chiffres exactement." in content
    assert 'value="Inscription impossible en L2"' in content
    assert 'aria-invalid="true"' in content
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_missing_required_fields_refused(da_category, requester, client_for):
    response = client_for(requester).post(
        reverse("tickets:file", args=[da_category.slug]),
        form_data(title="", installed_version="", domain="Autre", is_blocking="", step="submit"),
    )
    form = response.context["form"]
    assert sorted(form.errors) == ["domain", "installed_version", "is_blocking", "title"]
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("facture.pdf", EXE, "n&#x27;est pas accepté"),
        ("page.html", HTML, "n&#x27;est pas accepté"),
        ("logo.svg", SVG, "n&#x27;est pas accepté"),
        ("gros.pdf", PDF + b"0" * 4096, "trop volumineux"),
    ],
)
def test_bad_files_refused_with_typed_text_kept(da_category, requester, client_for, settings, name, content, expected):
    settings.GUICHET_ATTACHMENT_MAX_SIZE = 2048
    response = client_for(requester).post(
        reverse("tickets:file", args=[da_category.slug]), {**form_data(), "attachments": [upload(name, content)]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert name in html
    assert 'value="Inscription impossible en L2"' in html
    assert "Message « IA non autorisée » à la validation." in html
    assert PendingUpload.objects.count() == 0
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_filing_needs_a_verified_email(category, client_for):
    from accounts.models import User

    user = User.objects.create_user(email="unverified@example.org", password="x" * 12)
    response = client_for(user).get(reverse("tickets:file", args=[category.slug]))
    assert "account/verified_email_required.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_filing_into_a_group_is_404(category, requester, client_for):
    assert client_for(requester).get(reverse("tickets:file", args=[category.parent.slug])).status_code == 404


@pytest.mark.django_db
def test_sve_category_shows_the_legal_notice(category, requester, client_for):
    category.is_sve = True
    category.sve_processing_delay = "2 mois"
    category.save()
    content = client_for(requester).get(reverse("tickets:file", args=[category.slug])).content.decode()
    assert "court à partir de la date de l'accusé de réception" in content
    assert "2 mois" in content


@pytest.mark.django_db
def test_valid_files_kept_when_another_field_is_wrong(da_category, requester, client_for):
    client = client_for(requester)
    url = reverse("tickets:file", args=[da_category.slug])
    first = client.post(url, {**form_data(**{"f-numero_etudiant": "123"}), "attachments": [upload("capture.png", PNG)]})
    content = first.content.decode()
    assert "8 chiffres exactement." in content
    assert "Fichiers déjà joints" in content
    assert "capture.png" in content
    token = str(PendingUpload.objects.get(user=requester).token)
    assert f'value="{token}"' in content
    preview = client.post(url, {**form_data(), "pending": token})
    assert "Aperçu de votre demande" in preview.content.decode()
    client.post(url, {**hidden_inputs(preview.content.decode()), "step": "submit"})
    assert list(Ticket.objects.get().attachments.values_list("original_name", flat=True)) == ["capture.png"]
