"""Marts: indicator catalogue, values with status and lineage, breakdowns."""

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Index, Integer, String, Table, Text

from warehouse.tables.base import IdType, metadata

indicateurs_catalogue = Table(
    "indicateurs_catalogue", metadata,
    Column("version", Integer, primary_key=True, comment="Version du catalogue (2024, 2025)"),
    Column("code_indicateur", String(40), primary_key=True, comment="Code stable, ex. URG_NON_HOSPIT"),
    Column("libelle", Text, nullable=False, comment="Libellé publié"),
    Column("mission", Integer, comment="1 à 6 ; vide = organisation de la CPTS"),
    Column("nature", String(5), nullable=False, comment="stock ou flux"),
    Column("unite", String(30), nullable=False, comment="Unité, ex. passages, %, pour 100 habitants"),
    Column("sens", String(1), comment="≥ (plus haut = mieux) ou ≤ (plus bas = mieux)"),
    Column("secret", Boolean, nullable=False, comment="Soumis au secret statistique"),
    Column("sources", Text, nullable=False, comment="Tables sources, séparées par des virgules"),
    Column("definition", Text, nullable=False, comment="Définition en français"),
    comment="Catalogue des indicateurs, versionné par année (recopié de warehouse/indicateurs/ à chaque "
            "calcul)",
)

indicateurs_resultats = Table(
    "indicateurs_resultats", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("territoire", String(60), nullable=False, comment="Code du territoire"),
    Column("code_indicateur", String(40), nullable=False, comment="Code de l'indicateur"),
    Column("type_periode", String(20), nullable=False,
           comment="annee_civile, annee_contractuelle, cumul_annee, mois"),
    Column("periode", String(30), nullable=False, comment="Libellé, ex. 2024, CA2024, 2024-03"),
    Column("date_debut", Date, nullable=False, comment="Premier jour de la période"),
    Column("date_fin", Date, nullable=False, comment="Dernier jour de la période (inclus)"),
    Column("valeur", Float, comment="Valeur exacte (non arrondie) ; vide si masquée à la source"),
    Column("numerateur", Float, comment="Numérateur (ou la valeur pour un effectif)"),
    Column("denominateur", Float, comment="Dénominateur d'un taux ; vide pour un effectif"),
    Column("valeur_masquee_source", Boolean, nullable=False, default=False,
           comment="Calculé sur des cellules masquées à la source (borne inférieure)"),
    Column("statut", String(15), nullable=False, comment="final, provisoire, non_evaluable"),
    Column("motif_statut", Text, comment="Motif en français d'un statut provisoire ou non évaluable"),
    Column("version_catalogue", Integer, nullable=False, comment="Version du catalogue utilisée"),
    Column("calcule_le", DateTime, nullable=False, comment="Date et heure du calcul"),
    Column("lignage", Text, comment="Identifiants des chargements sources, séparés par des virgules"),
    Index("uq_indicateurs_resultats_grain", "territoire", "code_indicateur", "type_periode", "periode",
          unique=True),
    comment="Valeurs des indicateurs : une ligne par territoire, indicateur et période",
)

indicateurs_ventilations = Table(
    "indicateurs_ventilations", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("territoire", String(60), nullable=False, comment="Code du territoire"),
    Column("code_indicateur", String(40), nullable=False, comment="Indicateur ventilé"),
    Column("type_periode", String(20), nullable=False, default="annee_civile",
           comment="annee_civile, annee_contractuelle, cumul_annee, mois"),
    Column("periode", String(30), nullable=False, comment="Libellé de la période"),
    Column("axe", String(30), nullable=False, comment="profession, commune, tranche_age"),
    Column("modalite", String(100), nullable=False, comment="Valeur de l'axe, ex. Infirmier, 42207"),
    Column("ordre", Integer, nullable=False, comment="Ordre d'affichage"),
    Column("valeur", Float, comment="Effectif exact ; vide si masqué à la source"),
    Column("masque_source", Boolean, nullable=False, default=False,
           comment="Cellule masquée à la source (CPAM `<5`) : inconnue, jamais 0"),
    Column("calcule_le", DateTime, nullable=False, comment="Date et heure du calcul"),
    Index("uq_indicateurs_ventilations_grain", "territoire", "code_indicateur", "type_periode", "periode",
          "axe", "modalite", unique=True),
    comment="Ventilations des indicateurs (adhérents par profession, passages par commune...)",
)

indicateurs_etat = Table(
    "indicateurs_etat", metadata,
    Column("cle", String(40), primary_key=True, comment="Calcul suivi, ex. nocturne"),
    Column("dernier_chargement", Integer, comment="Plus grand identifiant de chargement pris en compte"),
    Column("empreinte", String(64), nullable=False,
           comment="Empreinte du catalogue, du référentiel et des territoires utilisés"),
    Column("periodes", Text, nullable=False, comment="Périodes calculées (type:libellé)"),
    Column("calcule_le", DateTime, nullable=False, comment="Date et heure du calcul"),
    comment="État du calcul incrémental des indicateurs : ce qui a déjà été pris en compte",
)
