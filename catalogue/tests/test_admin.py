"""The catalogue admin: the tree as a tree, moving a subtree, inline form definitions."""

import pytest
from django.contrib.auth.models import Permission

from catalogue.models import Category, FieldKind, FormField
from catalogue.selectors import subtree
from conftest import make_user


def change_url(category: Category) -> str:
    return f"/admin/catalogue/category/{category.pk}/change/"


def form_data(response) -> dict:
    """The POST data a browser would send back from an admin change page, unchanged."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def tree(node, service):
    """informatique/{postes/{portables, fixes}, messagerie}, scolarite/"""
    informatique = node("informatique", position=1)
    postes = node("postes", informatique, position=1)
    node("portables", postes, service=service, position=1)
    node("fixes", postes, service=service, position=2)
    node("messagerie", informatique, service=service, position=2)
    scolarite = node("scolarite", position=2)
    return {"informatique": informatique, "postes": postes, "scolarite": scolarite}


def test_admin_changelist_shows_tree_depth_first_and_indented(tree, admin, client_for):
    response = client_for(admin).get("/admin/catalogue/category/")
    assert response.status_code == 200
    assert [c.slug for c in response.context["cl"].result_list] == [
        "informatique",
        "postes",
        "portables",
        "fixes",
        "messagerie",
        "scolarite",
    ]
    html = response.content.decode()
    assert "\u00a0" * 5 + "└\u00a0Portables" in html  # depth 2: one indent and the branch sign


def test_admin_moves_subtree_by_changing_parent(tree, admin, client_for):
    client = client_for(admin)
    data = form_data(client.get(change_url(tree["postes"])))
    data["parent"] = str(tree["scolarite"].pk)
    response = client.post(change_url(tree["postes"]), data)
    assert response.status_code == 302
    assert [c.slug for c in subtree(category=tree["scolarite"])] == ["scolarite", "postes", "portables", "fixes"]
    assert [c.slug for c in subtree(category=tree["informatique"])] == ["informatique", "messagerie"]


def test_admin_refuses_moving_node_into_its_own_subtree(tree, admin, client_for):
    client = client_for(admin)
    data = form_data(client.get(change_url(tree["informatique"])))
    data["parent"] = str(tree["postes"].pk)
    response = client.post(change_url(tree["informatique"]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "Une catégorie ne peut pas être déplacée sous l'une de ses propres sous-catégories."
    ]
    tree["informatique"].refresh_from_db()
    assert tree["informatique"].parent_id is None


def test_admin_reorders_siblings_from_the_changelist(tree, admin, client_for):
    client = client_for(admin)
    response = client.get("/admin/catalogue/category/")
    formset = response.context["cl"].formset
    data = form_data_for_formset(formset)
    # Put "scolarite" (position 2) before "informatique" (position 1).
    for form in formset.forms:
        if form.instance.slug == "scolarite":
            data[form.add_prefix("position")] = "0"
    data["_save"] = "Enregistrer"
    response = client.post("/admin/catalogue/category/", data)
    assert response.status_code == 302
    listed = client.get("/admin/catalogue/category/").context["cl"].result_list
    assert [c.slug for c in listed][:2] == ["scolarite", "informatique"]


def form_data_for_formset(formset) -> dict:
    data = {}
    for form in [formset.management_form, *formset.forms]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data


def test_admin_inline_refuses_bad_regex_with_message(category, admin, client_for):
    client = client_for(admin)
    data = form_data(client.get(change_url(category)))
    data.update(
        {
            "form_fields-TOTAL_FORMS": "1",
            "form_fields-0-position": "1",
            "form_fields-0-key": "numero",
            "form_fields-0-label": "Numéro étudiant",
            "form_fields-0-kind": FieldKind.PATTERN,
            "form_fields-0-pattern": "[0-9",
        }
    )
    response = client.post(change_url(category), data)
    assert response.status_code == 200
    assert "Expression régulière invalide" in response.content.decode()
    assert FormField.objects.count() == 0


def test_admin_inline_saves_valid_form_field(category, admin, client_for):
    client = client_for(admin)
    data = form_data(client.get(change_url(category)))
    data.update(
        {
            "form_fields-TOTAL_FORMS": "1",
            "form_fields-0-position": "1",
            "form_fields-0-key": "site",
            "form_fields-0-label": "Site",
            "form_fields-0-kind": FieldKind.CHOICE,
            "form_fields-0-choices": "Métare\nTréfilerie",
            "form_fields-0-required": "on",
        }
    )
    response = client.post(change_url(category), data)
    assert response.status_code == 302
    assert FormField.objects.get().choice_list == ["Métare", "Tréfilerie"]


def test_admin_refuses_form_fields_on_a_group(tree, admin, client_for):
    client = client_for(admin)
    data = form_data(client.get(change_url(tree["scolarite"])))
    data.update(
        {
            "form_fields-TOTAL_FORMS": "1",
            "form_fields-0-position": "1",
            "form_fields-0-key": "nom",
            "form_fields-0-label": "Nom",
            "form_fields-0-kind": FieldKind.TEXT,
        }
    )
    response = client.post(change_url(tree["scolarite"]), data)
    assert response.status_code == 200
    assert "un groupe ne reçoit pas de demandes" in response.content.decode()


def test_admin_edits_audience_and_domains(category, institution, admin, client_for):
    client = client_for(admin)
    data = form_data(client.get(change_url(category)))
    data.update(
        {
            "audience_profiles": ["student", "staff"],
            "audience_institutions": [str(institution.pk)],
            "domains": "Recettes\n  Budget \n\n",
        }
    )
    response = client.post(change_url(category), data)
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.audience_profiles == ["student", "staff"]
    assert list(category.audience_institutions.all()) == [institution]
    assert category.domains == ["Recettes", "Budget"]


def test_admin_service_page_lists_members_inline(service, agent, manager, admin, client_for):
    response = client_for(admin).get(f"/admin/catalogue/service/{service.pk}/change/")
    assert response.status_code == 200
    memberships = response.context["inline_admin_formsets"][0].formset.queryset
    assert sorted(m.user.email for m in memberships) == ["agent@example.org", "manager@example.org"]


@pytest.mark.parametrize("model", ["software", "installedsoftware", "inboundaddress", "service"])
def test_admin_changelists_render(model, category, admin, client_for):
    assert client_for(admin).get(f"/admin/catalogue/{model}/").status_code == 200


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.set(Permission.objects.filter(content_type__app_label="catalogue"))
    return manager


def test_staff_manager_sees_only_the_services_and_categories_they_manage(
    staff_manager, category, other_category, client_for
):
    client = client_for(staff_manager)
    services = client.get("/admin/catalogue/service/").context["cl"].result_list
    assert [s.slug for s in services] == ["dsi"]
    categories = client.get("/admin/catalogue/category/").context["cl"].result_list
    assert [c.slug for c in categories] == ["messagerie"]
    assert client.get(change_url(other_category)).status_code == 302  # "does not exist", back to the list


def test_staff_manager_cannot_give_a_category_to_another_service(staff_manager, category, other_service, client_for):
    client = client_for(staff_manager)
    data = form_data(client.get(change_url(category)))
    data["service"] = str(other_service.pk)
    response = client.post(change_url(category), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["service"]
    category.refresh_from_db()
    assert category.service.slug == "dsi"


def test_staff_who_manage_no_service_still_see_every_service(category, other_category, client_for):
    administrator = make_user("staff@example.org", is_staff=True)
    administrator.user_permissions.set(Permission.objects.filter(content_type__app_label="catalogue"))
    services = client_for(administrator).get("/admin/catalogue/service/").context["cl"].result_list
    assert sorted(s.slug for s in services) == ["dsi", "scol"]
