"""The texts of the demo catalogue, taken from the seed documents (French, as the users read them)."""

from __future__ import annotations

from typing import Any

from accounts.models import ProfileKey
from catalogue.models import FieldKind

AMU_ADDRESS = "Aix-Marseille Université\nJardin du Pharo, 58 boulevard Charles Livon\n13284 Marseille Cedex 07"
SVE_TWO_MONTHS = "2 mois à compter de la date de l'accusé de réception"
SVE_REJECTION = (
    "Le silence gardé par l'université pendant deux mois à compter de l'accusé de réception vaut décision "
    "implicite de rejet. Vous pouvez contester cette décision devant le tribunal administratif de Marseille "
    "dans un délai de deux mois."
)


def field_spec(key: str, label: str, kind: str = FieldKind.TEXT, **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": label, "kind": kind, **extra}


# Seed 000's identity block; each field starts from the requester's profile.
LAST_NAME, FIRST_NAME, PHONE, POSTAL_ADDRESS = (
    field_spec("nom", "Nom", required=True, is_personal=True, profile_key=ProfileKey.LAST_NAME),
    field_spec("prenom", "Prénom", required=True, is_personal=True, profile_key=ProfileKey.FIRST_NAME),
    field_spec("telephone", "Téléphone", FieldKind.PHONE, is_personal=True, profile_key=ProfileKey.PHONE),
    field_spec(
        "adresse_postale",
        "Adresse postale",
        FieldKind.TEXTAREA,
        required=True,
        is_personal=True,
        profile_key=ProfileKey.POSTAL_ADDRESS,
    ),
)

IDENTITY_FORM = [LAST_NAME, FIRST_NAME, PHONE, POSTAL_ADDRESS]

# The form of seed 000 ("Télé-demandes - une inscription").
INSCRIPTION_FORM = [
    LAST_NAME,
    FIRST_NAME,
    field_spec("date_naissance", "Date de naissance", FieldKind.DATE, required=True, is_personal=True),
    field_spec(
        "numero_etudiant",
        "Numéro étudiant AMU (8 chiffres)",
        FieldKind.PATTERN,
        pattern=r"^[0-9]{8}$",
        pattern_message="Le numéro étudiant AMU comporte exactement 8 chiffres.",
        help_text="Si vous avez déjà été inscrit(e) à AMU.",
        is_personal=True,
        profile_key=ProfileKey.STUDENT_NUMBER,
    ),
    PHONE,
    POSTAL_ADDRESS,
]


AMUE_SOFTWARE = [
    (
        "Apogée",
        "amue-apogee",
        [
            "Structure des enseignements",
            "Inscriptions administratives",
            "Inscriptions pédagogiques",
            "Modalités de contrôle et résultats",
            "Référentiel",
            "Batchs et éditions",
            "Technique",
        ],
        "Indiquez les paramétrages utilisés (référentiel, SE, MCC…), les messages d'erreur précis, les dernières "
        "manipulations effectuées et les éléments de vos propres tests. Pour un problème de structure "
        "d'enseignement, joignez la décomposition du diplôme ; pour un batch, le log d'erreurs.",
    ),
    (
        "Harpège",
        "amue-harpege",
        ["Carrière", "Nomenclature", "Emplois", "Contrats", "Technique"],
        "Indiquez le positionnement dans le flux métier, la fonctionnalité utilisée, la chronologie des saisies et "
        "les messages d'erreur précis. Un grade inexistant relève du domaine Nomenclature, non du domaine Carrière.",
    ),
    (
        "SIFAC",
        "amue-sifac",
        [
            "Recettes",
            "Dépenses",
            "Budget",
            "Conventions",
            "Autorisations",
            "Immobilisations",
            "Intégration de la paie",
            "Technique",
        ],
        "Indiquez le positionnement dans le flux métier, la transaction utilisée, le type et le numéro de pièce, la "
        "structure concernée et les messages d'erreur précis. Un problème d'autorisation dans une transaction "
        "recettes relève du domaine Recettes ; un dépassement de budget sur convention relève du domaine Budget.",
    ),
    (
        "SIHAM",
        "amue-siham",
        ["Dossier de l'agent", "Carrière", "Soumission d'informations", "Technique"],
        "Indiquez la fonctionnalité utilisée, la chronologie des saisies et les messages d'erreur précis ; pour un "
        "blocage lors de la soumission d'une information, joignez la copie de l'écran de l'anomalie.",
    ),
    (
        "SIHAM-PMS",
        "amue-siham-pms",
        ["Chargement des données", "Présentations et écarts de montant", "Technique"],
        "Pour un écart de montant, joignez les présentations où l'écart est constaté et le fichier d'extraction "
        "chargé (mouvement C, retour paie, multi-affectation).",
    ),
    (
        "ROF",
        "amue-rof",
        ["Offre de formation", "Éditions de dossiers", "Import de données", "Technique"],
        "Indiquez le profil utilisateur, le type de formation et les messages d'erreur précis. Pour une erreur "
        "d'import, transmettez le fichier XML ; pour une édition de dossier, les logs et le compte rendu.",
    ),
    (
        "Sinaps",
        "amue-sinaps",
        ["Référentiels", "Bus d'échanges (BAM)", "Paramétrage", "Technique"],
        "Indiquez le profil utilisateur et le contexte ; joignez les fichiers de log de la BAM et les copies "
        "d'écran des messages d'erreur et des choix de paramétrage.",
    ),
    (
        "Sinchro",
        "amue-sinchro",
        ["Fonctionnel", "Technique"],
        "Indiquez le profil utilisateur et le contexte dans lequel survient le problème, avec les étapes de saisie "
        "et des copies d'écran. Vérifiez que la version installée est à jour.",
    ),
    (
        "EvRP",
        "amue-evrp",
        ["Document unique (DUER)", "Requêteur et exports", "Montée en version", "Technique"],
        "Seule la dernière version livrée est maintenue : reproduisez l'anomalie dans cette version. Pour une "
        "montée en version, joignez le fichier web.config ; pour un blocage sur le DUER, une copie du menu.",
    ),
]

# Versions installed at Aix-Marseille, as its correspondents declared them.
AMU_INSTALLED = {"Apogée": "6.10.00", "SIFAC": "2024.1", "SIHAM": "10.2", "ROF": "4.3.1"}
