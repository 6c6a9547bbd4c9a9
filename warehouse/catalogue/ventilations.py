"""Breakdowns written to `indicateurs_ventilations` (display order = `ordre`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Cell:
    code_indicateur: str
    axe: str
    modalite: str
    valeur: float | None
    masque_source: bool = False


ADHERENTS = """
SELECT a.profession, COUNT(DISTINCT a.identifiant) FROM cpts_adherents a
WHERE a.territoire = :territoire
  AND a.annee = (SELECT MAX(annee) FROM cpts_adherents WHERE territoire = :territoire)
  AND a.date_adhesion <= :fin AND (a.date_depart IS NULL OR a.date_depart > :fin)
GROUP BY a.profession ORDER BY COUNT(DISTINCT a.identifiant) DESC, a.profession
"""
PASSAGES_COMMUNE = """
SELECT COALESCE(p.commune_residence, 'non résolue'), COUNT(*) FROM passages_urgences_residents p
WHERE p.territoire = :territoire AND p.date_entree BETWEEN :debut AND :fin AND p.mode_sortie = '8'
GROUP BY COALESCE(p.commune_residence, 'non résolue')
ORDER BY COALESCE(p.commune_residence, 'non résolue')
"""
PASSAGES_AGE = """
SELECT CASE WHEN p.age IS NULL THEN 5 WHEN p.age < 15 THEN 1 WHEN p.age < 45 THEN 2
            WHEN p.age < 75 THEN 3 ELSE 4 END AS tranche, COUNT(*)
FROM passages_urgences_residents p
WHERE p.territoire = :territoire AND p.date_entree BETWEEN :debut AND :fin AND p.mode_sortie = '8'
GROUP BY CASE WHEN p.age IS NULL THEN 5 WHEN p.age < 15 THEN 1 WHEN p.age < 45 THEN 2
              WHEN p.age < 75 THEN 3 ELSE 4 END
ORDER BY 1
"""
AGE_BANDS = {1: "0-14 ans", 2: "15-44 ans", 3: "45-74 ans", 4: "75 ans et plus", 5: "âge inconnu"}
MT_COMMUNE = """
SELECT COALESCE(m.code_insee, m.commune), m.sans_mt_17p, m.sans_mt_17p_masque
FROM cpam_patientele_mt m
WHERE m.territoire = :territoire AND NOT m.est_total AND m.date_situation = :instantane
ORDER BY COALESCE(m.code_insee, m.commune)
"""


def adherents(conn: Connection, params: dict) -> list[Cell]:
    return [Cell("ADHERENTS", "profession", p, n) for p, n in conn.execute(text(ADHERENTS), params)]


def passages(conn: Connection, params: dict) -> list[Cell]:
    by_commune = [Cell("URG_NON_HOSPIT", "commune", c, n)
                  for c, n in conn.execute(text(PASSAGES_COMMUNE), params)]
    by_age = [Cell("URG_NON_HOSPIT", "tranche_age", AGE_BANDS[int(b)], n)
              for b, n in conn.execute(text(PASSAGES_AGE), params)]
    return by_commune + by_age


def sans_mt(conn: Connection, params: dict) -> list[Cell]:
    """CPAM cells masked at source keep their flag: never summed as 0."""
    return [Cell("MT_17P_SANS", "commune", c, None if masked else n, bool(masked))
            for c, n, masked in conn.execute(text(MT_COMMUNE), params)]


BREAKDOWNS = {"ADHERENTS": adherents, "URG_NON_HOSPIT": passages, "MT_17P_SANS": sans_mt}
