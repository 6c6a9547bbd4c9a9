"""What the coordinator reports for a year: actions, care pathways, trainings, crises.

Vallée du Gier 2024 is written out row by row (it is the activity report); other
territory-years are drawn. Rows: (date, mission, title, type, inhabitants, professionals,
partners) for actions; (date, pathway, patients, professionals); (date, title, trained);
(date, event, action, count, redirected).
"""

from __future__ import annotations

from datetime import date

import numpy as np

D = date.fromisoformat
VDG_2024_ACTIONS = [
    (D("2024-01-18"), 3, "Groupe de travail dépistage du cancer colorectal", "Réunion de travail",
     None, 8, None),
    (D("2024-02-08"), 6, "Soirée d'accueil des nouveaux installés", "Rencontre professionnels",
     None, 23, None),
    (D("2024-02-22"), 3, "Préparation de Mars bleu", "Réunion de travail", None, 6,
     "Ligue contre le cancer"),
    (D("2024-03-14"), 1, "Comité de pilotage SAS et soins non programmés", "Réunion de travail",
     None, 11, "SAS Loire"),
    (D("2024-03-21"), 3, "Conférence Mars bleu : dépister le cancer colorectal",
     "Conférence grand public", 24, 4, "Ligue contre le cancer ; mairie de Saint-Chamond"),
    (D("2024-04-11"), 3, "Groupe de travail vaccination HPV", "Réunion de travail", None, 7, None),
    (D("2024-05-16"), 2, "Groupe de travail parcours insuffisance cardiaque",
     "Réunion de travail", None, 9, None),
    (D("2024-05-30"), 4, "Rédaction du plan de crise", "Réunion de travail", None, 6, None),
    (D("2024-06-13"), 3, "Convention avec la Ligue contre le cancer", "Partenariat", None, 2,
     "Ligue contre le cancer (comité de la Loire)"),
    (D("2024-06-27"), 6, "Rencontre ville-hôpital", "Rencontre professionnels", None, 41,
     "Hôpital du Gier"),
    (D("2024-09-12"), 2, "Convention avec la cardiologie de l'Hôpital du Gier", "Partenariat",
     None, 3, "Hôpital du Gier"),
    (D("2024-09-26"), 3, "Bilan de Mars bleu et projets 2025", "Réunion de travail", None, 9,
     None),
    (D("2024-10-05"), 1, "Stand au forum santé de Rive-de-Gier", "Stand d'information", 65, 5,
     "Mairie de Rive-de-Gier"),
    (D("2024-10-10"), 6, "Soirée thématique messagerie sécurisée", "Rencontre professionnels",
     None, 18, "GCS SARA"),
    (D("2024-11-07"), 5, "Gestes et soins d'urgence (AFGSU)", "Formation", None, 9, "CESU 42"),
    (D("2024-11-21"), 3, "Groupe de travail Mois sans tabac", "Réunion de travail", 0, 6, None),
    (D("2024-12-12"), 6, "Assemblée générale", "Autre", None, 52, None),
]
VDG_2024_PATHWAYS = [
    (D("2024-03-31"), "Insuffisance cardiaque", 7, 12), (D("2024-06-30"), "Insuffisance cardiaque",
                                                        9, 14),
    (D("2024-06-30"), "Chute de la personne âgée", 11, 9),
    (D("2024-09-30"), "Insuffisance cardiaque", 6, 14),
    (D("2024-10-15"), "Plaies chroniques", 4, 5),
    (D("2024-12-31"), "Insuffisance cardiaque", 8, 15),
    (D("2024-12-31"), "Chute de la personne âgée", 13, 10),
]
VDG_2024_TRAININGS = [
    (D("2024-03-07"), "AFGSU niveau 2 – session 1", 5),
    (D("2024-05-23"), "AFGSU niveau 2 – session 2", 4),
    (D("2024-10-17"), "Prise en main de MonSisra (messagerie sécurisée)", 9),
]
VDG_2024_CRISES = [
    (D("2024-02-15"), "Plan de crise", "Plan de crise", 1, None),
    (D("2024-07-30"), "Canicule de juillet 2024", "Permanence", 2, 4),
    (D("2024-08-01"), "Canicule de juillet 2024", "Ligne téléphonique", 3, 2),
]

_ACTION_POOL = {  # mission: [(type, title, public?)]
    1: [("Réunion de travail", "Groupe de travail soins non programmés", False),
        ("Stand d'information", "Stand au marché : trouver un médecin traitant", True)],
    2: [("Réunion de travail", "Groupe de travail parcours", False),
        ("Partenariat", "Convention avec un service hospitalier", False)],
    3: [("Réunion de travail", "Groupe de travail prévention", False),
        ("Conférence grand public", "Conférence santé", True),
        ("Stand d'information", "Stand Octobre rose", True),
        ("Partenariat", "Convention avec une association", False)],
    4: [("Réunion de travail", "Exercice plan de crise", False)],
    5: [("Réunion de travail", "Revue de pertinence", False)],
    6: [("Rencontre professionnels", "Soirée interprofessionnelle", False),
        ("Autre", "Assemblée générale", False)],
}
_RATES = {1: 2.0, 2: 3.0, 3: 5.0, 4: 0.7, 5: 1.0, 6: 3.0}


def _day(rng: np.random.Generator, annee: int, months: list[int]) -> date:
    month = int(rng.choice(months))
    return date(annee, month, int(rng.integers(1, 29)))


def random_content(rng: np.random.Generator, annee: int, months: list[int]) -> dict[str, list]:
    actions = []
    for mission, pool in _ACTION_POOL.items():
        for _ in range(int(rng.poisson(_RATES[mission] * len(months) / 12))):
            kind, title, public = pool[int(rng.integers(len(pool)))]
            reached = int(rng.integers(12, 90)) if public else None
            actions.append((_day(rng, annee, months), mission, title, kind, reached,
                            int(rng.integers(2, 25)), None))
    pathways = [(date(annee, q, 28), name, int(rng.integers(2, 14)), int(rng.integers(5, 16)))
                for q in months if q % 3 == 0
                for name in ("Insuffisance cardiaque", "Chute de la personne âgée")]
    trainings = [(_day(rng, annee, months), title, int(rng.integers(4, 14)))
                 for title in ("AFGSU niveau 2", "Prise en main de MonSisra",
                               "Repérage de la fragilité")[: int(rng.integers(1, 4))]]
    crises = [(_day(rng, annee, months), "Épidémie hivernale", "Permanence",
               int(rng.integers(1, 4)), int(rng.integers(0, 10)))] if rng.random() < 0.5 else []
    return {"actions": sorted(actions, key=lambda r: r[0]), "pathways": pathways,
            "trainings": sorted(trainings, key=lambda r: r[0]), "crises": crises}


def content(territoire: str, annee: int, rng: np.random.Generator, months: list[int]
            ) -> dict[str, list]:
    if territoire == "vallee-du-gier" and annee == 2024:
        return {"actions": VDG_2024_ACTIONS, "pathways": VDG_2024_PATHWAYS,
                "trainings": VDG_2024_TRAININGS, "crises": VDG_2024_CRISES}
    return random_content(rng, annee, months)
