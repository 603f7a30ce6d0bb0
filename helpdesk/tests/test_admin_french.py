"""The admin in French: every page a superuser can open, crawled, with no English left.

Django, allauth, tree_queries and the permission names Django writes at
migrate time bring English into the French admin; the crawl reads the text a
person sees or hears (text nodes, alt, title, aria-label, button values) and
fails on a list of English words and phrases met there before.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from tickets import workflow as wf

# Whole texts (a column header, a label without its colon, an icon's text).
ENGLISH_TEXTS = {
    "User", "Author", "Actor", "Search", "Software", "Category", "File", "Original name", "Content type", "Size",
    "Created", "Created at", "Last used at", "Handled by", "Inbound", "Settings", "Provider", "Account", "App",
    "Data", "True", "False", "None", "Token", "Ticket", "Sender", "Uploaded by", "Members", "Institution",
}  # fmt: skip
# Anywhere in a text.
ENGLISH_PHRASES = [
    "Can add", "Can change", "Can delete", "Can view", "subtree", "descendant of itself", "Authenticator",
    "Django_Cas_Ng", "created at", "last used", "handled by", "email address", "social account", "assignee",
    "de Django",  # not English, but the framework's name is no title for the people using the site
]  # fmt: skip


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        values = dict(attrs)
        for name in ("alt", "title", "aria-label", "placeholder"):
            if values.get(name):
                self.texts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def english_in(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        bare = re.sub(r"\s*:$", "", text)
        if bare in ENGLISH_TEXTS or any(phrase in text for phrase in ENGLISH_PHRASES):
            found.append(text)
    return found


def test_english_in_finds_what_it_looks_for():
    html = '<p>Can add log entry</p><img alt="False"><th>User</th><label>Created at :</label><p>Utilisateur</p>'
    assert english_in(html) == ["Can add log entry", "False", "User", "Created at :"]


def admin_urls() -> list[str]:
    urls = ["/admin/"]
    for model in django_admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"admin:{info}_changelist"), reverse(f"admin:{info}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{info}_change", args=[first.pk]))
        urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
    return list(dict.fromkeys(urls))


@pytest.fixture
def populated(requester, agent, manager, admin, category, other_category):
    """At least one row in the main tables, so change pages and their inlines are crawled."""
    ticket = wf.ticket_file(requester=requester, category=category, title="Messagerie", description="Erreur.")
    wf.ticket_take(ticket=ticket, actor=agent)
    wf.ticket_ask(ticket=ticket, actor=agent, text="Quelle version ?")
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    SocialAccount.objects.create(user=admin, provider="utest", uid="claude")
    return ticket


def test_every_admin_page_is_in_french(populated, admin, client_for):
    client = client_for(admin)
    english: dict[str, list[str]] = {}
    for url in admin_urls():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code in (200, 403), url  # 403: a read-only table has no add page
        found = english_in(response.content.decode())
        if found:
            english[url] = sorted(set(found))
    assert english == {}


def test_user_page_lists_permissions_in_french(admin, client_for):
    response = client_for(admin).get(f"/admin/accounts/user/{admin.pk}/change/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Catalogue de services | catégorie | peut modifier" in response.content.decode()
    assert "Double authentification | second facteur | peut supprimer" in response.content.decode()


def test_fields_shown_in_the_admin_have_french_names():
    """A field without a verbose name shows its English attribute name ("handled by")."""
    same_in_french = {"description", "version", "question", "solution", "message", "article", "source", "site",
                      "type", "impact", "parent", "service", "services", "action", "permissions"}  # fmt: skip
    untranslated = []
    with translation.override("fr"):
        for model, model_admin in django_admin.site._registry.items():
            models = [model, *(inline.model for inline in model_admin.inlines)]
            for shown in models:
                if shown._meta.app_label in ("socialaccount", "mfa", "sites", "account", "auth"):
                    continue  # third-party tables: shown through French labels of our own admin
                for field in shown._meta.get_fields():
                    name = getattr(field, "verbose_name", None)
                    if name is None or field.name in ("search_text", "search_vector", "notes_vector"):
                        continue  # search columns, never shown
                    if str(name) == field.name.replace("_", " ") and field.name not in same_in_french:
                        untranslated.append(f"{shown._meta.label}.{field.name}")
    assert sorted(set(untranslated)) == []


def test_ticket_history_in_the_admin_reads_in_french(populated, agent, admin, client_for):
    html = client_for(admin).get(f"/admin/tickets/ticket/{populated.pk}/change/").content.decode()
    assert f"#{populated.pk} a pris en charge la demande" in html
    assert "agent en charge : — → Alex Petit" in html


def test_staff_manager_admin_pages_are_in_french_and_never_fail(populated, manager, client_for):
    """A manager given staff access and every permission: technical tables answer 403, the rest in French."""
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.set(Permission.objects.all())
    client = client_for(manager)
    statuses, english = {}, {}
    for url in admin_urls():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        statuses[url] = response.status_code
        if response.status_code == 200 and english_in(response.content.decode()):
            english[url] = english_in(response.content.decode())
    # Apps whose every table is technical have no index page for them; the first category is a
    # group of no service, outside what the manager manages ("does not exist": back to the list).
    assert {url: code for url, code in statuses.items() if code not in (200, 403)} == {
        "/admin/auth/": 404,
        "/admin/helpdesk/": 404,
        "/admin/sites/": 404,
        f"/admin/catalogue/category/{populated.category.parent_id}/change/": 302,
    }
    assert statuses["/admin/"] == 200
    assert statuses["/admin/helpdesk/outboundemail/"] == 403
    assert english == {}
