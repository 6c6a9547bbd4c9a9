"""Prefect artifacts of a run, keyed so the Artifacts page keeps each one's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from cpts.config import Settings, get_settings
from cpts.nir import redact
from cpts.publication import indicator_rows
from flows.summary import STATUS_LABELS, refusal_counts
from portal.registry import anomalies_of, last_refusals, rejects_of, where
from tasks.ingest import IngestReport
from warehouse.db import make_engine

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


REJECTS_SHOWN = 20  # per file in the artifact; the portal shows more


@dataclass
class FileDetails:
    """What the artifact needs from the registry besides the run's outcomes."""

    rejects: dict[int, list[dict]] = field(default_factory=dict)  # load id → first rejected rows
    earlier: dict[str, str] = field(default_factory=dict)  # sha256 → reason of an earlier refusal
    anomalies: dict[int, list[dict]] = field(default_factory=dict)  # load id → accepted deviations
    portal_url: str | None = None


def read_details(settings: Settings, report: IngestReport) -> FileDetails:
    loaded = [o.chargement_id for _, o in report.outcomes if o.lignes_rejetees and o.chargement_id]
    new = [o.chargement_id for _, o in report.outcomes if o.statut == "charge" and o.chargement_id]
    again = [d.sha256 for d, o in report.outcomes if o.statut == "deja_refuse" and d.sha256]
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return FileDetails(rejects_of(conn, loaded, REJECTS_SHOWN), last_refusals(conn, again),
                               anomalies_of(conn, new), settings.portail_url)
    finally:
        engine.dispose()


def deviations(found: list[dict]) -> str:
    """`; écarts acceptés : <label> (n), …` — every accepted deviation is visible (exports.md)."""
    if not found:
        return ""
    return " ; écarts acceptés : " + ", ".join(f"{a['libelle']} ({a['nombre']})" for a in found)


def _one_line(text: str | None) -> str:
    """A message on one line, redacted: it may quote the input (cpts.nir)."""
    return (redact(text) or "").replace("\n", " ").strip()


def interrupted_lines(report: IngestReport) -> list[str]:
    """Earlier runs killed mid-way, and the files they had found but not loaded."""
    lines = []
    for run in report.interrupted:
        lines += [f"## Exécution du {run.debut:%d/%m/%Y à %H:%M} interrompue", "",
                  "Cette exécution a été arrêtée brutalement (processus tué ou machine arrêtée) ; "
                  "chaque fichier est chargé en une transaction, donc rien de partiel n'est resté.", ""]
        if run.unloaded:
            lines += ["Fichiers qu'elle avait trouvés et n'a pas chargés (repris ci-dessus s'ils "
                      "sont encore dans la boîte de dépôt) :", "",
                      *[f"- {redact(name)}" for name in run.unloaded], ""]
    return lines


