"""The widgets written in Python (``helpdesk.widget_html``) give Django's templates' HTML, character for
character, for every kind of value, attribute and widget they answer; an overridden template is used."""

from __future__ import annotations

import itertools

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from helpdesk.forms import GuichetFormRenderer
from helpdesk.widget_html import WRITERS


class SeveralFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


WIDGETS = [
    forms.TextInput, forms.EmailInput, forms.NumberInput, forms.HiddenInput, forms.URLInput, forms.DateInput,
    forms.TimeInput, forms.DateTimeInput, forms.SearchInput, forms.TelInput, forms.ColorInput, forms.Textarea,
    forms.CheckboxInput, forms.ClearableFileInput, SeveralFiles, forms.FileInput,
    lambda **kw: forms.PasswordInput(render_value=True, **kw),
]  # fmt: skip
VALUES = [None, "", "simple", "<b>\"q\" & 's'</b>\nligne 2", mark_safe("<i>sûr</i>"), 0, 42, 3.5, True, False,
          gettext_lazy("Réponse")]  # fmt: skip
ATTRS = [
    {},
    {"class": "a b", "data-x": '"<&>', "required": True, "disabled": False, "maxlength": 200},
    {"placeholder": gettext_lazy("Écrivez votre réponse au demandeur…"), "rows": 5, "aria-describedby": "h"},
    {"value": mark_safe("<déjà>"), "id": "composer-text"},
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_written_widgets_are_the_templates_html(language, settings):
    settings.LANGUAGE_CODE = language
    renderer = GuichetFormRenderer()
    used = set()
    for make, value, attrs in itertools.product(WIDGETS, VALUES, ATTRS):
        widget = make(attrs=dict(attrs))
        context = widget.get_context("champ", value, {"id": "id_champ"})
        name = widget.template_name
        expected = TemplatesSetting.render(renderer, name, context)
        assert renderer.render(name, context) == expected, (name, value, attrs)
        used.add(name)
    assert {name for name in used if name in WRITERS} == used  # every widget above took the written path


@pytest.mark.django_db
def test_a_form_renders_the_same_either_way():
    class Form(forms.Form):
        text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
        version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        email = forms.EmailField(required=False, help_text="<aide>")
        files = forms.FileField(widget=SeveralFiles, required=False)

    bound = Form({"text": "<script>x</script>", "version": "x", "email": "a@b"})
    for form in (Form(initial={"text": "Bonjour & merci", "version": 3}), bound):
        fast = str(form.as_div())
        form.renderer = TemplatesOnly()
        assert str(form.as_div()) == fast


class TemplatesOnly(GuichetFormRenderer):
    def render(self, template_name, context, request=None):
        return TemplatesSetting.render(self, template_name, context, request=request)


def test_a_template_overridden_in_the_project_is_used(settings, tmp_path):
    folder = tmp_path / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (folder / "textarea.html").write_text('<textarea class="ours" name="{{ widget.name }}"></textarea>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    widget = forms.Textarea()
    html = widget.render("champ", "x", renderer=GuichetFormRenderer())
    assert html == '<textarea class="ours" name="champ"></textarea>'
    assert forms.TextInput().render("champ", "x", renderer=GuichetFormRenderer()).startswith('<input type="text"')


def test_error_lists_are_the_templates_html():
    fast, slow = GuichetFormRenderer(), TemplatesOnly()
    for errors in ([], ["Ce champ est obligatoire.", "<b>trop</b> long & faux"]):
        for field_id in (None, "id_text"):
            written = ErrorList(errors, renderer=fast, field_id=field_id)
            assert str(written) == str(ErrorList(errors, renderer=slow, field_id=field_id))
    assert str(ErrorList([], renderer=fast)) == ""
