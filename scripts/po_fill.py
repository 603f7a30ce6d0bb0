"""Fill empty English msgstr of locale/en/LC_MESSAGES/django.po from JSON maps.

Usage: python scripts/po_fill.py a.json [b.json ...]   (msgid -> msgstr)
A plural entry is keyed by its singular msgid and maps to [singular, plural].
Prints the msgids still untranslated, so nothing is forgotten silently.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def load(paths: list[str]) -> dict:
    mapping: dict = {}
    for path in paths:
        mapping.update(json.loads(Path(path).read_text()))
    return mapping


def main() -> None:
    mapping = load(sys.argv[1:])
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.msgid not in mapping:
            continue
        value = mapping[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = {0: forms[0], 1: forms[-1]}
        elif isinstance(value, str):
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    for msgid in missing:
        print(msgid)
    print(f"{len(missing)} untranslated", file=sys.stderr)


if __name__ == "__main__":
    main()
