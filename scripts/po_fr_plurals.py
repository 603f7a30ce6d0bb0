"""Give the French catalogue its plural forms.

French is the source language: its catalogue stays empty (the msgids are the
French text) except for plural entries. Without them Django falls back to
English plural rules for French and writes "0 articles" where French says
"0 article" (plural only from 2 on). This copies each plural msgid into its
msgstr forms and compiles locale/fr.
"""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def main() -> None:
    po = polib.pofile(str(PO))
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    po.metadata["Language"] = "fr"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    for entry in po:
        # An entry already translated is a third-party (English) msgid our templates bring in, such as
        # Django admin's "%(counter)s result": keep its French.
        translated = any(entry.msgstr_plural.values()) and entry.msgstr_plural.get(0) != entry.msgid
        if entry.msgid_plural and not entry.obsolete and not translated:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    print(f"{sum(1 for e in po if e.msgid_plural)} French plural entries")


if __name__ == "__main__":
    main()
