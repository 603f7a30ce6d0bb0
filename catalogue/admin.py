"""Administration of the catalogue: the tree (as a tree), services and their members.

The category changelist is ordered depth-first and indents each name by its
depth. Siblings are ordered by ``position`` (editable in the list); a subtree
moves with its root by changing the root's parent, and the model refuses a
parent taken from its own subtree.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from tree_queries.admin import AncestorFilter
from tree_queries.forms import TreeNodeChoiceField

from accounts.admin import UserAdmin
from accounts.models import RequesterProfile, User
from catalogue.models import (
    Category,
    CategoryKind,
    FormField,
    InboundAddress,
    InstalledSoftware,
    InstitutionRecord,
    RecordChange,
    Service,
    ServiceMembership,
    Software,
    TechnicalEnvironment,
)

INDENT = "\u00a0" * 5  # non-breaking spaces: the admin list keeps them


class BranchFilter(AncestorFilter):
    title = _("branche")


class ManagedServicesMixin:
    """Service managers given staff access see and edit the rows of the services they
    manage only (``service_lookup`` leads from the row to its service). Superusers, and
    staff who manage no service (administrators, ``accounts.roles.is_admin``), see everything."""

    service_lookup = "service"

    @staticmethod
    def _managed_only(request) -> bool:
        return not request.user.is_superuser and bool(request.user.managed_service_ids)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self._managed_only(request):
            return queryset
        return queryset.filter(**{f"{self.service_lookup}__in": request.user.managed_service_ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service" and self._managed_only(request):
            kwargs["queryset"] = Service.objects.filter(pk__in=request.user.managed_service_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CategoryChangeList(ChangeList):
    """Depth-first order, unless the admin clicked a column header."""

    def get_ordering(self, request, queryset):
        if self.params.get(ORDER_VAR):
            return super().get_ordering(request, queryset)
        return ["tree_ordering"]


class LeafOnlyInlineFormSet(BaseInlineFormSet):
    """Form fields and inbound addresses belong to leaves: a group receives no request."""

    def clean(self) -> None:
        super().clean()
        if self.instance.kind == CategoryKind.LEAF:
            return
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                raise ValidationError(
                    _("Réservé aux offres de service : un groupe ne reçoit pas de demandes, passez-le en « offre »."),
                    code="leaf_only",
                )


class FormFieldInline(admin.StackedInline):
    model = FormField
    formset = LeafOnlyInlineFormSet
    extra = 0
    prepopulated_fields = {"key": ["label"]}
    fields = [
        ("position", "key", "label"),
        ("kind", "required", "is_personal"),
        "profile_key",
        "help_text",
        "choices",
        ("pattern", "pattern_message"),
    ]
    formfield_overrides = {
        FormField._meta.get_field("choices").__class__: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 40})}
    }


class InboundAddressInline(admin.TabularInline):
    model = InboundAddress
    formset = LeafOnlyInlineFormSet
    extra = 0


class CategoryAdminForm(forms.ModelForm):
    audience_profiles = forms.MultipleChoiceField(
        label=_("Profils autorisés"),
        choices=RequesterProfile.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Category._meta.get_field("audience_profiles").help_text,
    )
    domains = forms.CharField(
        label=_("Domaines / natures"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        required=False,
        help_text=_("Un par ligne, dans l'ordre proposé au demandeur."),
    )

    class Meta:
        model = Category
        fields = [
            "name",
            "slug",
            "parent",
            "kind",
            "position",
            "icon",
            "description",
            "is_active",
            "audience_profiles",
            "audience_institutions",
            "open_to_correspondents",
            "lifecycle",
            "rejection_reasons",
            "service",
            "priority_scheme",
            "domains",
            "software",
            "asks_internal_number",
            "knowledge_policy",
            "is_sve",
            "sve_processing_delay",
            "sve_implicit_decision",
            "reminder_delay",
            "closure_delay",
            "timer_unit",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["domains"] = "\n".join(self.instance.domain_list)
        self.fields["parent"] = TreeNodeChoiceField(
            queryset=Category.objects.with_tree_fields().filter(kind=CategoryKind.GROUP).order_by("tree_ordering"),
            required=False,
            label=_("Parent"),
            help_text=_("Changer le parent déplace la catégorie avec toutes ses sous-catégories."),
        )

    def clean_domains(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["domains"].splitlines() if line.strip()]
        if len(set(lines)) != len(lines):
            raise ValidationError(_("Chaque domaine ne doit figurer qu'une fois."))
        return lines


@admin.register(Category)
class CategoryAdmin(ManagedServicesMixin, admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["indented_name", "kind", "service", "audience", "is_active", "position"]
    list_display_links = ["indented_name"]
    list_editable = ["position", "is_active"]
    list_filter = [BranchFilter, "kind", "is_active", "service", "priority_scheme", "is_sve"]
    search_fields = ["name", "slug", "description"]
    list_per_page = 200
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["service", "software", "audience_institutions"]
    inlines = [FormFieldInline, InboundAddressInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "parent", "kind", "position", "icon", "description", "is_active"]}),
        (
            _("Audience"),
            {
                "fields": [
                    "audience_profiles",
                    "audience_institutions",
                    "open_to_correspondents",
                    "lifecycle",
                    "rejection_reasons",
                ],
                "description": _("Une catégorie masquée à une personne masque aussi tout son contenu."),
            },
        ),
        (
            _("Offre de service"),
            {
                "fields": [
                    "service",
                    "priority_scheme",
                    "domains",
                    "software",
                    "asks_internal_number",
                    "knowledge_policy",
                ],
                "description": _("Ces réglages ne valent que pour une offre de service (feuille de l'arbre)."),
            },
        ),
        (
            _("Saisine par voie électronique (SVE)"),
            {"fields": ["is_sve", "sve_processing_delay", "sve_implicit_decision"]},
        ),
        (_("Délais du demandeur"), {"fields": ["reminder_delay", "closure_delay", "timer_unit"]}),
        (_("Satisfaction"), {"fields": ["satisfaction_survey"]}),
        (
            _("Données personnelles (RGPD)"),
            {
                "fields": ["retention_months", "sve_retention_months"],
                "description": _(
                    "Durées de conservation, héritées par toute la branche : la valeur la plus proche en "
                    "remontant l'arbre s'applique, sinon celle du site."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_tree_fields()
            .select_related("service")
            .prefetch_related("audience_institutions")
        )

    def get_changelist(self, request, **kwargs):
        return CategoryChangeList

    @admin.display(description=_("nom"))
    def indented_name(self, obj: Category) -> str:
        depth = getattr(obj, "tree_depth", 0)
        prefix = INDENT * (depth - 1) + "└\u00a0" if depth else ""
        return format_html("{}{}", prefix, obj.name)

    @admin.display(description=_("audience"))
    def audience(self, obj: Category) -> str:
        profiles = [str(RequesterProfile(p).label) for p in obj.audience_profiles if p in RequesterProfile.values]
        institutions = [institution.code for institution in obj.audience_institutions.all()]
        return " · ".join(filter(None, [", ".join(profiles), ", ".join(institutions)])) or str(_("Tous"))


class ServiceMembershipInline(admin.TabularInline):
    model = ServiceMembership
    extra = 0
    autocomplete_fields = ["user"]


class UserServiceRolesInline(admin.TabularInline):
    """A person's roles in services (agent, manager), edited from their user page."""

    model = ServiceMembership
    extra = 0
    autocomplete_fields = ["service"]
    verbose_name = _("rôle dans un service")
    verbose_name_plural = _("rôles dans les services")


