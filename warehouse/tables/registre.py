"""Load registry and rejects: what came in, from where, when, and what happened to it."""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from warehouse.tables.base import IdType, chargement_fk, metadata

chargements = Table(
    "chargements", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("fournisseur", String(20), nullable=False, comment="cpam, hopital, sas, cpts, annuaire"),
    Column("type_fichier", String(40), nullable=False, comment="Type d'export (exports.md)"),
    Column("nom_fichier", String(255), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("perimetre", String(200), comment="Périmètre remplacé, en clair, ex. 420001232, du 2024-03-01 "
           "au 2024-03-31"),
    Column("date_extraction", DateTime, comment="Date d'extraction ou de situation du fichier"),
    Column("recu_le", DateTime, nullable=False),
    Column("charge_le", DateTime),
    Column("lignes_lues", Integer),
    Column("lignes_chargees", Integer),
    Column("lignes_rejetees", Integer),
    Column("lignes_remplacees", Integer, comment="Lignes supprimées par le remplacement du périmètre"),
    Column("statut", String(20), nullable=False,
           comment="en_cours, charge, quarantaine, obsolete, remplace"),
    Column("message", Text, comment="Motif en français (quarantaine, obsolète)"),
    Column("archive", String(500), comment="Chemin de la copie brute archivée"),
    Column("tables_chargees", String(300),
           comment="Tables sources écrites par le chargement, séparées par des virgules"),
    Column("donnees_du", Date, comment="Première date des lignes chargées"),
    Column("donnees_au", Date, comment="Dernière date des lignes chargées"),
    # The scope's key, structured: two loads of one type with equal keys cover the same slice.
    Column("perimetre_territoire", String(60), comment="Périmètre : territoire (CPAM, CPTS)"),
    Column("perimetre_finess", String(9), comment="Périmètre : FINESS (RPU, PMSI)"),
    Column("perimetre_ordre", String(10), comment="Périmètre : ORDRE du nom national RPU"),
    Column("perimetre_annee", Integer, comment="Périmètre : année (PMSI, CPAM, CPTS)"),
    Column("perimetre_du", Date, comment="Périmètre : premier jour (fenêtre, mois ou date de situation)"),
    Column("perimetre_au", Date, comment="Périmètre : dernier jour (fenêtre, mois ou date de situation)"),
    comment="Registre des chargements : une ligne par fichier reçu",
)

rejets = Table(
    "rejets", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("ligne", Integer, comment="Numéro de ligne du fichier (1 = en-tête)"),
    Column("feuille", String(60)),
    Column("cellule", String(12)),
    Column("colonne", String(80)),
    Column("motif", Text, nullable=False),
    comment="Lignes rejetées, avec leur motif (jamais de NIR ni de valeur identifiante)",
)

anomalies = Table(
    "anomalies", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    chargement_fk(),
    Column("colonne", String(80), nullable=False),
    Column("nature", String(40), nullable=False,
           comment="code_hors_liste, colonne_en_trop, residence_non_attribuee, taux_incoherent..."),
    Column("nombre", Integer, nullable=False),
    Column("exemple", String(120)),
    comment="Anomalies non bloquantes comptées par fichier (métriques de qualité)",
)

purges_archive = Table(
    "purges_archive", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("nom_fichier", String(255), nullable=False),
    Column("sha256", String(64), index=True, comment="Vide pour un fichier temporaire abandonné"),
    Column("type_fichier", String(40)),
    Column("perimetre", String(200), comment="Périmètre que le fichier avait chargé, s'il y en a un"),
    Column("chargement_id", IdType, ForeignKey("chargements.id"),
           comment="Dernier chargement de ce fichier (chargé ou refusé)"),
    Column("archive", String(500), nullable=False, comment="Chemin de la copie brute supprimée"),
    Column("archive_le", DateTime, comment="Date de la copie dans l'archive"),
    Column("purge_le", DateTime, nullable=False),
    Column("motif", Text, nullable=False, comment="Pourquoi le fichier a été supprimé (français)"),
    comment="Registre des purges de l'archive brute (durée de conservation, temporaires abandonnés)",
)

cle_pseudonymisation = Table(
    "cle_pseudonymisation", metadata,
    Column("id", Integer, primary_key=True, comment="Toujours 1 : une seule clé en service"),
    Column("empreinte", String(64), nullable=False,
           comment="HMAC d'une constante sous la clé : reconnaît la clé sans la révéler"),
    Column("depuis", DateTime, nullable=False, comment="Premier chargement ou dernière rotation"),
    comment="Empreinte de la clé de pseudonymisation des données de l'entrepôt",
)

executions = Table(
    "executions", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("debut", DateTime, nullable=False),
    Column("fin", DateTime),
    Column("statut", String(20), nullable=False, comment="en_cours, termine, echec, interrompu"),
    Column("fichiers_prevus", Text, comment="Fichiers trouvés dans la boîte de dépôt (un par ligne)"),
    Column("flow_run_id", String(36), comment="Exécution Prefect, si la course tourne sous Prefect"),
    Column("message", Text),
    comment="Registre des chargements nocturnes : une ligne par exécution ; « en_cours » laissé par "
            "un processus arrêté brutalement devient « interrompu » au lancement suivant",
)
