"""The inlined choice widgets write exactly Django's HTML (issue 22: same page, fewer template renders)."""

from __future__ import annotations

import pytest
from django import forms

from tickets.agent import queue as q
from tickets.agent.forms import QueueFilterForm
from tickets.agent.widgets import InlineCheckboxes, InlineSelect

CHOICES = [
    ("", "—"),
    ("a", "Alpha & <b>"),
    ("Groupe", [("g1", "Un"), ("g2", "Deux « deux »")]),
    (3, "Trois"),
]


@pytest.mark.parametrize("value", [None, "", "a", "g2", "3", ["a", "g1"]])
@pytest.mark.parametrize("attrs", [{}, {"class": "x", "aria-describedby": "help", "disabled": True, "hidden": False}])
def test_inline_widgets_render_what_django_renders(value, attrs):
    for stock, inline in ((forms.Select, InlineSelect), (forms.CheckboxSelectMultiple, InlineCheckboxes)):
        expected = stock(attrs=attrs, choices=CHOICES).render("f", value, attrs={"id": "id_f"})
        assert inline(attrs=attrs, choices=CHOICES).render("f", value, attrs={"id": "id_f"}) == expected
        assert inline(choices=CHOICES).render("f", value) == stock(choices=CHOICES).render("f", value)


@pytest.mark.django_db
def test_queue_filter_form_renders_as_with_django_widgets(agent, service, category, institution):
    data = {"status": ["ECT", "ARS"], "priority": "2", "category": str(category.pk), "assignee": "mine",
            "institution": str(institution.pk), "waiting": "service", "service": str(service.pk)}  # fmt: skip
    agent.refresh_from_db()

    def form(bound):
        return QueueFilterForm(bound, services=q.queue_services(agent), service_ids=sorted(agent.service_ids),
                               members=[agent])  # fmt: skip

    for bound in (None, data):
        inline, stock = form(bound), form(bound)
        for field in stock.fields.values():
            if isinstance(field.widget, InlineSelect | InlineCheckboxes):
                stock_class = forms.Select if isinstance(field.widget, InlineSelect) else forms.CheckboxSelectMultiple
                widget = stock_class(attrs=field.widget.attrs)
                widget.choices = field.widget.choices
                field.widget = widget
        assert [str(inline[name]) for name in inline.fields] == [str(stock[name]) for name in stock.fields]
        assert "InlineSelect" not in repr([type(f.widget) for f in stock.fields.values()])
