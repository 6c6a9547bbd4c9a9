"""French one-line summaries of what a run did with each file."""

from __future__ import annotations

from cpts.nir import redact
from tasks.ingest import IngestReport

STATUS_LABELS = {
    "charge": "chargé",
    "quarantaine": "mis en quarantaine",
    "obsolete": "obsolète (non chargé)",
    "deja_charge": "déjà chargé (ignoré)",
    "deja_refuse": "déjà refusé (ignoré)",
}


def describe_outcomes(report: IngestReport) -> list[str]:
    lines = []
    for delivery, outcome in report.outcomes:
        status = STATUS_LABELS.get(outcome.statut, outcome.statut)
        line = f"{delivery.provider}/{delivery.shown_name} : {status}"
        if outcome.statut == "charge":
            line += (f" ({outcome.lignes_chargees} lignes, {outcome.lignes_rejetees} rejetées, "
                     f"{outcome.lignes_remplacees} remplacées)")
        if outcome.message:
            line += f" — {outcome.message}"
        lines.append(redact(line) or "")
    for delivery in report.refused_entries():
        lines.append(redact(f"{delivery.provider}/{delivery.shown_name} : {delivery.refus}") or "")
    for delivery in (d for d in report.unmatched if not d.refus):
        lines.append(f"{delivery.provider}/{delivery.shown_name} : nom de fichier non reconnu, laissé "
                     "en place (voir exports.md pour les noms attendus)")
    return lines


REFUSED_NOW = {"quarantaine"}  # refused by this run (« déjà refusé » was counted the night it happened)


def refusal_counts(report: IngestReport) -> tuple[int, int]:
    """(files refused by this run, rows rejected in the files it loaded)."""
    files = sum(o.statut in REFUSED_NOW for _, o in report.outcomes)
    rows = sum(o.lignes_rejetees for _, o in report.outcomes if o.statut == "charge")
    return files, rows


def refusal_message(report: IngestReport) -> str | None:
    """The final state's message when something needs the coordinator, else None."""
    files, rows = refusal_counts(report)
    if not files and not rows:
        return None
    parts = [f"{files} fichier(s) refusé(s)"] if files else []
    parts += [f"{rows} ligne(s) rejetée(s)"] if rows else []
    return (" et ".join(parts)
            + " : voir l'artefact « fichiers-recus » ou la page « Fichiers reçus » du portail.")
