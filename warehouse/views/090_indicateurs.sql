-- Analysts: indicator values with their French label (one row per territory, indicator, period).
CREATE VIEW indicateurs_valeurs AS
SELECT r.territoire, r.code_indicateur, c.libelle, r.type_periode, r.periode, r.date_debut, r.date_fin,
       r.valeur, r.numerateur, r.denominateur, r.valeur_masquee_source, r.statut, r.motif_statut,
       r.version_catalogue, r.calcule_le, r.lignage
FROM indicateurs_resultats r
LEFT JOIN indicateurs_catalogue c
  ON c.code_indicateur = r.code_indicateur AND c.version = r.version_catalogue;

-- Analysts: published breakdowns with the indicator label.
CREATE VIEW indicateurs_ventilations_libelles AS
SELECT v.territoire, v.code_indicateur, c.libelle, v.type_periode, v.periode, v.axe, v.modalite,
       v.ordre, v.valeur, v.masque_source, v.calcule_le
FROM indicateurs_ventilations v
LEFT JOIN indicateurs_catalogue c
  ON c.code_indicateur = v.code_indicateur
 AND c.version = (SELECT MAX(c2.version) FROM indicateurs_catalogue c2
                  WHERE c2.code_indicateur = v.code_indicateur);
