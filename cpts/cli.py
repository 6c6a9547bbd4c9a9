"""Command line `cpts` (French for the coordinator, who may run it too)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cpts.config import ConfigurationError, get_settings

app = typer.Typer(help="Observatoire CPTS : exports → entrepôt → indicateurs.", no_args_is_help=True)
db_app = typer.Typer(help="Gestion de l'entrepôt.")
app.add_typer(db_app, name="db")
cle_app = typer.Typer(help="Clé de pseudonymisation.")
app.add_typer(cle_app, name="cle")


@app.callback()
def _owner_only() -> None:
    """Every command writes owner-only files (raw copies, warehouse, reports, logs)."""
    from cpts.private import restrict_umask

    restrict_umask()


class Format(StrEnum):
    table = "table"
    csv = "csv"


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Crée ou met à niveau le schéma de l'entrepôt (migrations Alembic) et les référentiels."""
    from warehouse.db import make_engine, upgrade

    settings = get_settings()
    upgrade(make_engine(settings.database_url))
    typer.echo(f"Entrepôt à jour : {settings.database_url}")


@cle_app.command("rotation")
def cle_rotation(
    fichier_cle: Annotated[Path | None, typer.Option(
        "--fichier-cle", help="Fichier contenant la nouvelle clé ; sinon la variable "
        "d'environnement CPTS_PSEUDO_KEY_NOUVELLE (jamais la clé elle-même sur la ligne de commande)")
    ] = None,
) -> None:
    """Change la clé de pseudonymisation : recalcule chaque pseudonyme depuis l'archive brute."""
    import os

    from tasks.rotation import RotationRefused, check_new_key, rotate_key
    from warehouse.db import make_engine, upgrade

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        if fichier_cle is not None and not fichier_cle.is_file():
            _fail(f"Fichier de clé introuvable : {fichier_cle}. Rien n'a été modifié.")
        key = check_new_key(fichier_cle.read_text() if fichier_cle is not None
                            else os.environ.get("CPTS_PSEUDO_KEY_NOUVELLE"))
        upgrade(engine)
        files = rotate_key(engine, key)
    except RotationRefused as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    typer.echo(ROTATION_DONE.format(n=len(files)))


ROTATION_DONE = """Rotation terminée : {n} fichier(s) relu(s) depuis l'archive brute, pseudonymes recalculés \
avec la nouvelle clé (un périmètre par transaction).
À faire maintenant :
1. remplacez CPTS_PSEUDO_KEY (ou le bloc Secret Prefect « cpts-pseudo-key ») par la nouvelle clé \
avant le prochain chargement ;
2. détruisez l'ancienne clé, et la variable CPTS_PSEUDO_KEY_NOUVELLE ou le fichier de la nouvelle clé \
une fois celle-ci recopiée ;
3. les pseudonymes ont changé : les extractions faites avant la rotation ne se relient plus à \
l'entrepôt."""


@app.command()
def nightly(
    inbox: Annotated[str | None, typer.Option("--inbox", help="Boîte de dépôt à lire")] = None,
) -> None:
    """Lance le chargement nocturne en local (sans serveur Prefect)."""
    from cpts.failures import explain, quiet_tracebacks
    from flows.nightly import chargement_nocturne
    from flows.summary import describe_outcomes

    quiet_tracebacks()
    try:
        report = chargement_nocturne(boite_de_depot=inbox)
    except Exception as exc:  # the person running it gets a sentence, not a stack trace
        _fail(explain(exc))
    for line in describe_outcomes(report):
        typer.echo(line)


@app.command()
def indicateurs(
    territoire: Annotated[str, typer.Option(help="Code du territoire, ex. vallee-du-gier")],
    annee: Annotated[int, typer.Option(help="Année civile")],
    format: Annotated[Format, typer.Option(help="table ou csv")] = Format.table,
) -> None:
    """Affiche les indicateurs d'un territoire pour une année (secret statistique appliqué)."""
    from cpts.publication import indicator_rows, render

    rows = indicator_rows(get_settings(), territoire, str(annee))
    if not rows:
        _fail(f"Aucun indicateur calculé pour {territoire} en {annee} : lancez d'abord "
              "`cpts nightly`.")
    typer.echo(render(rows, format.value))


def _split(values: list[str] | None) -> list[str]:
    """`--annees 2023,2024`, `--annees "2023 2024"` or the option repeated."""
    return [part for value in values or [] for part in value.replace(",", " ").split()]


