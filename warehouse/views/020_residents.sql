-- Analysts: one row per (stay, territory of residence).
CREATE VIEW sejours_mco_residents AS
SELECT r.territoire, s.*
FROM sejours_mco s JOIN residence_sejours r ON r.sejour_id = s.id;

-- Medicine stays (indicators.md): GHM 3rd character M, CMD not 14, 15 or 28, at least one night.
CREATE VIEW sejours_medecine_residents AS
SELECT * FROM sejours_mco_residents
WHERE SUBSTR(ghm, 3, 1) = 'M' AND SUBSTR(ghm, 1, 2) NOT IN ('14', '15', '28')
  AND date_sortie > date_entree;

-- Analysts: one row per (emergency passage, territory of residence).
CREATE VIEW passages_urgences_residents AS
SELECT r.territoire, p.*
FROM passages_urgences p JOIN residence_passages r ON r.passage_id = p.id;
