"""Run the checks of schemas/quality as Great Expectations suites over a SQL datasource.

Ephemeral GX context built from the check table at each run: nothing to keep in sync on disk but
the generated Data Docs. One asset per controlled table, one query asset per derived check.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from schemas.quality import Check

SITE = "qualite"

# Derived queries that need a dialect-specific expression; the rest of the SQL is portable.
DIALECT_SQL = {
    "sqlite": {"duree_heures": "(julianday(sortie) - julianday(entree)) * 24",
               "duree_jours": "julianday(date_sortie) - julianday(date_entree)"},
    "postgresql": {"duree_heures": "EXTRACT(EPOCH FROM (sortie - entree)) / 3600",
                   "duree_jours": "(date_sortie - date_entree)"},
}


@dataclass(frozen=True)
class GxOutcome:
    success: bool
    element_count: int | None
    unexpected_count: int | None
    unexpected_percent: float | None
    page: Path | None = None  # Data Docs page of the validation that holds this check


def asset_name(check: Check) -> str:
    """A derived check is its own asset (and suite); plain checks share their table's."""
    return check.nom if check.requete else check.table


def derived_query(check: Check, dialect: str) -> str:
    from warehouse.catalogue import catalogue

    assert check.requete is not None
    percent = ", ".join(f"'{i.code}'" for i in catalogue().values() if i.unite == "%") or "''"
    return check.requete.format(**DIALECT_SQL[dialect], indicateurs_pourcentage=percent).strip()


def _gx_query(check: Check, dialect: str) -> str:
    # GX wants the text to start with SELECT; the derived query may open with a CTE.
    return f"SELECT * FROM ({derived_query(check, dialect)}) derivee"


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _expectation(gx, check: Check):
    cls = getattr(gx.expectations, _camel(check.attente))
    notes = (f"**{check.nom}** ({check.categorie}, sévérité {check.severite}, "
             f"seuil {check.seuil_pct:g} %) : {check.description}")
    kwargs = {"mostly": check.mostly} if check.mostly < 1 else {}
    return cls(column=check.colonne, **check.params, **kwargs,
               meta={"controle": check.nom, "notes": {"format": "markdown", "content": [notes]}})


def run_gx(url: str, dialect: str, checks: list[Check], docs_dir: Path,
           run_name: str) -> dict[str, GxOutcome]:
    """Validate every check; Data Docs are written to `docs_dir`. Keyed by check name."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # quiet nightly logs
    context.add_data_docs_site(SITE, {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(docs_dir)},
    })
    with warnings.catch_warnings():  # the generic SQL source is deliberate: one code for both backends
        warnings.simplefilter("ignore")
        source = context.data_sources.add_sql(name="entrepot", connection_string=url)
    suites: dict[str, list[Check]] = {}
    for check in checks:
        suites.setdefault(asset_name(check), []).append(check)
    definitions = []
    for name, members in suites.items():
        first = members[0]
        asset = (source.add_query_asset(name=name, query=_gx_query(first, dialect))
                 if first.requete else source.add_table_asset(name=name, table_name=first.table))
        batch = asset.add_batch_definition_whole_table("tout")
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        for check in members:
            suite.add_expectation(_expectation(gx, check))
        definitions.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name="qualite_entrepot", validation_definitions=definitions,
        result_format={"result_format": "SUMMARY"}))
    result = checkpoint.run(run_id=RunIdentifier(run_name=run_name))
    # Once for the whole run: the UpdateDataDocsAction would rebuild the site after each suite.
    context.build_data_docs(site_names=[SITE])
    pages = {name: next(iter(sorted((docs_dir / "validations" / name / run_name).glob("*/*.html"))), None)
             for name in suites}
    by_name = {c.nom: c for c in checks}
    outcomes: dict[str, GxOutcome] = {}
    for suite_result in result.run_results.values():
        for r in suite_result.results:
            res, name = r.result or {}, r.expectation_config.meta["controle"]
            outcomes[name] = GxOutcome(
                bool(r.success), res.get("element_count"), res.get("unexpected_count"),
                res.get("unexpected_percent"), pages[asset_name(by_name[name])])
    return outcomes