@app.command("generer-exemples")
def generer_exemples(
    sortie: Annotated[Path, typer.Option(help="Dossier de la boîte de dépôt à écrire")],
    territoires: Annotated[list[str] | None, typer.Option(
        help="Territoires (codes), ex. vallee-du-gier,grand-saint-etienne")] = None,
    annees: Annotated[list[str] | None, typer.Option(help="Années, ex. 2023,2024")] = None,
    echelle: Annotated[float, typer.Option(help="Multiplicateur des volumes")] = 1.0,
    graine: Annotated[int, typer.Option(help="Graine aléatoire")] = 42,
    variations: Annotated[float, typer.Option(
        help="Taux des variations réelles (encodages, colonnes, et conventions des producteurs : noms "
             "OSCOUR nationaux, séparateur « , », en-têtes SNDS, noms non reconnus…) ; 0 = fichiers "
             "propres")] = 1.0,
    defauts: Annotated[bool, typer.Option(help="Écrit aussi le jeu de fichiers défectueux")] = False,
    seulement: Annotated[list[str] | None, typer.Option(
        help="Seulement ces familles de fichiers, ex. rpu (rpu, pmsi, annuaire, cpam, sas, cpts)")
    ] = None,
    mois: Annotated[list[str] | None, typer.Option(
        help="Seulement les fichiers RPU de ces mois, ex. 1 ou 1,2 (les mêmes fichiers que "
             "l'année entière)")] = None,
) -> None:
    """Écrit des exports d'exemple réalistes (aucune donnée réelle)."""
    from generator import generate

    years = _split(annees) or ["2023", "2024"]
    if not all(y.isdigit() for y in years):
        _fail(f"Années invalides : {' '.join(years)} (attendu par exemple 2023,2024).")
    months = _split(mois)
    if not all(m.isdigit() for m in months):
        _fail(f"Mois invalides : {' '.join(months)} (attendu par exemple 1 ou 1,2).")
    try:
        summary = generate(
            sortie, territoires=tuple(_split(territoires) or ("vallee-du-gier",
                                                              "grand-saint-etienne")),
            annees=tuple(int(y) for y in years), echelle=echelle, graine=graine,
            variations=variations, defauts=defauts, seulement=_split(seulement) or None,
            mois=[int(m) for m in months] or None)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(f"{len(summary.files)} fichiers écrits dans {sortie}")


@app.command()
def demo(
    territoire: Annotated[str, typer.Option(help="Territoire affiché")] = "vallee-du-gier",
) -> None:
    """Démonstration : exports d'exemple → chargement nocturne → indicateurs → rapport Excel."""
    import os

    settings = get_settings().with_demo_key()
    os.environ["CPTS_PSEUDO_KEY"] = settings.pseudo_key.get_secret_value()
    get_settings.cache_clear()
    inbox = settings.data_dir / "exemples"
    if not inbox.exists():
        generer_exemples(sortie=inbox, territoires=None, annees=None, echelle=1.0, graine=42,
                         variations=1.0, defauts=False)
    nightly(inbox=str(inbox))
    for year in (2023, 2024):
        typer.echo(f"\n== {territoire} — {year} ==")
        indicateurs(territoire=territoire, annee=year, format=Format.table)
    typer.echo("\nRapport dialogue de gestion :")
    rapport(territoire=territoire, annee=2024)


@app.command()
def rapport(
    territoire: Annotated[str, typer.Option(help="Code du territoire, ex. vallee-du-gier")],
    annee: Annotated[int, typer.Option(help="Année du rapport (comparée à l'année précédente)")],
) -> None:
    """Écrit le classeur « Rapport dialogue de gestion » et affiche son chemin."""
    from report import build_report
    from warehouse.db import make_engine

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        typer.echo(str(build_report(engine, settings, territoire, annee)))
    finally:
        engine.dispose()


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port de l'interface Prefect (http://HOTE:PORT)")] = 4200,
    dossier: Annotated[Path | None, typer.Option(help="PREFECT_HOME ; défaut var/prefect")] = None,
    hote: Annotated[str, typer.Option(help="Adresse d'écoute de Prefect et du portail ; au-delà de "
                                      "127.0.0.1, CPTS_PREFECT_AUTH est obligatoire")] = "127.0.0.1",
) -> None:
    """Démarre Prefect (serveur, pool « cpts-process », déploiements, un worker) et le portail."""
    from cpts.serve import serve as run_local_prefect

    settings = get_settings()
    try:
        run_local_prefect(dossier or settings.data_dir / "prefect", port, host=hote, settings=settings)
    except ConfigurationError as exc:
        _fail(str(exc))


@app.command()
def portail(
    hote: Annotated[str | None, typer.Option(help="Adresse d'écoute ; défaut CPTS_PORTAIL_HOTE")] = None,
    port: Annotated[int | None, typer.Option(help="Port ; défaut CPTS_PORTAIL_PORT (8000)")] = None,
) -> None:
    """Démarre seulement le portail « Observatoire » (Prefect doit tourner pour lancer un chargement)."""
    from portal.server import run

    settings = get_settings()
    try:
        run(settings, hote or settings.portail_hote, port or settings.portail_port)
    except ConfigurationError as exc:
        _fail(str(exc))


@app.command("mot-de-passe")
def mot_de_passe() -> None:
    """Demande un mot de passe et affiche son empreinte, à mettre dans CPTS_PORTAIL_COMPTES."""
    from portal.auth import hash_password

    password = typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        _fail("Mot de passe trop court : 12 caractères au moins.")
    typer.echo(hash_password(password))


def main() -> None:  # pragma: no cover
    sys.exit(app())
