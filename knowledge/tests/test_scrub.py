from knowledge.scrub import scrub

TICKET = """Bonjour,
Je suis Camille MARTIN (numéro étudiant 21304567), joignable au 06 12 34 56 78 ou au +33 6 98 76 54 32,
bureau 01.23.45.67.89, courriel camille.martin@etu.univ-amu.fr. Mon adresse : 12 bis, rue de la République,
13001 Marseille. Martin Camille, étudiante.
Réponse d'Alex Petit (alex.petit@univ.example) : votre dossier est ici
https://guichet.example/t/981/?token=Zx81kdj2QQ et la procédure sur https://www.amue.fr/doc/sifac .
Lien de réinitialisation : https://guichet.example/reset/MTIz/c3k9ab-1f2e3d4c5b6a7980a1b2c3d4/
Cordialement, HÉLÈNE Dupré. Adresse du formulaire : 7 impasse des Lilas, 84000 Avignon."""

PERSONAL = [
    "Camille",
    "MARTIN",
    "21304567",
    "06 12 34 56 78",
    "98 76 54 32",
    "01.23.45.67.89",
    "camille.martin",
    "République",
    "13001",
    "Alex",
    "Petit",
    "alex.petit",
    "Zx81kdj2QQ",
    "c3k9ab",
    "HÉLÈNE",
    "Dupré",
    "Lilas",
    "Avignon",
]


def test_scrub_removes_every_kind_of_personal_data():
    clean, removed = scrub(
        TICKET,
        names=["Camille Martin", ("Alex", "Petit"), "Hélène Dupre"],
        extra_values=[("address", "7 impasse des Lilas\n84000 Avignon")],
    )
    assert [value for value in PERSONAL if value.lower() in clean.lower()] == []
    assert {kind for kind, _ in removed} == {"name", "email", "phone", "student_number", "address", "link"}
    for placeholder in ("[nom]", "[courriel]", "[téléphone]", "[numéro étudiant]", "[adresse]", "[lien]"):
        assert placeholder in clean


def test_scrub_keeps_public_links_and_ordinary_words():
    clean, removed = scrub(
        "Un petit souci : voir https://www.amue.fr/doc/sifac puis Petit a relancé.", names=["Alex Petit"]
    )
    assert clean == "Un petit souci : voir https://www.amue.fr/doc/sifac puis [nom] a relancé."
    assert removed == [("name", "Petit")]


def test_scrub_matches_names_without_regard_to_accents_or_order():
    clean, removed = scrub("Écrit par DUPRÉ Hélène puis par helene dupre.", names=[("Hélène", "Dupré")])
    assert clean == "Écrit par [nom] puis par [nom]."
    assert sorted(removed) == [("name", "DUPRÉ Hélène"), ("name", "helene dupre")]


def test_scrub_recognises_french_phone_formats():
    text = "06 12 34 56 78 / 0612345678 / +33 6 12 34 56 78 / +33612345678 / 01.23.45.67.89 / 0033 1 23 45 67 89"
    clean, removed = scrub(text)
    assert clean == " / ".join(["[téléphone]"] * 6)
    assert [kind for kind, _ in removed] == ["phone"] * 6


def test_scrub_given_value_is_found_whatever_its_separators():
    clean, removed = scrub("Livrer au 3 chemin Vert - 69000 LYON svp", extra_values=["3 chemin Vert\n69000 Lyon"])
    assert clean == "Livrer au [donnée personnelle] svp"
    assert removed == [("personal", "3 chemin Vert - 69000 LYON")]


def test_scrub_of_text_without_personal_data_changes_nothing():
    text = "Erreur ORA-01555 sur SIFAC 2024.1 : augmenter UNDO_RETENTION à 10800."
    assert scrub(text, names=["Camille Martin"]) == (text, [])
