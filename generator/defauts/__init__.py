"""The bad-inputs set: one mini-inbox per defect under <sortie>/defauts/, and a manifest."""

from __future__ import annotations

import json

from generator.context import Ctx
from generator.defauts import classeurs, hopital
from generator.defauts.common import Entry

DEFECTS = {
    "octets_indecodables": hopital.undecodable,
    "colonne_obligatoire_absente": hopital.missing_column,
    "fichier_vide": hopital.empty_file,
    "entete_seule": hopital.header_only,
    "entree_illisible": lambda ctx, root: hopital.bad_entree(ctx, root, 1),
    "lignes_invalides_5pct": lambda ctx, root: hopital.bad_entree(ctx, root, 50),
    "finess_cle_invalide": hopital.bad_finess,
    "perimetre_contredit": hopital.out_of_scope,
    "feuille_absente": classeurs.missing_sheet,
    "xlsx_tronque": classeurs.truncated,
    "bombe_xml_xlsx": classeurs.xml_bomb,
    "nir_dans_colonne": hopital.nir_in_column,
    "formule_texte": classeurs.formula_text,
    "pmsi_obsolete": hopital.obsolete_pmsi,
    "annexe_seuils_non_monotones": classeurs.non_monotonic,
    "nir_dans_texte": hopital.nir_in_text,
    "bombe_zip_xlsx": classeurs.zip_bomb,
}
RULES = ("« fichier » et « boite » sont relatifs au dossier defauts/ ; charger chaque boîte comme "
         "une boîte de dépôt, dans l'ordre de « passage » (1 puis 2, en deux exécutions) ; "
         "« lignes » sont des numéros de ligne physiques (1 = ligne d'en-tête) ; "
         "« cellule » est de la forme Feuille!A1.")


def write_defects(ctx: Ctx) -> list[Entry]:
    root = ctx.sortie / "defauts"
    manifest = []
    entries: list[Entry] = []
    for name, build in DEFECTS.items():
        made = build(ctx, root)
        entries += made
        manifest.append({"defaut": name, "fichiers": [e.as_json() for e in made]})
    for e in entries:
        ctx.record(root / e.fichier, "defaut", e.lignes_chargees or 0)
    text = json.dumps({"regles": RULES, "defauts": manifest}, ensure_ascii=False, indent=2)
    (root / "manifest.json").write_text(text + "\n", encoding="utf-8")
    return entries
