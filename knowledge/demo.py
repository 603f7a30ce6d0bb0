"""Demo knowledge base: articles and FAQ entries drawn from the seeds' domains.

Categories are looked up by slug when the catalogue seeder created them;
otherwise the article stays without category (still public and searchable).
"""

from __future__ import annotations

from catalogue.models import Category, Software
from helpdesk.demo import DemoContext
from knowledge import services
from knowledge.models import Article, ArticleStatus, FaqEntry

# (title, category slugs to try, domain, software, version, codes, problem, solution)
ARTICLES = [
    (
        "Erreur ORA-01555 « snapshot too old » lors d'une extraction SIFAC",
        ("sifac", "finances"),
        "Finances",
        "SIFAC",
        "2024.1",
        ["ORA-01555"],
        "L'extraction des engagements de l'exercice s'interrompt après une vingtaine de minutes avec le message "
        "ORA-01555 : snapshot too old, rollback segment too small.",
        "La requête lit des données modifiées pendant son exécution et le segment d'annulation est trop petit. "
        "Lancez l'extraction en dehors des traitements de nuit, ou demandez à votre DBA d'augmenter "
        "UNDO_RETENTION (au moins 10800 secondes) et la taille du tablespace UNDO.",
    ),
    (
        "Impossible de valider un bon de commande : message BC-0042 dans SIFAC",
        ("sifac", "finances"),
        "Finances",
        "SIFAC",
        "2024.1",
        ["BC-0042"],
        "Le bouton « Valider » du bon de commande reste grisé et la barre d'état affiche BC-0042 "
        "« centre financier non autorisé ».",
        "Le centre financier du bon de commande n'est pas dans le périmètre de l'utilisateur. "
        "Ajoutez-le au profil dans la transaction de gestion des habilitations, puis reconnectez-vous.",
    ),
    (
        "Apogée : l'inscription administrative d'un étudiant est bloquée",
        ("apogee", "scolarite", "inscriptions"),
        "Scolarité",
        "Apogée",
        "6.10",
        ["IA-117"],
        "À l'enregistrement de l'inscription administrative, Apogée refuse la validation avec le message IA-117 "
        "« pièce justificative manquante ».",
        "Une pièce obligatoire n'est pas cochée comme reçue. Ouvrez l'onglet Pièces justificatives, cochez les pièces "
        "reçues puis enregistrez de nouveau. Si la pièce n'est pas attendue pour ce régime, corrigez le paramétrage.",
    ),
    (
        "Apogée : les notes ne remontent pas dans le relevé après la délibération",
        ("apogee", "scolarite"),
        "Scolarité",
        "Apogée",
        "6.10",
        [],
        "Après la délibération du jury, les résultats sont saisis mais le relevé de notes imprimé reste vide.",
        "Le calcul des résultats n'a pas été relancé après la délibération. Relancez le calcul pour l'étape, "
        "vérifiez que la session est bien close, puis éditez de nouveau le relevé.",
    ),
    (
        "Messagerie : le quota de la boîte aux lettres est atteint",
        ("messagerie",),
        "Messagerie",
        "",
        "",
        ["552"],
        "Les correspondants reçoivent un message d'erreur 552 « mailbox full » et je ne reçois plus de courriels.",
        "Videz la corbeille et le dossier des éléments envoyés, archivez les anciens messages avec leurs "
        "pièces jointes volumineuses. Le quota est affiché dans les paramètres du webmail.",
    ),
    (
        "Configurer la messagerie universitaire sur un téléphone",
        ("messagerie",),
        "Messagerie",
        "",
        "",
        [],
        "Je veux lire mes courriels professionnels sur mon téléphone mais la configuration automatique échoue.",
        "Choisissez un compte IMAP, serveur entrant imap.univ.example port 993 (SSL), serveur sortant "
        "smtp.univ.example port 587 (STARTTLS), identifiant et mot de passe de votre compte numérique.",
    ),
    (
        "L'imprimante du couloir n'imprime plus : travaux bloqués dans la file",
        ("imprimantes", "impression"),
        "Poste de travail",
        "",
        "",
        [],
        "Les documents envoyés à l'imprimante partagée restent en attente dans la file d'impression, rien ne sort.",
        "Supprimez les travaux bloqués de la file d'impression, redémarrez le service de spouleur puis renvoyez le "
        "document. Si l'imprimante affiche une erreur papier, ouvrez et refermez les bacs.",
    ),
    (
        "Installer une imprimante réseau sur un poste Windows",
        ("imprimantes", "impression"),
        "Poste de travail",
        "",
        "",
        [],
        "Je ne trouve pas les imprimantes du bâtiment dans la liste des périphériques.",
        "Ouvrez Paramètres > Périphériques > Imprimantes, choisissez « Ajouter une imprimante réseau » et saisissez "
        "le nom affiché sur l'étiquette de l'imprimante. Les pilotes s'installent depuis le serveur d'impression.",
    ),
    (
        "Wifi eduroam : connexion impossible sur le campus",
        ("wifi", "reseau"),
        "Réseau",
        "",
        "",
        [],
        "Mon ordinateur voit le réseau eduroam mais refuse la connexion après la saisie de l'identifiant.",
        "L'identifiant eduroam est votre adresse complète (prenom.nom@univ.example). Supprimez le profil wifi "
        "enregistré, puis reconnectez-vous en acceptant le certificat du serveur d'authentification.",
    ),
    (
        "Réseau filaire : pas d'accès internet depuis un bureau",
        ("reseau",),
        "Réseau",
        "",
        "",
        [],
        "Le poste est branché au réseau filaire mais n'obtient pas d'adresse, l'icône réseau affiche « aucun accès ».",
        "Vérifiez que la prise murale est brassée (numéro de prise à communiquer au service réseau) et que le câble "
        "est bien enclenché. Un poste inconnu doit être déclaré avant d'obtenir une adresse.",
    ),
    (
        "Mot de passe oublié du compte numérique",
        ("mot-de-passe", "compte"),
        "Identité numérique",
        "",
        "",
        [],
        "J'ai oublié le mot de passe de mon compte et je ne peux plus me connecter à l'ENT.",
        "Utilisez le lien « Mot de passe oublié » de la page de connexion : un lien de réinitialisation est envoyé à "
        "votre adresse de secours. Le lien est valable une heure.",
    ),
    (
        "Changer son mot de passe après expiration",
        ("mot-de-passe", "compte"),
        "Identité numérique",
        "",
        "",
        [],
        "Le portail indique que mon mot de passe a expiré et refuse la connexion au wifi et à la messagerie.",
        "Changez le mot de passe depuis la page de gestion du compte. Pensez ensuite à mettre à jour le mot de passe "
        "enregistré sur le téléphone (messagerie et wifi), sinon le compte se verrouille.",
    ),
    (
        "SIFAC : lenteurs à l'ouverture des transactions en début de mois",
        ("sifac", "finances"),
        "Finances",
        "SIFAC",
        "2023.2",
        [],
        "Les transactions mettent plus d'une minute à s'ouvrir chaque début de mois.",
        "Les traitements de clôture mensuelle occupent les serveurs. Planifiez-les la nuit et vérifiez les "
        "statistiques de la base ; la note technique de la version 2023.2 décrit les paramètres recommandés.",
    ),
    (
        "Apogée : message ORA-00942 à l'ouverture d'un écran",
        ("apogee", "scolarite"),
        "Scolarité",
        "Apogée",
        "6.09",
        ["ORA-00942"],
        "L'ouverture de l'écran des conventions de stage affiche ORA-00942 « table or view does not exist ».",
        "Un script de montée de version n'a pas été passé. Exécutez le script de création des vues fourni avec le "
        "correctif, puis recompilez les objets invalides du schéma.",
    ),
    (
        "Télé-demande : je ne reçois pas l'accusé de réception",
        ("messagerie",),
        "Messagerie",
        "",
        "",
        [],
        "J'ai déposé une demande mais je n'ai reçu aucun accusé de réception par courriel.",
        "Vérifiez le dossier des indésirables. L'accusé de réception est aussi visible dans « Mes demandes ». "
        "Si l'adresse de votre compte est erronée, corrigez-la dans vos préférences.",
    ),
]

