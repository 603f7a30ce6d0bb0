"""Forms of the knowledge base: the search filters and the editor's article form."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from catalogue.models import Category, Software
from helpdesk.query import QueryForm, id_field, page_field, text_field
from knowledge.models import Article, ArticleStatus
from knowledge.selectors import STATUS_ALL, ArticleFilters, domain_choices


class AccessibleFormMixin:
    """Tie each field's error list to its widget (aria-describedby), as field.html renders it."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_errors"]
                if self.fields[name].help_text:
                    described.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)


def suggest_input_attrs(category: Category | None = None) -> dict[str, str]:
    """Widget attributes for the title input of the filing form (live suggestions, htmx)."""
    url = reverse("knowledge:suggest") + (f"?category={category.pk}" if category is not None else "")
    return {
        "hx-get": url,
        "hx-trigger": "keyup changed delay:300ms, search",
        "hx-target": "#kb-suggestions",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
        "aria-controls": "kb-suggestions",
        "autocomplete": "off",
    }


class SuggestForm(QueryForm):
    """The title being typed in the filing form (``q``, or ``title`` as the input is named there)."""

    q = text_field()
    title = text_field()
    category = id_field()


class AgentSearchForm(QueryForm):
    q = text_field()


class PageForm(QueryForm):
    page = page_field()


class ArticleSearchForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Mots, « expression exacte », -mot à exclure, ou un code message (ORA-01555)."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    category = forms.ModelChoiceField(
        label=_("Catégorie"), required=False, queryset=Category.objects.none(), empty_label=_("Toutes")
    )
    domain = forms.ChoiceField(label=_("Domaine"), required=False)
    software = forms.ModelChoiceField(
        label=_("Logiciel"), required=False, queryset=Software.objects.all(), empty_label=_("Tous")
    )
    version = forms.CharField(label=_("Version installée"), required=False, max_length=50)
    code = forms.CharField(label=_("Code message"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("position", "name")
        self.fields["domain"].choices = [("", _("Tous"))] + [(d, d) for d in domain_choices()]
        if roles.is_helpdesk_staff(user):
            self.fields["status"] = forms.ChoiceField(
                label=_("Statut"),
                required=False,
                choices=[
                    ("", _("Publiés")),
                    (ArticleStatus.DRAFT, ArticleStatus.DRAFT.label),
                    (ArticleStatus.ARCHIVED, ArticleStatus.ARCHIVED.label),
                    (STATUS_ALL, _("Tous les statuts")),
                ],
            )

    @property
    def uses_filters(self) -> bool:
        """Whether a filter beyond the words is set (the filter panel then starts open)."""
        return self.is_bound and self.is_valid() and any(v for k, v in self.cleaned_data.items() if k != "q")

    def filters(self) -> ArticleFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ArticleFilters(
            q=data.get("q", ""),
            category=data.get("category"),
            domain=data.get("domain", ""),
            software=data.get("software"),
            version=data.get("version", ""),
            code=data.get("code", ""),
            status=data.get("status", ""),
        )


class ArticleEditForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "problem", "solution", "codes", "category", "domain", "software", "version", "language"]
