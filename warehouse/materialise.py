"""Compute catalogue indicators for territories × periods into `indicateurs_resultats`.

Values are exact (rates: numerator and denominator stored beside); statuses say what is incomplete.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, and_, delete, insert, text

from warehouse.catalogue import Indicator, catalogue, completude, sources
from warehouse.catalogue.fonctions import REGISTRY
from warehouse.catalogue.ventilations import BREAKDOWNS, Cell
from warehouse.loading import lock_writers
from warehouse.periods import Period, as_date
from warehouse.tables.marts import indicateurs_catalogue, indicateurs_resultats, indicateurs_ventilations

__all__ = ["Period", "Value", "compute", "materialise"]
STALE_DAYS = 92


@dataclass(frozen=True)
class Value:
    valeur: float | None
    numerateur: float | None
    denominateur: float | None
    statut: str = "final"
    motif_statut: str | None = None
    lignage: str | None = None
    masque_source: bool = False
    params: dict = field(default_factory=dict, compare=False, repr=False)


def millesime(conn: Connection, year: int) -> int | None:
    """INSEE populations of millésime N are in force from 1 January N+3; else the latest held."""
    held = {int(m) for (m,) in conn.execute(text("SELECT DISTINCT millesime FROM populations"))}
    return year - 3 if year - 3 in held else max(held, default=None)


def compute(conn: Connection, indicator: Indicator, territoire: str, period: Period,
            stale_days: int = STALE_DAYS, completeness: dict | None = None) -> Value | None:
    """The value of one indicator, or None when its sources hold nothing for the period."""
    params = period.params(territoire) | {"millesime": millesime(conn, period.fin.year)}
    if indicator.frequence == "annuelle" and not period.is_calendar_year:
        return Value(None, None, None, "non_evaluable",
                     "Source annuelle : valeur calculée pour les années civiles seulement")
    reasons = _snapshot(conn, indicator, params, period, stale_days)
    if reasons is None or not _has_data(conn, indicator, params):
        return None
    num, den, masked = _numbers(conn, indicator, params)
    if num is None and not masked:  # e.g. a dépistage kind with no row this year: no value, never 0
        return None
    if den == 0:  # e.g. only « booked » appointments: the rate does not exist, it is not 0
        return Value(None, num, den, "non_evaluable", "Dénominateur nul : taux non calculable",
                     _lineage(conn, indicator, params), masked, params)
    reasons += _completeness(conn, indicator, period, {} if completeness is None else completeness)
    if period.type_periode == "cumul_annee":
        reasons.insert(0, "Cumul depuis le début de l'année : valeur provisoire par nature")
    return Value(_valeur(indicator, num, den, masked), num, den,
                 "provisoire" if reasons else "final", " ; ".join(reasons) or None,
                 _lineage(conn, indicator, params), masked, params)


def _snapshot(conn: Connection, ind: Indicator, params: dict, period: Period,
              stale_days: int) -> list[str] | None:
    """Sets :instantane; None when there is no snapshot (no value, never 0)."""
    if ind.instantane is None:
        return []
    found = conn.execute(text(ind.instantane), params).scalar()
    if found is None:
        return None
    params["instantane"] = as_date(found)
    if ind.nature == "stock" and (period.fin - params["instantane"]).days > stale_days:
        return [f"Instantané du {params['instantane']:%d/%m/%Y}, plus de {stale_days} jours "
                "avant la fin de période"]
    return []


def _completeness(conn: Connection, ind: Indicator, period: Period, memo: dict) -> list[str]:
    """Completeness depends on the period only (not the territory nor the indicator): memoised per run."""
    key = (ind.completude, period.debut, period.fin)
    if key not in memo:
        memo[key] = completude.reasons(conn, ind.completude, period.debut, period.fin)
    return list(memo[key])


def _has_data(conn: Connection, ind: Indicator, params: dict) -> bool:
    if "populations" in ind.sources and params["millesime"] is None:
        return False
    dated = [s for s in ind.sources if sources.SOURCES[s].date_column and not sources.SOURCES[s].snapshot]
    if dated and set(dated) <= sources.WORKBOOK_TABLES:
        years = sources.workbook_years(conn, str(params["territoire"]))
        first = 0 if ind.nature == "stock" else params["debut"].year
        return any(first <= y <= params["fin"].year for y in years)
    if ind.nature == "stock":  # register-like stocks: any row of the territory up to the end
        return all(conn.execute(text(f"SELECT 1 FROM {s} WHERE territoire = :territoire"), params).first()
                   is not None for s in dated)
    return not dated or any(sources.has_data(conn, s, params) for s in dated)


def _numbers(conn: Connection, ind: Indicator, params: dict) -> tuple[float | None, float | None, bool]:
    if ind.fonction:
        num, den = REGISTRY[ind.fonction](conn, params)
        return _float(num), _float(den), False
    row = conn.execute(text(ind.sql), params).mappings().one()
    return _float(row["numerateur"]), _float(row["denominateur"]), bool(row.get("masque") or 0)


def _float(x: object) -> float | None:
    return None if x is None else float(x)


def _valeur(ind: Indicator, num: float | None, den: float | None, masked: bool) -> float | None:
    if masked or num is None:
        return None
    if ind.echelle is None:
        return num
    return num / den * ind.echelle if den else None


def _lineage(conn: Connection, ind: Indicator, params: dict) -> str | None:
    if ind.lignage:
        ids = sorted(int(r[0]) for r in conn.execute(text(ind.lignage), params))
    else:
        ids = sources.lineage(conn, ind.sources, params)
    return ",".join(str(i) for i in ids) or None


def materialise(engine: Engine, territoires: list[str], periods: list[Period],
                catalogue_version: int | None = None, stale_days: int = STALE_DAYS,
                codes: Collection[str] | None = None) -> int:
    """Replace the values of these territories × periods; returns the number of rows written.

    `codes` restricts the indicators computed (e.g. flow indicators for monthly series); the
    territory × period rows are replaced as a whole either way."""
    now = datetime.now()
    written = 0
    indicators = [i for i in catalogue().values() if codes is None or i.code in codes]
    memo: dict = {}  # completeness reasons per (kind, period), shared by territories and indicators
    with engine.begin() as conn:
        lock_writers(conn)  # one writer at a time, also outside the nightly's run lock
        upsert_catalogue(conn)
        for territoire in territoires:
            for period in periods:
                _clear(conn, territoire, period)
                for indicator in indicators:
                    value = compute(conn, indicator, territoire, period, stale_days, memo)
                    if value is None:
                        continue
                    _insert(conn, territoire, indicator, period, value,
                            catalogue_version or max(indicator.versions), now)
                    _breakdowns(conn, territoire, indicator, period, value, now)
                    written += 1
    return written


def upsert_catalogue(conn: Connection) -> None:
    """The analysts' views join labels from `indicateurs_catalogue`: keep it equal to the TOML."""
    conn.execute(delete(indicateurs_catalogue))
    conn.execute(insert(indicateurs_catalogue), [
        {"version": v, "code_indicateur": i.code, "libelle": i.libelle, "mission": i.mission,
         "nature": i.nature, "unite": i.unite, "sens": i.sens, "secret": i.secret,
         "sources": ",".join(i.sources), "definition": i.definition}
        for i in catalogue().values() for v in i.versions])


