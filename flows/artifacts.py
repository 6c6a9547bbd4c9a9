"""Prefect artifacts of a run, keyed so the Artifacts page keeps each one's history."""

from __future__ import annotations

from pathlib import Path

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from cpts.config import Settings
from cpts.publication import indicator_rows
from flows.summary import STATUS_LABELS
from tasks.ingest import IngestReport

FILES_KEY = "fichiers-recus"


def indicators_key(territoire: str) -> str:
    return f"indicateurs-{territoire}"  # territory codes are already lowercase-with-dashes


def publish_indicators(settings: Settings, territoire: str, annees: list[int]) -> int:
    """One table per territory (secrecy applied by cpts.publication); returns the rows shown."""
    table = [{"annee": str(annee), **row}
             for annee in sorted(annees, reverse=True)
             for row in indicator_rows(settings, territoire, str(annee))]
    if not table:
        create_markdown_artifact(
            key=indicators_key(territoire),
            markdown=f"# Indicateurs — {territoire}\n\nAucun indicateur calculé pour "
                     f"{', '.join(map(str, annees)) or 'aucune année'} : l'entrepôt ne contient "
                     "pas encore de données pour ce territoire.",
            description=f"Indicateurs de {territoire} (aucune valeur)")
        return 0
    create_table_artifact(
        key=indicators_key(territoire), table=table,
        description=f"Indicateurs de {territoire}, années {', '.join(map(str, sorted(annees)))} ; "
                    f"secret statistique appliqué (valeurs sous le seuil de {settings.secret_threshold} "
                    "masquées).")
    return len(table)


def files_markdown(report: IngestReport, error: str | None = None) -> str:
    """Files loaded or refused, with the reason a person can act on."""
    lines = ["# Fichiers reçus", ""]
    if not report.outcomes and not report.unmatched:
        lines.append("Aucun fichier dans la boîte de dépôt.")
    if report.outcomes:
        lines += ["| Fournisseur | Fichier | Résultat | Lignes chargées | Lignes rejetées | Motif |",
                  "|---|---|---|---:|---:|---|"]
        for delivery, o in report.outcomes:
            motif = (o.message or "").replace("|", "/").replace("\n", " ")
            lines.append(f"| {delivery.provider} | {delivery.name} | "
                         f"{STATUS_LABELS.get(o.statut, o.statut)} | {o.lignes_chargees} | "
                         f"{o.lignes_rejetees} | {motif} |")
    unread, unknown = report.refused_entries(), [d for d in report.unmatched if not d.refus]
    if unread:
        lines += ["", "## Entrées refusées sans être lues (laissées dans la boîte de dépôt)", ""]
        lines += [f"- {d.provider}/{d.name} : {d.refus}" for d in unread]
    if unknown:
        lines += ["", "## Noms de fichiers non reconnus (laissés dans la boîte de dépôt)", ""]
        lines += [f"- {d.provider}/{d.name}" for d in unknown]
        lines += ["", "Renommez-les selon exports.md puis relancez le chargement."]
    if error:
        lines += ["", "## Chargement interrompu", "", error, "",
                  "Les fichiers non listés ci-dessus n'ont pas été traités ; le fichier en cours "
                  "n'a rien laissé de partiel. Relancez « Chargement nocturne » une fois le problème "
                  "corrigé."]
    return "\n".join(lines)


def publish_files(report: IngestReport, error: str | None = None) -> None:
    loaded = len(report.by_status("charge"))
    refused = len(report.outcomes) - loaded
    create_markdown_artifact(key=FILES_KEY, markdown=files_markdown(report, error),
                             description=f"{loaded} fichier(s) chargé(s), {refused} non chargé(s), "
                                         f"{len(report.unmatched)} non reconnu(s) ou non lu(s)")


def publish_link(key: str, path: Path | None, text: str, description: str) -> bool:
    """A link artifact to a produced file (report, data docs) — only when it exists."""
    if path is None or not Path(path).exists():
        return False
    create_link_artifact(key=key, link=Path(path).resolve().as_uri(), link_text=text,
                         description=description)
    return True


def report_key(territoire: str) -> str:
    return f"rapport-{territoire}"


def publish_report_link(territoire: str, annee: int, path: Path) -> bool:
    return publish_link(report_key(territoire), path, f"Rapport {territoire} {annee} (Excel)",
                        f"Classeur du dialogue de gestion {territoire} {annee} : {path}")


def publish_quality_link(docs_index: Path | None) -> bool:
    return publish_link("qualite-docs", docs_index, "Contrôles qualité (Data Docs)",
                        f"Résultats détaillés des contrôles qualité de l'entrepôt : {docs_index}")
