"""The 56 columns of the public PS_LibreAcces_Personne_activite extraction, and code labels."""

from __future__ import annotations

COLUMNS = [
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP",
    "Code civilité d'exercice", "Libellé civilité d'exercice", "Code civilité",
    "Libellé civilité", "Nom d'exercice", "Prénom d'exercice", "Code profession",
    "Libellé profession", "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire",
    "Libellé savoir-faire", "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site",
    "Numéro SIREN site", "Numéro FINESS site", "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure", "Raison sociale site", "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)", "Code commune (coord. structure)",
    "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure",
    "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
    "Code section tableau pharmaciens", "Libellé section tableau pharmaciens", "Code rôle",
    "Libellé rôle", "Code genre activité", "Libellé genre activité",
]
assert len(COLUMNS) == 56

PROFESSIONS = {"10": "Médecin", "21": "Pharmacien", "40": "Chirurgien-Dentiste",
               "50": "Sage-Femme", "60": "Infirmier", "70": "Masseur-Kinésithérapeute",
               "80": "Pédicure-Podologue", "91": "Orthophoniste", "92": "Orthoptiste",
               "93": "Psychologue", "94": "Ergothérapeute", "95": "Diététicien"}
SAVOIR_FAIRE = {"SM54": "Médecine générale", "SM53": "Spécialiste en Médecine générale",
                "SM26": "Qualifié en Médecine Générale", "SM04": "Cardiologie et maladies "
                "vasculaires", "SM13": "Dermatologie et vénéréologie", "SM38": "Ophtalmologie",
                "SM40": "Pédiatrie", "SM42": "Psychiatrie", "SM47": "Rhumatologie",
                "SM03": "Biologie médicale"}
MODES = {"L": "Libéral", "S": "Salarié", "B": "Bénévole"}
# Sector codes (TRE_R02): labels as published; officine and laboratory codes are our choice.
SECTORS = {"SA07": "Cabinet individuel", "SA08": "Cabinet de groupe",
           "SA01": "Etablissement public de santé", "SA05": "Centre de santé",
           "SA33": "Pharmacie d'officine", "SA25": "Laboratoire de biologie médicale"}
AUTHORITIES = {"10": "CNOM/CNOM/CNOM", "21": "CNOP/CNOP/CNOP", "40": "CNOCD/CNOCD/CNOCD",
               "50": "CNOSF/CNOSF/CNOSF", "60": "ONI/ONI/ONI", "70": "CNOMK/CNOMK/CNOMK",
               "80": "CNOPP/CNOPP/CNOPP"}
STREETS = [("R", "Rue", "DE LA REPUBLIQUE"), ("AV", "Avenue", "JEAN JAURES"),
           ("PL", "Place", "DE LA LIBERATION"), ("BD", "Boulevard", "DU PROGRES"),
           ("R", "Rue", "VICTOR HUGO"), ("R", "Rue", "DE LA PAIX"), ("CHE", "Chemin", "DES VIGNES"),
           ("R", "Rue", "PASTEUR"), ("AV", "Avenue", "DE LA GARE"), ("R", "Rue", "DU 8 MAI 1945")]
