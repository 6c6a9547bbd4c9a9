"""Compute catalogue indicators for territories × periods into `indicateurs_resultats`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Engine, and_, delete, insert, text

from warehouse.catalogue import Indicator, catalogue
from warehouse.tables.marts import indicateurs_resultats


@dataclass(frozen=True)
class Period:
    type_periode: str  # annee_civile, annee_contractuelle, cumul_annee, mois
    label: str
    debut: date
    fin: date  # inclusive

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls("annee_civile", str(year), date(year, 1, 1), date(year, 12, 31))

    def params(self, territoire: str) -> dict[str, object]:
        return {"territoire": territoire, "debut": self.debut, "fin": self.fin,
                "fin_exclue": self.fin + timedelta(days=1)}


@dataclass(frozen=True)
class Value:
    valeur: float | None
    numerateur: float | None
    denominateur: float | None
    statut: str = "final"
    motif_statut: str | None = None
    lignage: str | None = None


def compute(conn: Connection, indicator: Indicator, territoire: str, period: Period) -> Value:
    params = period.params(territoire)
    row = conn.execute(text(indicator.sql), params).mappings().one()
    lineage = None
    if indicator.lignage:
        ids = sorted(r[0] for r in conn.execute(text(indicator.lignage), params))
        lineage = ",".join(str(i) for i in ids) or None
    return Value(row["valeur"], row["numerateur"], row["denominateur"], lignage=lineage)


def materialise(engine: Engine, territoires: list[str], periods: list[Period],
                catalogue_version: int | None = None) -> int:
    """Replace the values of these territories × periods; returns the number of rows written."""
    now = datetime.now()
    written = 0
    with engine.begin() as conn:
        for territoire in territoires:
            for period in periods:
                for indicator in catalogue().values():
                    value = compute(conn, indicator, territoire, period)
                    _replace(conn, territoire, indicator, period, value,
                             catalogue_version or max(indicator.versions), now)
                    written += 1
    return written


def _replace(conn: Connection, territoire: str, indicator: Indicator, period: Period,
             value: Value, version: int, now: datetime) -> None:
    t = indicateurs_resultats
    conn.execute(delete(t).where(and_(
        t.c.territoire == territoire, t.c.code_indicateur == indicator.code,
        t.c.type_periode == period.type_periode, t.c.periode == period.label)))
    conn.execute(insert(t).values(
        territoire=territoire, code_indicateur=indicator.code, type_periode=period.type_periode,
        periode=period.label, date_debut=period.debut, date_fin=period.fin,
        valeur=value.valeur, numerateur=value.numerateur, denominateur=value.denominateur,
        statut=value.statut, motif_statut=value.motif_statut, version_catalogue=version,
        calcule_le=now, lignage=value.lignage))
