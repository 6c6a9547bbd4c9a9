"""Nightly contract tracking: year-to-date values, tiers and money, into `contrat_suivi`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from contract.projection import assess, factor, project
from contract.tiers import NON_EVALUABLE, Earned, earned, mission_money, tiers_from_annex
from warehouse.catalogue import catalogue
from warehouse.loading import lock_writers
from warehouse.materialise import materialise
from warehouse.periods import DATED_SOURCES, Period, as_date, contract_years
from warehouse.tables.activite import annexe_enveloppes, annexe_indicateurs, annexe_parametres
from warehouse.tables.contrat import contrat_suivi
from warehouse.tables.marts import indicateurs_resultats as res

PROVISOIRE = "provisoire"


def last_data_date(conn: Connection, today: date) -> date | None:
    """Last day with loaded dated data, not after today (global: most sources carry no territory)."""
    found = []
    for table, column in DATED_SOURCES:
        value = conn.execute(text(f"SELECT MAX({column}) FROM {table}")).scalar()
        if value is not None:
            day = as_date(value)  # a timestamp column comes back as a datetime on PostgreSQL
            found.append(min(day.date() if isinstance(day, datetime) else day, today))
    return max(found, default=None)


def contract_in_force(conn: Connection, territoire: str, today: date) -> Period | None:
    """The annex's contract year covering today, else the latest one that has begun with data."""
    years = contract_years(conn, territoire)
    current = [p for p in years if p.debut <= today <= p.fin]
    if current:
        return current[-1]
    last = last_data_date(conn, today)
    started = [p for p in years if last is not None and p.debut <= last]
    return started[-1] if started else None


def latest_annex(conn: Connection, territoire: str, annee: int) -> tuple[list[dict], list[dict]]:
    """Indicators and envelopes of the latest loaded annex (a replaced annex is never mixed in)."""
    load_id = conn.execute(select(func.max(annexe_parametres.c.chargement_id)).where(
        annexe_parametres.c.territoire == territoire, annexe_parametres.c.annee == annee)).scalar()
    out = []
    for t in (annexe_indicateurs, annexe_enveloppes):
        where = [t.c.territoire == territoire, t.c.annee == annee]
        if load_id is not None:
            where.append(t.c.chargement_id == load_id)
        out.append([dict(r) for r in conn.execute(select(t).where(*where).order_by(t.c.id)).mappings()])
    indicators = [r for r in out[0] if r.get("actif", True)]
    return indicators, out[1]


def _ytd_results(conn: Connection, territoire: str, period: Period) -> dict[str, dict]:
    rows = conn.execute(select(res).where(
        res.c.territoire == territoire, res.c.type_periode == period.type_periode,
        res.c.periode == period.label).order_by(res.c.calcule_le)).mappings().all()
    return {r["code_indicateur"]: dict(r) for r in rows}


def indicator_line(annex_row: dict, result: dict | None, k: float) -> tuple[dict, Earned, Earned]:
    """One annex indicator: its tracking row and (earned so far, earned projected)."""
    ind = catalogue().get(annex_row["code_indicateur"])
    ok = assess(result)
    motif = ok.motif if ind is not None else "Non évaluable : indicateur absent du catalogue"
    tiers = tiers_from_annex(annex_row)
    if ind is None or not ok.evaluable:
        none = Earned(NON_EVALUABLE, 0.0)
        value = None if result is None else result.get("valeur")
        return _line(annex_row, value, "non_evaluable", none, None, none, motif), none, none
    value = result["valeur"]
    now = earned(value, annex_row["sens"], tiers)
    projected = project(ind, result, k)
    if ind.nature == "stock":  # not projected: its state today is the best estimate of the year's end
        later, motif = now, "Stock : non projeté (montant projeté = montant atteint à ce jour)"
    else:
        later = earned(projected, annex_row["sens"], tiers) if projected is not None else \
            Earned(NON_EVALUABLE, 0.0)
    return _line(annex_row, value, PROVISOIRE, now, projected, later, motif), now, later


