-- Residence attribution of facts to territories (exports.md, Residence): the resolved commune
-- decides; with no commune, a postal code wholly inside one territory attributes the row.
CREATE VIEW residence_passages AS
SELECT p.id AS passage_id, tc.territoire
FROM passages_urgences p JOIN territoires_communes tc ON tc.code_insee = p.commune_residence
UNION ALL
SELECT p.id, tcp.territoire
FROM passages_urgences p JOIN territoires_codes_postaux tcp ON tcp.code_postal = p.cp_residence
WHERE p.commune_residence IS NULL;
