"""Failed `fail` checks make the indicators they feed `provisoire`, with the French reason.

Called by the flow after materialisation (which rewrites the rows as `final`). An establishment
serves residents of every territory, so all territories are marked; the periods are those that
overlap the failing data (the missing month, the spike, the dates of the failing rows).
A failed check on the marts themselves (run after materialisation) marks the very rows that fail.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, and_, or_, select, text, update

from quality.details import failing_condition
from quality.gx_run import derived_query
from schemas.quality import checks
from warehouse.loading import lock_writers
from warehouse.tables.marts import indicateurs_resultats as ir
from warehouse.tables.qualite import qualite_resultats as qr

MAX_REASON = 600


def mark_provisional(engine: Engine, execution_id: str) -> int:
    """Mark the indicator rows hit by the run's failed `fail` checks; returns rows updated."""
    updated = 0
    with engine.begin() as conn:
        lock_writers(conn)
        failures = conn.execute(select(qr).where(
            qr.c.execution_id == execution_id, qr.c.severite == "fail", qr.c.reussi.is_(False),
            or_(qr.c.indicateurs.is_not(None), qr.c.table_controlee == ir.name))).mappings().all()
        for f in failures:
            reason = f"Contrôle qualité « {f['controle']} » : {f['details']}"[:MAX_REASON]
            if f["table_controlee"] == ir.name:
                updated += _mark_failing_mart_rows(conn, f["controle"], reason)
                continue
            where = [ir.c.code_indicateur.in_(f["indicateurs"].split(",")),
                     ir.c.statut != "non_evaluable"]
            if f["periode_debut"] is not None:
                where += [ir.c.date_debut <= f["periode_fin"], ir.c.date_fin >= f["periode_debut"]]
            for row in conn.execute(select(ir.c.id, ir.c.motif_statut).where(and_(*where))).all():
                if row.motif_statut and reason in row.motif_statut:
                    continue  # already marked by this very failure
                motif = f"{row.motif_statut} ; {reason}" if row.motif_statut else reason
                conn.execute(update(ir).where(ir.c.id == row.id).values(
                    statut="provisoire", motif_statut=motif))
                updated += 1
    return updated




def _mark_failing_mart_rows(conn: Connection, controle: str, reason: str) -> int:
    check = next((c for c in checks() if c.nom == controle), None)
    if check is None:
        return 0
    source = f"({derived_query(check, conn.dialect.name)})" if check.requete else ir.name
    keys = conn.execute(text(f"SELECT territoire, code_indicateur, periode FROM {source} q "
                             f"WHERE {failing_condition(check)}")).all()
    for territoire, code, periode in keys:
        conn.execute(update(ir).where(
            ir.c.territoire == territoire, ir.c.code_indicateur == code, ir.c.periode == periode,
            ir.c.statut != "non_evaluable").values(statut="provisoire", motif_statut=reason))
    return len(keys)
