"""The filing form marks required fields and sums up its errors (RGAA 11.10–11.11).

Every field goes through the one field template of the form renderer
(``templates/forms/field.html``), so these marks are the same in every app.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .conftest import EXE, upload
from .test_filing_pages import da_category, form_data  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _tag(html: str, element_id: str) -> str:
    """The opening tag of the element with ``id=element_id``."""
    match = re.search(rf'<(?:input|textarea|select)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def _label(html: str, for_id: str) -> str:
    match = re.search(rf'<label for="{for_id}">(.*?)</label>', html, re.S)
    assert match, for_id
    return match.group(1)


def test_required_fields_have_asterisk_and_required_attributes(da_category, requester, client_for):  # noqa: F811
    html = client_for(requester).get(reverse("tickets:file", args=[da_category.slug])).content.decode()
    for field_id in ("id_title", "id_description", "id_domain", "id_installed_version", "id_f-numero_etudiant"):
        assert '<span class="required-mark" aria-hidden="true"> *</span>' in _label(html, field_id)
        tag = _tag(html, field_id)
        assert " required" in tag
        assert 'aria-required="true"' in tag
    # Optional fields: no mark, no attribute.
    assert "required-mark" not in _label(html, "id_internal_number")
    assert "required" not in _tag(html, "id_internal_number")
    assert "required" not in _tag(html, "id_attachments")
    # The radio group of the blocking scheme: the legend carries the mark.
    legend = re.search(r"<legend>(.*?)</legend>", html, re.S).group(1)
    assert legend.startswith('Priorité<span class="required-mark"')
    assert "(obligatoire)" in legend
    assert "Les champs marqués d'un astérisque sont obligatoires." in html


def test_invalid_fields_get_error_style_aria_and_a_summary_linking_to_them(
    da_category,  # noqa: F811
    requester,
    client_for,
):
    url = reverse("tickets:file", args=[da_category.slug])
    data = form_data(title="", **{"f-numero_etudiant": "12"})
    response = client_for(requester).post(url, {**data, "attachments": [upload("virus.exe", EXE)]})
    html = response.content.decode()
    assert response.status_code == 200
    # The summary comes first in the form, gets focus (data-autofocus + tabindex) and links to each field.
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert html.index("error-summary") < html.index('id="id_title"')
    assert 'tabindex="-1"' in summary and 'role="alert"' in summary and "data-autofocus" in summary
    assert "Le formulaire contient 3 erreurs" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<:]+?) : ', summary)
    assert links == [
        ("id_title", "Titre"),
        ("id_attachments", "Pièces jointes"),
        ("id_f-numero_etudiant", "Numéro étudiant AMU"),
    ]
    # Each invalid field: error style on its group, aria-invalid, described by its error list.
    for field_id in ("id_title", "id_attachments", "id_f-numero_etudiant"):
        tag = _tag(html, field_id)
        assert 'aria-invalid="true"' in tag
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert f"{field_id}_error" in described
        assert f'<ul class="errorlist" id="{field_id}_error">' in html
        group_start = html.rindex('<div class="field', 0, html.index(f'id="{field_id}"'))
        assert html[group_start:].startswith('<div class="field field--error')
    assert "aria-invalid" not in _tag(html, "id_description")
    # The focus script is a file, not inline.
    assert '<script src="/static/js/forms.js" defer></script>' in html


def test_no_summary_before_the_first_submission(da_category, requester, client_for):  # noqa: F811
    html = client_for(requester).get(reverse("tickets:file", args=[da_category.slug])).content.decode()
    assert "error-summary" not in html
    assert "aria-invalid" not in html
