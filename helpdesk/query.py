"""Query-string parameters, read through forms with bounds.

Every GET parameter a view reads goes through a ``QueryForm``: text is
length-capped and refused when it holds a NUL byte (Django's ``CharField``),
numbers have a range. A value that fails gives the field's empty value (the
page then shows nothing for it), never a server error.
``helpdesk/tests/test_bad_query_params.py`` walks every URL with bad values.
"""

from __future__ import annotations

from typing import Any

from django import forms

# A page number beyond this is not a page anyone reads (50 rows a page).
MAX_PAGE = 10_000
# Database ids and day counts fit a 32-bit signed integer on every backend.
MAX_ID = 2**31 - 1


def text_field(max_length: int = 200) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length)


def page_field() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)


def id_field() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class QueryForm(forms.Form):
    """A form over ``request.GET`` whose ``values()`` never fail."""

    def values(self) -> dict[str, Any]:
        """The cleaned values; a field with an error (or absent) gives its empty value."""
        self.is_valid()
        return {
            name: self.cleaned_data[name] if name in self.cleaned_data else field.to_python("")
            for name, field in self.fields.items()
        }