def files_markdown(report: IngestReport, error: str | None = None,
                   details: FileDetails | None = None) -> str:
    """What needs action first (refused files, rejected rows, with reasons), then new loads, then
    only a count of the files already seen. Lists, not wide tables: readable at 1280 px."""
    details = details or FileDetails()
    refused = [(d, o) for d, o in report.outcomes if o.statut in ("quarantaine", "obsolete")]
    with_rejects = [(d, o) for d, o in report.by_status("charge") if o.lignes_rejetees]
    clean = [(d, o) for d, o in report.by_status("charge") if not o.lignes_rejetees]
    seen = report.by_status("deja_charge")
    refused_again = report.by_status("deja_refuse")
    lines = ["# Fichiers reçus", ""]
    counts = [f"**{len(refused)} fichier(s) refusé(s)**", f"**{len(with_rejects)} avec lignes rejetées**",
              f"{len(clean) + len(with_rejects)} chargé(s)", f"{len(seen)} déjà chargé(s), ignoré(s)"]
    lines.append(" · ".join(counts))
    if details.portal_url:
        lines += ["", f"[Tous les fichiers et leurs motifs dans le portail]({details.portal_url.rstrip('/')}"
                      "/fichiers)"]
    if not report.outcomes and not report.unmatched:
        lines += ["", "Aucun fichier dans la boîte de dépôt."]
    if refused or with_rejects:
        lines += ["", "## À corriger", ""]
    for d, o in refused:
        lines += [f"### {d.shown_name} — {STATUS_LABELS.get(o.statut, o.statut)}", "",
                  f"Motif : {_one_line(o.message)}", "",
                  "À faire : corrigez le fichier puis déposez-le à nouveau ; rien n'en a été chargé.", ""]
    for d, o in with_rejects:
        lines += [f"### {d.shown_name} — chargé, {o.lignes_rejetees} ligne(s) rejetée(s)", ""]
        shown = details.rejects.get(o.chargement_id, [])
        lines += [f"- {where(r)} : {_one_line(r['motif'])}" for r in shown]
        if o.lignes_rejetees > len(shown):
            lines.append(f"- … {o.lignes_rejetees - len(shown)} autre(s) : voir le portail ou le rapport.")
        lines += ["", "À faire : corrigez ces lignes et redéposez le fichier ; les autres lignes sont "
                      "chargées.", ""]
    lines += interrupted_lines(report)
    unread, unknown = report.refused_entries(), [d for d in report.unmatched if not d.refus]
    if unread:
        lines += ["## Entrées refusées sans être lues (laissées dans la boîte de dépôt)", ""]
        lines += [f"- {d.provider}/{d.shown_name} : {_one_line(d.refus)}" for d in unread]
        lines.append("")
    if unknown:
        lines += ["## Noms de fichiers non reconnus (laissés dans la boîte de dépôt)", ""]
        lines += [f"- {d.provider}/{d.shown_name}" + (f" : {_one_line(d.motif)}" if d.motif else "")
                  for d in unknown]
        lines += ["", "Renommez-les selon exports.md puis relancez le chargement.", ""]
    if clean or with_rejects:
        lines += ["## Nouveaux chargements", ""]
        lines += [f"- {d.provider}/{d.shown_name} : {o.lignes_chargees} ligne(s) chargée(s)"
                  + (f", {o.lignes_remplacees} remplacée(s)" if o.lignes_remplacees else "")
                  + deviations(details.anomalies.get(o.chargement_id or 0, []))
                  for d, o in [*with_rejects, *clean]]
        lines.append("")
    if refused_again:
        lines += ["## Déjà refusés (toujours dans la boîte de dépôt)", ""]
        lines += [f"- {d.shown_name} : "
                  f"{_one_line(details.earlier.get(d.sha256 or '', 'refusé lors d’un passage précédent'))}"
                  for d, _ in refused_again]
        lines.append("")
    if error:
        lines += ["## Chargement interrompu", "", _one_line(error), "",
                  "Les fichiers non listés ci-dessus n'ont pas été traités ; le fichier en cours "
                  "n'a rien laissé de partiel. Relancez « Chargement nocturne » une fois le problème "
                  "corrigé."]
    return "\n".join(lines).rstrip() + "\n"


def publish_files(report: IngestReport, error: str | None = None,
                  details: FileDetails | None = None) -> None:
    refused, rows = refusal_counts(report)
    create_markdown_artifact(key=FILES_KEY, markdown=files_markdown(report, error, details),
                             description=f"{refused} fichier(s) refusé(s), {rows} ligne(s) rejetée(s), "
                                         f"{len(report.by_status('charge'))} chargé(s), "
                                         f"{len(report.unmatched)} non reconnu(s) ou non lu(s)")


def publish_link(key: str, path: Path | None, text: str, description: str,
                 portal_path: str | None = None) -> bool:
    """A link artifact to a produced file (report, data docs) — only when it exists. Through the
    portal when its address is configured (a file:// link opens nothing from another computer)."""
    if path is None or not Path(path).exists():
        return False
    portal = get_settings().portail_url
    link = (f"{portal.rstrip('/')}{portal_path}" if portal and portal_path
            else Path(path).resolve().as_uri())
    create_link_artifact(key=key, link=link, link_text=text, description=description)
    return True


def report_key(territoire: str) -> str:
    return f"rapport-{territoire}"


def publish_report_link(territoire: str, annee: int, path: Path) -> bool:
    return publish_link(report_key(territoire), path, f"Rapport {territoire} {annee} (Excel)",
                        f"Classeur du dialogue de gestion {territoire} {annee} : {path.name}",
                        f"/rapports/rapports/{quote(path.name)}")


def publish_quality_link(docs_index: Path | None) -> bool:
    return publish_link("qualite-docs", docs_index, "Contrôles qualité (Data Docs)",
                        "Résultats détaillés des contrôles qualité de l'entrepôt", "/qualite")


def publish_annex_link(territoire: str, annee: int, path: Path) -> bool:
    return publish_link(f"annexe-{territoire}", path, path.name,
                        f"Proposition d'annexe indicateurs {annee} pour {territoire} : paliers à "
                        "compléter après la négociation.", f"/rapports/annexes/{quote(path.name)}")
