"""The catalogue of accepted export types, in the order their files are loaded."""

from __future__ import annotations

from schemas import (
    annuaire,
    cpam_depistage,
    cpam_patientele_mt,
    cpam_prado,
    cpts_activite,
    cpts_annexe,
    pmsi_mco,
    rpu_csv,
    rpu_xml,
    sas_creneaux,
    sas_effecteurs,
    sas_rdv,
)
from schemas.base import FileType

FILE_TYPES: list[FileType] = [
    rpu_csv.FILE_TYPE,
    rpu_xml.FILE_TYPE, pmsi_mco.FILE_TYPE,
    sas_effecteurs.FILE_TYPE, sas_creneaux.FILE_TYPE, sas_rdv.FILE_TYPE, annuaire.FILE_TYPE,
    cpam_patientele_mt.FILE_TYPE, cpam_prado.FILE_TYPE, cpam_depistage.FILE_TYPE,
    cpts_activite.FILE_TYPE, cpts_annexe.FILE_TYPE,
]
TYPES: dict[str, FileType] = {t.code: t for t in FILE_TYPES}  # by code, as the registry names them


def match(provider: str, name: str) -> tuple[FileType, object] | None:
    """The file type whose name pattern matches (case-insensitively) a file of that provider."""
    for file_type in FILE_TYPES:
        if file_type.provider == provider.lower():
            m = file_type.matches(name)
            if m:
                return file_type, m
    return None
