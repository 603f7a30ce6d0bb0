"""Fill empty English msgstr of locale/en/LC_MESSAGES/django.po from a JSON map.

Usage: python scripts/po_fill.py translations.json   (msgid -> msgstr)
Prints the msgids still untranslated, so nothing is forgotten silently.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> None:
    mapping = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else {}
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.msgid in mapping:
            entry.msgstr = mapping[entry.msgid]
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