def _clear(conn: Connection, territoire: str, period: Period) -> None:
    for t in (indicateurs_resultats, indicateurs_ventilations):
        conn.execute(delete(t).where(and_(
            t.c.territoire == territoire, t.c.type_periode == period.type_periode,
            t.c.periode == period.label)))


def _insert(conn: Connection, territoire: str, indicator: Indicator, period: Period,
            value: Value, version: int, now: datetime) -> None:
    conn.execute(insert(indicateurs_resultats).values(
        territoire=territoire, code_indicateur=indicator.code, type_periode=period.type_periode,
        periode=period.label, date_debut=period.debut, date_fin=period.fin,
        valeur=value.valeur, numerateur=value.numerateur, denominateur=value.denominateur,
        valeur_masquee_source=value.masque_source, statut=value.statut,
        motif_statut=value.motif_statut, version_catalogue=version, calcule_le=now,
        lignage=value.lignage))


def _breakdowns(conn: Connection, territoire: str, indicator: Indicator, period: Period,
                value: Value, now: datetime) -> None:
    build = BREAKDOWNS.get(indicator.code)
    if build is None or value.statut == "non_evaluable":
        return
    cells: list[Cell] = build(conn, value.params)
    if cells:
        conn.execute(insert(indicateurs_ventilations), [
            {"territoire": territoire, "code_indicateur": c.code_indicateur,
             "type_periode": period.type_periode, "periode": period.label, "axe": c.axe,
             "modalite": c.modalite, "ordre": n, "valeur": c.valeur, "masque_source": c.masque_source,
             "calcule_le": now} for n, c in enumerate(cells)])