FAQ = [
    (
        None,
        "Comment suivre ma demande ?",
        "Connectez-vous et ouvrez « Mes demandes » : vous y voyez le statut, les échanges et la réponse proposée.",
    ),
    (
        None,
        "Puis-je consulter la base de connaissances sans compte ?",
        "Oui, la base de connaissances et les questions fréquentes sont accessibles à tous, sans connexion.",
    ),
    (
        ("mot-de-passe", "compte"),
        "J'ai oublié mon mot de passe, que faire ?",
        "Utilisez le lien « Mot de passe oublié » de la page de connexion. Ne créez pas un nouveau compte.",
    ),
    (
        ("messagerie",),
        "Pourquoi mes courriels sont-ils refusés ?",
        "Le plus souvent la boîte est pleine (erreur 552) : videz la corbeille et archivez vos anciens messages.",
    ),
    (
        ("wifi", "reseau"),
        "Quel identifiant utiliser pour le wifi eduroam ?",
        "Votre adresse électronique complète et le mot de passe de votre compte numérique.",
    ),
    (
        ("sifac", "finances"),
        "Que signifie une demande « bloquante » ?",
        "Une demande est bloquante lorsqu'elle empêche la réalisation d'une opération réglementaire ou de paie, "
        "sans solution de contournement.",
    ),
]


def _category(slugs) -> Category | None:
    for slug in slugs or ():
        category = Category.objects.filter(slug=slug).first()
        if category is not None:
            return category
    return None


def seed(ctx: DemoContext) -> None:
    author = ctx.objects.get("user:manager")
    for title, slugs, domain, software_name, version, codes, problem, solution in ARTICLES:
        software = Software.objects.get_or_create(name=software_name)[0] if software_name else None
        article = Article.objects.filter(title=title).first() or Article(title=title, author=author)
        article.category = _category(slugs)
        article.domain, article.software, article.version = domain, software, version
        article.codes, article.problem, article.solution = "\n".join(codes), problem, solution
        article.save()
        if article.status != ArticleStatus.PUBLISHED:
            services.article_publish(article=article, editor=author)
    for position, (slugs, question, answer) in enumerate(FAQ):
        FaqEntry.objects.update_or_create(
            question=question,
            defaults={"answer": answer, "category": _category(slugs), "position": position, "is_published": True},
        )
