"""Given the flows' signatures, when Prefect builds the « Run » forms, then fields have French titles
and help, territories are listed by name, and a code is still accepted."""

from __future__ import annotations

import json

from prefect.utilities.callables import parameter_schema

from flows.construction import construction_des_indicateurs
from flows.indicators import calcul_des_indicateurs
from flows.lots import chargement_d_un_lot
from flows.nightly import chargement_nocturne
from flows.parameters import Territoire, territory_code


def test_forms_have_french_titles_help_and_territory_names() -> None:
    schema = parameter_schema(calcul_des_indicateurs.fn).model_dump()
    fields = schema["properties"]
    assert fields["annee"]["title"] == "Année"  # not the parameter name « annee »
    # An enum field is a $ref: the form titles it with the enum's own title.
    assert fields["territoire"].get("title", schema["definitions"]["Territoire"]["title"]) == "Territoire"
    assert "liste du référentiel" in fields["territoire"]["description"]
    territories = json.dumps(schema["definitions"]["Territoire"]["enum"], ensure_ascii=False)
    assert "CPTS Vallée du Gier" in territories and "vallee-du-gier" not in territories
    annex = parameter_schema(construction_des_indicateurs.fn).model_dump()["properties"]
    assert {f.get("title") for f in annex.values()} >= {"Année du contrat", "Période de référence"}
    nightly = parameter_schema(chargement_nocturne.fn).model_dump()["properties"]
    assert nightly["boite_de_depot"]["title"] == "Boîte de dépôt"
    assert nightly["lots"]["title"] == "Lots" and nightly["lots"]["default"] == 1
    assert "workers" in nightly["lots"]["description"]
    batch = parameter_schema(chargement_d_un_lot.fn).model_dump()
    assert batch["properties"]["livraisons"]["title"] == "Fichiers du lot"
    assert "partagée" in batch["definitions"]["LivraisonArchivee"]["properties"]["archive"]["description"]


def test_a_territory_is_found_by_name_or_code() -> None:
    assert Territoire("vallee-du-gier") is Territoire("CPTS Vallée du Gier")
    assert territory_code("CPTS Vallée du Gier") == "vallee-du-gier"
    assert territory_code(Territoire.vallee_du_gier) == "vallee-du-gier"


def test_descriptions_keep_their_placeholders_visible() -> None:
    """A `<territoire>` placeholder is swallowed as an HTML tag by the Prefect UI's markdown."""
    for flow in (chargement_nocturne, calcul_des_indicateurs, construction_des_indicateurs,
                 chargement_d_un_lot):
        assert "<" not in flow.description and "« indicateurs- »" not in flow.description
