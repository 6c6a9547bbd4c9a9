"""SQLAlchemy metadata of the warehouse, one module per layer (names in the analysts' vocabulary)."""

from warehouse.tables import (
    activite,
    annuaire,
    contrat,
    cpam,
    hopital,
    marts,
    qualite,
    reference,
    registre,
    residence,
    sas,
)
from warehouse.tables.base import metadata

__all__ = ["activite", "annuaire", "contrat", "cpam", "hopital", "marts", "metadata", "qualite", "reference",
           "registre", "residence", "sas"]
