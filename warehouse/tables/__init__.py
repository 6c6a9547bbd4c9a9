"""SQLAlchemy metadata of the warehouse, one module per layer (names in the analysts' vocabulary)."""

from warehouse.tables import activite, annuaire, cpam, hopital, marts, reference, registre, sas
from warehouse.tables.base import metadata

__all__ = ["activite", "annuaire", "cpam", "hopital", "marts", "metadata", "reference", "registre",
           "sas"]
