"""The user directory of the test CAS server: a JSON file of people and the
attributes a French university's CAS releases (eduPerson, SUPANN).

``GUICHET_CAS_USERS`` names the file; without it, the demo directory below
is used (the accounts seeded for Aix-Marseille by ``seed_demo``).
"""

from __future__ import annotations

import json
import os

from cas_server.auth import AuthUser

DEMO_DIRECTORY = {
    "etudiant.amu": {
        "password": "cas-demo",
        "attributes": {
            "mail": "camille.etudiant@etu.univ-amu.fr",
            "givenName": "Camille",
            "sn": "Lefèvre",
            "eduPersonAffiliation": ["student", "member"],
            "supannEtuId": "21001234",
        },
    },
    "personnel.amu": {
        "password": "cas-demo",
        "attributes": {
            "mail": "marie.personnel@univ-amu.fr",
            "givenName": "Marie",
            "sn": "Roux",
            "eduPersonAffiliation": ["staff", "employee", "member"],
        },
    },
    "sansmail.amu": {
        "password": "cas-demo",
        "attributes": {"givenName": "Nomail", "sn": "Sansadresse", "eduPersonAffiliation": ["student"]},
    },
}


def directory() -> dict:
    path = os.environ.get("GUICHET_CAS_USERS")
    if not path:
        return DEMO_DIRECTORY
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class DirectoryAuthUser(AuthUser):
    def test_password(self, password: str) -> bool:
        entry = directory().get(self.username)
        return bool(entry) and entry["password"] == password

    def attributs(self) -> dict:
        return dict(directory().get(self.username, {}).get("attributes", {}))
