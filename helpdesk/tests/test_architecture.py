"""The structure the conventions promise, checked on the source tree (an AST walk, no import).

- Ticket history (messages, events, attachments, watchers) and ticket fields are
  written by ``tickets/workflow`` only; an article's status by ``knowledge/services.py`` only.
- ``tickets/workflow/__init__.py`` only re-exports the doors.
- No Python file passes 600 lines.
- Imports point one way: accounts → catalogue → tickets → {inbound, knowledge},
  with ``helpdesk`` beneath them all, importing none of them; ``api`` and ``webhooks`` on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.contrib import admin
from django.test import RequestFactory

from accounts.models import User
from knowledge.models import Article
from tickets.models import Attachment, Ticket, Watcher

ROOT = Path(__file__).resolve().parents[2]
APPS = ("helpdesk", "accounts", "catalogue", "tickets", "knowledge", "inbound", "stats", "privacy", "api", "webhooks")
MAX_LINES = 600

HISTORY_MODELS = {"Message", "TicketEvent", "Attachment", "Watcher", "Ticket"}
# Reverse accessors from a ticket to its history rows.
HISTORY_ACCESSORS = {"messages", "events", "attachments", "watchers"}
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "bulk_update", "delete"}
# Names a ticket is held under in our code: ``ticket.save()`` and the like outside the workflow are writes.
TICKET_NAMES = {"ticket", "original", "duplicate", "new", "event", "message", "attachment", "watcher"}
# ``helpdesk.rows``' writers: ``insert_one(ticket)``, ``insert_one(Attachment(...))`` are writes too.
ROW_WRITERS = {"insert_one", "insert_few"}


def production_files(*apps: str) -> list[Path]:
    files = []
    for app in apps or APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or "testing" in parts:
                continue
            files.append(path)
    return sorted(files)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _chain(node: ast.AST) -> list[str]:
    """Attribute names along a call chain: ``Ticket.objects.filter(...).update`` → [update, filter, objects]."""
    names = []
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            node = node.value
    return names


def _our_models(tree: ast.AST) -> set[str]:
    """History models this module imports from ``tickets.models`` (not ``email.message.Message``)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tickets.models")
        for alias in node.names
        if alias.name in HISTORY_MODELS
    }