def _line(annex_row: dict, value: float | None, statut: str, now: Earned, projected: float | None,
          later: Earned, motif: str | None) -> dict:
    return {"code_indicateur": annex_row["code_indicateur"], "mission": annex_row["mission"],
            "valeur_cumul": value, "statut": statut, "palier_atteint": now.tier,
            "montant_acquis": now.montant, "valeur_projetee": projected, "palier_projete": later.tier,
            "montant_projete": later.montant, "motif": motif}


def money_lines(results: list[tuple[dict, Earned, Earned]], envelopes: list[dict]) -> list[dict]:
    """Per mission (variable part, capped at its envelope) and the total (fixed parts + variable)."""
    variable = {e["mission"]: e["part_variable"] for e in envelopes if e["mission"] is not None}
    missions = sorted({r[0]["mission"] for r in results} | set(variable))
    lines, now_total, later_total = [], 0.0, 0.0
    for m in missions:
        mine = [r for r in results if r[0]["mission"] == m]
        now = mission_money([r[1] for r in mine], variable.get(m))
        later = mission_money([r[2] for r in mine], variable.get(m))
        now_total, later_total = now_total + now.earned, later_total + later.earned
        lines.append(_summary(m, now.earned, later.earned, _mission_motif(now, later)))
    fixed = sum(e["part_fixe"] or 0.0 for e in envelopes)
    lines.append(_summary(None, fixed + now_total, fixed + later_total,
                          f"Total : parts fixes {fixed:,.0f} € (fonctionnement compris) + parts variables"
                          .replace(",", " ")))
    return lines


def _mission_motif(now, later) -> str:
    parts = ["Part variable de la mission"]
    if now.capped or later.capped:
        parts.append(f"plafonnée à l'enveloppe variable ({now.envelope:,.0f} €)".replace(",", " "))
    if now.non_evaluable:
        parts.append(f"{now.non_evaluable} indicateur(s) non évaluable(s) compté(s) 0")
    return " ; ".join(parts)


def _summary(mission: int | None, now: float, later: float, motif: str) -> dict:
    return {"code_indicateur": None, "mission": mission, "valeur_cumul": None, "statut": PROVISOIRE,
            "palier_atteint": None, "montant_acquis": now, "valeur_projetee": None,
            "palier_projete": None, "montant_projete": later, "motif": motif}


def track(engine: Engine, territoire: str, today: date,
          couvert_jusqu_au: date | None = None) -> list[dict]:
    """Compute and store today's tracking of the territory's contract year; [] when no annex applies."""
    with engine.connect() as conn:
        contract = contract_in_force(conn, territoire, today)
        if contract is None:
            return []
        end = couvert_jusqu_au or last_data_date(conn, today)
        annex, envelopes = latest_annex(conn, territoire, contract.fin.year)
    if end is None or end < contract.debut:
        return []
    end = min(end, contract.fin)
    period = Period.year_to_date(contract.debut, end)
    materialise(engine, [territoire], [period])
    with engine.connect() as conn:
        results = _ytd_results(conn, territoire, period)
    k = factor(contract, end)
    per_indicator = [indicator_line(a, results.get(a["code_indicateur"]), k) for a in annex]
    # only lines with tiers carry money: a line kept for monitoring is not « non évaluable compté 0 »
    paying = [line for a, line in zip(annex, per_indicator, strict=True) if tiers_from_annex(a)]
    rows = [r[0] for r in per_indicator] + money_lines(paying, envelopes)
    key = {"territoire": territoire, "annee": contract.fin.year, "date_calcul": today,
           "couvert_jusqu_au": end}
    rows = [key | r for r in rows]
    _store(engine, key, rows)
    return rows


def _store(engine: Engine, key: dict, rows: list[dict]) -> None:
    """Replace today's series only: earlier nights stay as the tracking history."""
    with engine.begin() as conn:
        lock_writers(conn)
        conn.execute(delete(contrat_suivi).where(
            contrat_suivi.c.territoire == key["territoire"], contrat_suivi.c.annee == key["annee"],
            contrat_suivi.c.date_calcul == key["date_calcul"]))
        if rows:
            conn.execute(insert(contrat_suivi), rows)
