"""Contract tracking mart: year-to-date values, tiers and money of the annex indicators."""

from sqlalchemy import Column, Date, Float, Index, Integer, String, Table, Text, text

from warehouse.tables.base import IdType, metadata

contrat_suivi = Table(
    "contrat_suivi", metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("territoire", String(60), nullable=False, index=True, comment="Code du territoire"),
    Column("annee", Integer, nullable=False, comment="Année contractuelle N (se termine en N)"),
    Column("code_indicateur", String(40),
           comment="Indicateur de l'annexe ; vide pour une ligne de synthèse (mission ou total)"),
    Column("mission", Integer, comment="1 à 6 ; vide pour la ligne Total"),
    Column("date_calcul", Date, nullable=False, comment="Jour du calcul (une série par nuit)"),
    Column("couvert_jusqu_au", Date, nullable=False,
           comment="Dernier jour couvert par des données complètes (fin du cumul)"),
    Column("valeur_cumul", Float, comment="Valeur exacte depuis le début de l'année contractuelle"),
    Column("statut", String(15), nullable=False,
           comment="provisoire (cumul en cours) ou non_evaluable"),
    Column("palier_atteint", String(15),
           comment="socle, intermediaire, objectif ; vide si aucun ; non_evaluable"),
    Column("montant_acquis", Float, comment="Montant atteint à ce jour (€, provisoire)"),
    Column("valeur_projetee", Float,
           comment="Projection linéaire à la fin de l'année contractuelle (flux seulement)"),
    Column("palier_projete", String(15), comment="Palier atteint par la projection"),
    Column("montant_projete", Float, comment="Montant projeté à la fin de l'année contractuelle (€)"),
    Column("motif", Text, comment="Motif en français (non évaluable, plafonnement, stock non projeté)"),
    Index("uq_contrat_suivi_grain", "territoire", "annee", "date_calcul",
          text("COALESCE(code_indicateur, '')"), text("COALESCE(mission, 0)"), unique=True),
    comment="Suivi nocturne du contrat (ACI) : cumul, paliers et montants, par indicateur, "
            "mission et total",
)