def history_writes(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text())
    ours = _our_models(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        where = f"{relative(path)}:{node.lineno}"
        if isinstance(func, ast.Name) and func.id in ours - {"Ticket"}:
            found.append(f"{where} {func.id}(...)")  # an unsaved row, to be saved or bulk-created
        if isinstance(func, ast.Name) and func.id in ROW_WRITERS and node.args:
            row = node.args[0]
            name = row.func.id if isinstance(row, ast.Call) and isinstance(row.func, ast.Name) else _root_name(row)
            if name in TICKET_NAMES or name in ours:
                found.append(f"{where} {func.id}({name})")
        if not isinstance(func, ast.Attribute):
            continue
        chain, root = _chain(func), _root_name(func)
        if func.attr in WRITES and (
            (root in HISTORY_MODELS and "objects" in chain) or HISTORY_ACCESSORS & set(chain[1:])
        ):
            found.append(f"{where} {root}.{'.'.join(reversed(chain))}")
        if func.attr in {"save", "delete"} and root in TICKET_NAMES:
            found.append(f"{where} {root}.{func.attr}()")
    return found


def test_ticket_history_and_fields_are_written_by_the_workflow_only():
    outside = [
        write
        for path in production_files()
        if not relative(path).startswith("tickets/workflow/")
        for write in history_writes(path)
    ]
    assert outside == []


def test_the_check_finds_writes():
    """The walk above is not blind: the workflow itself writes through these shapes."""
    found = " ".join(w for path in production_files("tickets") for w in history_writes(path))
    shapes = ["Message(...)", "TicketEvent(...)", "insert_one(ticket)", "insert_one(event)", "insert_one(Attachment)"]
    shapes += ["Watcher.objects.bulk_create", "ticket.save()", "Attachment(...)"]
    assert [shape for shape in shapes if shape not in found] == []


def article_status_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        where = f"{relative(path)}:{node.lineno}" if hasattr(node, "lineno") else relative(path)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status" and _root_name(target) == "article":
                    found.append(f"{where} article.status =")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            chain, root = _chain(node.func), _root_name(node.func)
            if root == "Article" and node.func.attr in WRITES and any(k.arg == "status" for k in node.keywords):
                found.append(f"{where} Article.{'.'.join(reversed(chain))}(status=...)")
    return found


def test_article_status_changes_through_its_door_only():
    outside = [
        write
        for path in production_files()
        if relative(path) != "knowledge/services.py"
        for write in article_status_writes(path)
    ]
    assert outside == []
    assert article_status_writes(ROOT / "knowledge/services.py") != []  # the check sees the door's writes


def test_workflow_package_init_only_reexports():
    tree = ast.parse((ROOT / "tickets/workflow/__init__.py").read_text())
    kinds = {type(node).__name__ for node in tree.body[1:]}  # after the docstring
    assert kinds <= {"ImportFrom", "Assign"}
    assert [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets] == ["__all__"]


def test_no_python_file_over_600_lines():
    too_long = {}
    for app in (*APPS, "bench", "scripts"):
        for path in (ROOT / app).rglob("*.py"):
            lines = len(path.read_text().splitlines())
            if lines > MAX_LINES and "migrations" not in path.parts:
                too_long[relative(path)] = lines
    assert too_long == {}


def test_admin_cannot_write_ticket_history_or_article_status():
    request = RequestFactory().get("/admin/")
    request.user = User(email="root@example.org", is_staff=True, is_superuser=True)
    rights = {
        model.__name__: (admin.site._registry[model].has_add_permission(request),
                         admin.site._registry[model].has_change_permission(request))
        for model in (Ticket, Attachment, Watcher)
    }  # fmt: skip
    assert rights == {"Ticket": (False, False), "Attachment": (False, False), "Watcher": (False, False)}
    assert "status" in admin.site._registry[Article].get_readonly_fields(request)


# app -> the apps it may import (DESIGN of the layers; CONVENTIONS §12).
LAYERS = {
    "helpdesk": set(),
    "accounts": {"helpdesk"},
    "catalogue": {"helpdesk", "accounts"},
    "tickets": {"helpdesk", "accounts", "catalogue"},
    "inbound": {"helpdesk", "accounts", "catalogue", "tickets"},
    "knowledge": {"helpdesk", "accounts", "catalogue", "tickets"},
    # The REST API and webhooks sit on top: they read and act through the apps below, and nothing but the
    # root URLconf imports them.
    "api": {"helpdesk", "accounts", "catalogue", "tickets", "knowledge"},
    "webhooks": {"helpdesk", "accounts", "catalogue", "tickets", "knowledge"},
    # Statistics and personal data governance read every app below and reach them through hooks.
    "stats": {"helpdesk", "accounts", "catalogue", "tickets", "knowledge"},
    "privacy": {"helpdesk", "accounts", "catalogue", "tickets", "knowledge", "inbound"},
}
# The root URLconf puts every app's pages together; it is the only module allowed to know them all.
COMPOSITION_ROOT = {"helpdesk/urls.py"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every import of the module, at module level or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in APPS:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]  # from tickets import wf
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_imports_point_down_the_layers():
    wrong = []
    for path in production_files():
        app = relative(path).split("/")[0]
        if relative(path) in COMPOSITION_ROOT:
            continue
        for lineno, module in imported_modules(path):
            target = module.split(".")[0]
            if target in LAYERS and target != app and target not in LAYERS[app]:
                wrong.append(f"{relative(path)}:{lineno} imports {module}")
    assert wrong == []


def test_middleware_imports_no_view_module():
    wrong = [
        f"{relative(path)}:{lineno} imports {module}"
        for path in production_files()
        if path.name == "middleware.py"
        for lineno, module in imported_modules(path)
        if ".views" in module
    ]
    assert wrong == []


# Inbound email reaches tickets through its doors, models, rules and mail helpers only.
INBOUND_MAY_USE = ("tickets.workflow", "tickets.models", "tickets.permissions", "tickets.status",
                   "tickets.exceptions", "tickets.attachments", "tickets.storage", "tickets.notifications",
                   "tickets.hooks")  # fmt: skip


def test_inbound_uses_tickets_through_its_doors_only():
    wrong = [
        f"{relative(path)}:{lineno} imports {module}"
        for path in production_files("inbound")
        for lineno, module in imported_modules(path)
        if module.split(".")[0] == "tickets" and not module.startswith(INBOUND_MAY_USE)
    ]
    assert wrong == []


def test_every_app_with_tests_is_collected():
    """An app's tests that pytest.ini's testpaths forget never run on CI."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    collected = set(config["pytest"]["testpaths"].split())
    with_tests = {path.parent.parent.name for path in ROOT.glob("*/tests/__init__.py")}
    assert with_tests - collected == set()
