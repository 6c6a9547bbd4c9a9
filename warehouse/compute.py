"""Compute one indicator for every territory of one period at once (set-based).

Values are exact (rates: numerator and denominator kept beside); statuses say what is incomplete.
What every indicator of a period shares (snapshots, which territories have rows, lineage,
completeness) is looked up once per period in `PeriodData`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, text

from warehouse.catalogue import Indicator, completude, sources
from warehouse.catalogue.fonctions import REGISTRY
from warehouse.periods import Period, as_date

STALE_DAYS = 92
ANNUAL_ONLY = "Source annuelle : valeur calculée pour les années civiles seulement"
ZERO_DENOMINATOR = "Dénominateur nul : taux non calculable"
YEAR_TO_DATE = "Cumul depuis le début de l'année : valeur provisoire par nature"


@dataclass(frozen=True)
class Value:
    valeur: float | None
    numerateur: float | None
    denominateur: float | None
    statut: str = "final"
    motif_statut: str | None = None
    lignage: str | None = None
    masque_source: bool = False


@dataclass(frozen=True)
class Cell:
    axe: str
    modalite: str
    valeur: float | None
    masque_source: bool = False


def millesime(conn: Connection, year: int) -> int | None:
    """INSEE populations of millésime N are in force from 1 January N+3; else the latest held."""
    held = {int(m) for (m,) in conn.execute(text("SELECT DISTINCT millesime FROM populations"))}
    return year - 3 if year - 3 in held else max(held, default=None)


@dataclass
class PeriodData:
    """One period's parameters and memoised set-based lookups, shared by all its indicators."""

    conn: Connection
    period: Period
    territoires: list[str]
    stale_days: int = STALE_DAYS
    shared: dict = field(default_factory=dict)  # run-level memo (delivered months), across periods
    params: dict = field(init=False)
    _memo: dict = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.params = self.period.params() | {"millesime": millesime(self.conn, self.period.fin.year)}

    def _get(self, key: tuple, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def snapshots(self, table: str) -> dict[str, date]:
        """territoire → snapshot date (territories without one are absent)."""
        def make() -> dict[str, date]:
            found = sources.snapshot_dates(self.conn, table, self.params)
            if None in found:
                return {t: as_date(found[None]) for t in self.territoires}
            return {t: as_date(d) for t, d in found.items()}
        return self._get(("instantane", table), make)

    def with_rows(self, table: str, in_period: bool = True) -> set[str]:
        def make() -> set[str]:
            found = sources.territories_with_rows(self.conn, table, self.params, in_period)
            return set(self.territoires) if found is True else set() if found is False else found
        return self._get(("lignes", table, in_period), make)

    def workbook_years(self) -> dict[str, set[int]]:
        return self._get(("classeurs",), lambda: sources.workbook_years(self.conn))

    def completeness(self, kind: str | None) -> list[str]:
        """Depends on the period only (not on the territory nor the indicator)."""
        return self._get(("completude", kind), lambda: completude.reasons(
            self.conn, kind, self.period.debut, self.period.fin, self.shared))

    def local_completeness(self, kind: str | None, territoire: str) -> list[str]:
        """Completeness reasons of one territory (e.g. its residents' stays without UHCD flag)."""
        found = self._get(("completude_territoire", kind), lambda: completude.territory_reasons(
            self.conn, kind, self.period.debut, self.period.fin))
        return found.get(territoire, [])

    def source_lineage(self, table: str) -> dict[str | None, set[int]]:
        return self._get(("lignage", table), lambda: sources.lineage(self.conn, table, self.params))


def available(pd: PeriodData, ind: Indicator) -> set[str]:
    """Territories for which the indicator's sources hold something for the period."""
    if "populations" in ind.sources and pd.params["millesime"] is None:
        return set()
    chosen = set(pd.territoires)
    if ind.instantane is not None:
        chosen &= set(pd.snapshots(ind.instantane))
    dated = sources.dated(ind.sources)
    if ind.disponibilite == "classeur":
        first = 0 if ind.nature == "stock" else pd.period.debut.year
        years = pd.workbook_years()
        return {t for t in chosen if any(first <= y <= pd.period.fin.year for y in years.get(t, ()))}
    if ind.disponibilite == "registre":
        for table in dated:
            chosen &= pd.with_rows(table, in_period=False)
        return chosen
    if ind.disponibilite == "periode" and dated:
        return chosen & set().union(*(pd.with_rows(t) for t in dated))
    return chosen


def numbers(pd: PeriodData, ind: Indicator) -> dict[str, tuple[float | None, float | None, bool]]:
    """territoire → (numerateur, denominateur, masked at source), one query for all territories."""
    if ind.fonction:
        found = REGISTRY[ind.fonction](pd.conn, pd.params, pd.territoires)
        return {t: (_float(n), _float(d), False) for t, (n, d) in found.items()}
    rows = pd.conn.execute(text(sources.expand(ind.sql, ind.instantane)), pd.params).mappings()
    return {r["territoire"]: (_float(r["numerateur"]), _float(r["denominateur"]), bool(r.get("masque") or 0))
            for r in rows}


def lineage(pd: PeriodData, ind: Indicator) -> dict[str, str | None]:
    ids: dict[str | None, set[int]] = {}
    if ind.lignage:
        for t, cid in pd.conn.execute(text(sources.expand(ind.lignage, ind.instantane)), pd.params):
            ids.setdefault(t, set()).add(int(cid))
    else:
        for table in ind.sources:
            for t, found in pd.source_lineage(table).items():
                ids.setdefault(t, set()).update(found)
    shared = ids.get(None, set())
    return {t: ",".join(str(i) for i in sorted(shared | ids.get(t, set()))) or None for t in pd.territoires}


def compute(pd: PeriodData, ind: Indicator) -> dict[str, Value]:
    """territoire → value; a territory whose sources hold nothing for the period has no value."""
    if ind.annual_only and not pd.period.is_calendar_year:
        return {t: Value(None, None, None, "non_evaluable", ANNUAL_ONLY) for t in pd.territoires}
    chosen = available(pd, ind)
    if not chosen:
        return {}
    found = numbers(pd, ind)
    links = lineage(pd, ind)
    out = {}
    for t in sorted(chosen):
        num, den, masked = found.get(t, (None, None, False))
        if num is None and not masked:  # e.g. a dépistage kind with no row this year: never 0
            continue
        if den == 0:  # e.g. only « booked » appointments: the rate does not exist, it is not 0
            out[t] = Value(None, num, den, "non_evaluable", ZERO_DENOMINATOR, links[t], masked)
            continue
        reasons = _stale(pd, ind, t) + pd.completeness(ind.completude) + pd.local_completeness(
            ind.completude, t)
        if pd.period.type_periode == "cumul_annee":
            reasons.insert(0, YEAR_TO_DATE)
        out[t] = Value(_valeur(ind, num, den, masked), num, den, "provisoire" if reasons else "final",
                       " ; ".join(reasons) or None, links[t], masked)
    return out


def _stale(pd: PeriodData, ind: Indicator, territoire: str) -> list[str]:
    if ind.instantane is None or ind.nature != "stock":
        return []
    snap = pd.snapshots(ind.instantane)[territoire]
    if (pd.period.fin - snap).days > pd.stale_days:
        return [f"Instantané du {snap:%d/%m/%Y}, plus de {pd.stale_days} jours avant la fin de période"]
    return []


def breakdowns(pd: PeriodData, ind: Indicator, territoires: set[str]) -> dict[str, list[Cell]]:
    """territoire → cells in display order (CPAM cells masked at source keep their flag, never 0)."""
    out: dict[str, list[Cell]] = {}
    for b in ind.ventilations:
        for r in pd.conn.execute(text(sources.expand(b.sql, ind.instantane)), pd.params).mappings():
            if r["territoire"] in territoires:
                masked = bool(r.get("masque") or 0)
                out.setdefault(r["territoire"], []).append(
                    Cell(b.axe, str(r["modalite"]), None if masked else _float(r["valeur"]), masked))
    return out


def _float(x: object) -> float | None:
    return None if x is None else float(x)


def _valeur(ind: Indicator, num: float | None, den: float | None, masked: bool) -> float | None:
    if masked or num is None:
        return None
    if ind.echelle is None:
        return num
    return num / den * ind.echelle if den else None