# accounts sits beneath catalogue and cannot name ServiceMembership: the user
# page gets its service roles from here.
class UserWithServiceRolesAdmin(UserAdmin):
    inlines = [UserServiceRolesInline, *UserAdmin.inlines]


admin.site.unregister(User)
admin.site.register(User, UserWithServiceRolesAdmin)


@admin.register(Service)
class ServiceAdmin(ManagedServicesMixin, admin.ModelAdmin):
    service_lookup = "pk"

    list_display = ["name", "slug", "email", "phone"]
    search_fields = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceMembershipInline]


class InstalledSoftwareInline(admin.TabularInline):
    model = InstalledSoftware
    extra = 0
    autocomplete_fields = ["institution"]


@admin.register(Software)
class SoftwareAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [InstalledSoftwareInline]


@admin.register(InstalledSoftware)
class InstalledSoftwareAdmin(admin.ModelAdmin):
    list_display = ["software", "institution", "environment", "version"]
    list_filter = ["software"]
    search_fields = ["software__name", "institution__name", "institution__code", "version"]
    autocomplete_fields = ["software", "institution"]
    list_select_related = ["software", "institution"]


@admin.register(InboundAddress)
class InboundAddressAdmin(ManagedServicesMixin, admin.ModelAdmin):
    service_lookup = "category__service"

    list_display = ["email", "category", "service", "reply_mode"]
    search_fields = ["email", "category__name"]
    autocomplete_fields = ["category"]
    list_select_related = ["category__service"]

    @admin.display(description=_("service"))
    def service(self, obj: InboundAddress) -> Service | None:
        return obj.category.service


@admin.register(TechnicalEnvironment)
class TechnicalEnvironmentAdmin(admin.ModelAdmin):
    list_display = ["institution", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["institution__name", "name"]
    autocomplete_fields = ["institution"]


@admin.register(InstitutionRecord)
class InstitutionRecordAdmin(admin.ModelAdmin):
    """Read-only: correspondents propose, the agency validates (``catalogue.record_changes``)."""

    list_display = ["institution", "website"]
    search_fields = ["institution__name"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RecordChange)
class RecordChangeAdmin(admin.ModelAdmin):
    """The history of record changes, read-only: decisions are taken from the validation queue."""

    list_display = ["institution", "kind", "status", "proposed_by", "created", "decided_by"]
    list_filter = ["status", "kind"]
    search_fields = ["institution__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
