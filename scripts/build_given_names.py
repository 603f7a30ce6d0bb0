"""Build ``knowledge/data/given_names_fr.txt``, the given names the knowledge
scrubber recognises in people's names that are not participants.

Source: ``nam_dict.txt`` of the PyPI package ``gender-guesser`` 0.4.0 (Jörg
Michael's name dictionary, GNU FDL 1.2 — see the header written into the
data file), offline: ``pip download --no-deps gender-guesser==0.4.0`` and
unzip the wheel, then::

    python scripts/build_given_names.py path/to/gender_guesser/data/nam_dict.txt

Kept: every name used in France, Belgium, Switzerland or Luxembourg, and the
frequent names (frequency ≥ 5 on the dictionary's 1–13 scale) of the
countries most French students' families come from; plus a short supplement
of recent French names the 2008 dictionary lacks; minus names of fewer than
three letters and given names that are also common words, places or
product names in helpdesk text (they would make every "France Connect" a
person).
"""

from __future__ import annotations

import sys
from pathlib import Path


def words(text: str) -> list[str]:
    """Long word lists read better as text than as list literals."""
    return text.split()


COUNTRIES = words(
    "great_britain ireland usa italy malta portugal spain france belgium luxembourg the_netherlands east_frisia "
    "germany austria swiss iceland denmark norway sweden finland estonia latvia lithuania poland czech_republic "
    "slovakia hungary romania bulgaria bosniaand croatia kosovo macedonia montenegro serbia slovenia albania greece "
    "russia belarus moldova ukraine armenia azerbaijan georgia the_stans turkey arabia israel china india japan "
    "korea vietnam other_countries"
)
FRENCH_SPEAKING = ("france", "belgium", "swiss", "luxembourg")
FREQUENT_ELSEWHERE = ("italy", "spain", "portugal", "arabia", "turkey", "usa", "great_britain", "vietnam", "germany")
SUPPLEMENT = words(
    """Éric Kévin Yanis Rayan Leïla Émilie Élodie Timéo Eliott Noah Dylan Ethan Sofiane Ayoub Lamine Moussa
Mamadou Aïcha Fatoumata Maëlys Maël Lyam Kylian Kenzo Nolan Lenny Mattéo Lyna Inaya Nour Assia Imane Rania Wassim
Anis Ilyes Ilyès Amine Nassim Nabil Souleymane Adama Aminata Kadiatou Oumar Seydou Ousmane Awa Coumba Khadija
Tiphaine Gwenaëlle Soizic Maiwenn Maïwenn Gwendal Goulven Corentin Killian Mathys Evan Loan Alois Aloïs"""
)
# Given names that are also words, months, places or products a helpdesk article writes
# capitalised (names that are also words but mostly names — Pierre, Claire, Rose — stay).
AMBIGUOUS = set(
    words(
        """France Paris Lorraine Juin Sage Prune Olive Patience Prudence Espérance Étoile Fleur Lune Soleil Ciel Mars
    Mai Août Noël Pâques Toussaint Chance Clair Franc Loyal Mercedes Opel Citroën Fiat Java Ruby Python Perl
    Linux Ubuntu Debian Fedora Safari Chrome Firefox Opera Edge Teams Zoom Office Word Excel Outlook Moodle Apple
    Mac Siri Alexa Cortana Dell Sony Canon Ricoh Xerox Brother Windows Android Cisco Oracle Tableau Jupyter Git
    Docker Service Campus Bureau Salle Bâtiment Bonjour Merci Cordialement Madame Monsieur Guichet Assistance
    Support Accueil Scolarité Université Direction Master Licence Doctorat Agent Demande Réponse Courriel Message
    Nord Sud Est Ouest Saint Sainte Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Janvier Février Juillet
    Septembre Octobre Novembre Décembre Saphir Opale Azur Mauve Roux Brun Blanc Petit Grand Jeune Bon Bel Beau
    Belle Prime Primo Maxi Mini Pat Art Bill Will Mark Grant Page Link Don Hope Joy Faith Dawn Rich Sky Star
    Summer Winter Autumn Spring River Storm Angel Honey Candy Crystal Diamond Amber Pearl Lee Wang Li Chen Long
    An Tu Ha Van Vu Le Ho Do La De Du Des Da Di Del Della Al El Ali
        Bac Bas Beat Bien Can Constant Due Edit Elif Else Fine Hang Lies Lien Line May Meta Min
        Mine Nonce Qui Rien Roman Said Son Tell Than The Tiny Trees Tri Tout Pas Plus Mais Avec Sans Pour Par Sur Sous
        Dans Chez Vers Entre Bonne Cher Chère Cela Cette Ceci Voici Voilà Alors Ainsi Aussi Encore Toujours Jamais
        Siham Isidore Très Trop Peu Nous Vous Elle Elles Ils Leur Leurs Notre Votre Quand Comme Lors Selon Puis Donc
        Car Oui Non"""
    )
)


def read(path: Path) -> set[str]:
    index = {country: i for i, country in enumerate(COUNTRIES)}
    names: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "#=":
            continue
        name, values = line.split()[1], line[30:-1]

        def frequency(country: str, values: str = values) -> int:
            i = index[country]
            char = values[i] if i < len(values) else " "
            return 0 if char == " " else int(char, 16)

        if max(map(frequency, FRENCH_SPEAKING)) > 0 or max(map(frequency, FREQUENT_ELSEWHERE)) >= 5:
            # "Jean+Pierre" is written "Jean-Pierre" or "Jean Pierre": the scrubber splits on the hyphen.
            names.update(part for part in name.replace("+", "-").split("-") if len(part) >= 3)
    return names


def main(source: str) -> None:
    names = (read(Path(source)) | set(SUPPLEMENT)) - AMBIGUOUS
    target = Path(__file__).resolve().parent.parent / "knowledge" / "data" / "given_names_fr.txt"
    header = [
        "# Given names recognised by knowledge/scrub.py — generated by scripts/build_given_names.py.",
        "# Derived from nam_dict.txt (gender-guesser 0.4.0 on PyPI), (c) Jörg Michael,",
        "# distributed under the GNU Free Documentation License 1.2; this subset likewise.",
        f"# {len(names)} names, one a line.",
    ]
    target.write_text("\n".join(header + sorted(names, key=lambda n: (n.lower(), n))) + "\n", encoding="utf-8")
    print(f"{len(names)} names written to {target}")


if __name__ == "__main__":
    main(sys.argv[1])
