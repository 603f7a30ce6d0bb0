"""Choice widgets that write their options in their own template.

Django renders each option through an included template, which includes the attributes
template in turn: two template renders per option. The queue's filter form offers 60 to 160
options (services, members, categories, institutions, statuses), which cost about 8 ms of the
page (issue 22). These widgets render the same HTML with the option markup inlined in one
template (``templates/tickets/agent/widgets/``); ``test_widgets`` checks the HTML is Django's.
"""

from __future__ import annotations

from django import forms


class InlineSelect(forms.Select):
    template_name = "tickets/agent/widgets/select.html"


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "tickets/agent/widgets/checkboxes.html"
