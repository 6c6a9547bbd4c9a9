"""« Fichiers reçus »: every delivery from the load registry, refusals first, with what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, select

from warehouse.tables.registre import anomalies, chargements, rejets

STATUTS = {
    "quarantaine": "Refusé (quarantaine)",
    "obsolete": "Non chargé (plus ancien que les données en place)",
    "en_cours": "Chargement interrompu",
    "charge": "Chargé",
    "remplace": "Chargé puis remplacé par une livraison plus récente",
}
REFUSED = ("quarantaine", "obsolete", "en_cours")
TO_DO = {
    "quarantaine": "Corrigez le fichier selon le motif puis déposez-le à nouveau (page « Dépôt ») ; "
                   "rien de ce fichier n'a été chargé.",
    "obsolete": "Rien à faire si ce fichier est bien ancien ; sinon déposez la dernière version.",
    "en_cours": "Relancez « Chargement nocturne » : le fichier sera repris depuis le début.",
}
REJECT_TO_DO = ("Corrigez ces lignes dans votre fichier et déposez-le à nouveau : la nouvelle version "
                "remplace la précédente pour la même période ; les autres lignes sont déjà chargées.")
ANOMALIES = {
    "code_hors_liste": "code hors de la liste attendue",
    "colonne_en_trop": "colonne inattendue ignorée",
    "colonne_ignoree": "colonne d'un autre sens (compte, pas liste) ignorée",
    "separateur": "séparateur autre que « ; » détecté sur l'en-tête et accepté",
    "entete_synonyme": "nom de colonne d'un autre vocabulaire reconnu (table de synonymes)",
    "nom_non_canonique": "nom de fichier national ou régional accepté",
    "nom_non_date": "nom sans date : date d'extraction = date de réception",
    "finess_nom_different": "FINESS du nom différent de celui du fichier (celui du fichier fait foi)",
    "periode_elargie": "période déclarée élargie aux dates des passages",
    "commune_bureau_cedex": "commune lue dans « Bureau cedex » (colonnes commune vides)",
    "titre_sans_territoire": "territoire lu dans un titre « CPTS <libellé> » (sans « Territoire : »)",
    "milliers_espaces": "effectif en texte avec des espaces entre les milliers (« 7 182 ») lu comme nombre",
    "identifie_par_contenu": "nom de fichier non reconnu : type et périmètre identifiés par le contenu",
    "uhcd_absent": "extrait SNDS sans indicateur UHCD : admissions directes provisoires",
    "residence_non_attribuee": "commune de résidence non rattachée à un territoire",
    "taux_incoherent": "taux fourni incohérent avec les effectifs",
}
MAX_REJECTS_SHOWN = 200  # per file: a page to read, not an export


@dataclass(frozen=True)
class Filters:
    fournisseur: str = ""
    statut: str = ""  # "" (all), "refuse", "rejets", "charge"
    du: date | None = None
    au: date | None = None


@dataclass
class Received:
    row: dict
    rejects: list[dict] = field(default_factory=list)
    anomalies: list[dict] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.row["statut"] in REFUSED

    @property
    def label(self) -> str:
        return STATUTS.get(self.row["statut"], self.row["statut"])

    @property
    def to_do(self) -> str:
        if self.refused:
            return TO_DO.get(self.row["statut"], "")
        return REJECT_TO_DO if self.row.get("lignes_rejetees") else ""

    @property
    def needs_action(self) -> bool:
        return self.refused or bool(self.row.get("lignes_rejetees"))


def parse_filters(params: dict[str, str]) -> Filters:
    def day(text: str | None) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None
    return Filters(params.get("fournisseur", "")[:20], params.get("statut", "")[:10],
                   day(params.get("du")), day(params.get("au")))


def deliveries(conn: Connection, filters: Filters, limit: int = 500) -> list[Received]:
    """Deliveries matching the filters: those needing action first, then the newest first."""
    query = select(chargements).order_by(chargements.c.recu_le.desc(), chargements.c.id.desc())
    if filters.fournisseur:
        query = query.where(chargements.c.fournisseur == filters.fournisseur)
    if filters.statut == "refuse":
        query = query.where(chargements.c.statut.in_(REFUSED))
    elif filters.statut == "rejets":
        query = query.where(chargements.c.lignes_rejetees > 0)
    elif filters.statut == "charge":
        query = query.where(chargements.c.statut.in_(("charge", "remplace")))
    if filters.du:
        query = query.where(chargements.c.recu_le >= datetime.combine(filters.du, datetime.min.time()))
    if filters.au:
        query = query.where(chargements.c.recu_le < datetime.combine(filters.au + timedelta(days=1),
                                                                      datetime.min.time()))
    found = [Received(dict(r)) for r in conn.execute(query.limit(limit)).mappings()]
    by_id = {d.row["id"]: d for d in found}
    _attach_rejects(conn, by_id)
    _attach_anomalies(conn, by_id)
    found.sort(key=lambda d: (not d.refused, not d.needs_action))  # stable: keeps newest first
    return found


def _attach_rejects(conn: Connection, by_id: dict[int, Received]) -> None:
    wanted = [i for i, d in by_id.items() if d.row.get("lignes_rejetees")]
    for load_id, rows in rejects_of(conn, wanted, MAX_REJECTS_SHOWN).items():
        by_id[load_id].rejects = rows


def _attach_anomalies(conn: Connection, by_id: dict[int, Received]) -> None:
    for load_id, found in anomalies_of(conn, list(by_id)).items():
        by_id[load_id].anomalies = found


def anomalies_of(conn: Connection, load_ids: list[int]) -> dict[int, list[dict]]:
    """load id → its accepted deviations, labelled (also listed by the « fichiers-recus » artifact)."""
    if not load_ids:
        return {}
    # The `exemple` column holds a raw value: never selected here.
    rows = conn.execute(select(anomalies.c.chargement_id, anomalies.c.colonne, anomalies.c.nature,
                               anomalies.c.nombre).where(anomalies.c.chargement_id.in_(load_ids))
                        .order_by(anomalies.c.id))
    out: dict[int, list[dict]] = {}
    for r in rows.mappings():
        out.setdefault(r["chargement_id"], []).append(
            {**r, "libelle": ANOMALIES.get(r["nature"], r["nature"].replace("_", " "))})
    return out


def where(reject: dict) -> str:
    """« feuille Actions, cellule B13 » or « ligne 42 », and the column."""
    parts = []
    if reject.get("feuille"):
        parts.append(f"feuille {reject['feuille']}")
    if reject.get("cellule"):
        parts.append(f"cellule {reject['cellule']}")
    elif reject.get("ligne") is not None:
        parts.append(f"ligne {reject['ligne']}")
    if reject.get("colonne"):
        parts.append(f"colonne « {reject['colonne']} »")
    return ", ".join(parts)


def rejects_of(conn: Connection, load_ids: list[int], limit: int) -> dict[int, list[dict]]:
    """The first `limit` rejected rows of each load, in file order."""
    out: dict[int, list[dict]] = {}
    if not load_ids:
        return out
    rows = conn.execute(select(rejets).where(rejets.c.chargement_id.in_(load_ids))
                        .order_by(rejets.c.chargement_id, rejets.c.id)).mappings()
    for r in rows:
        kept = out.setdefault(r["chargement_id"], [])
        if len(kept) < limit:
            kept.append(dict(r))
    return out


def last_refusals(conn: Connection, shas: list[str]) -> dict[str, str]:
    """sha256 → the reason its last refusal gave (for « déjà refusé » files of a later night)."""
    if not shas:
        return {}
    rows = conn.execute(select(chargements.c.sha256, chargements.c.message).where(
        chargements.c.sha256.in_(shas), chargements.c.statut.in_(REFUSED)).order_by(chargements.c.id))
    return {sha: message for sha, message in rows if message}


def providers(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute(select(chargements.c.fournisseur).distinct()
                                       .order_by(chargements.c.fournisseur))]


def counts(conn: Connection) -> dict[str, int]:
    return {s: n for s, n in conn.execute(select(chargements.c.statut, func.count())
                                          .group_by(chargements.c.statut))}
