"""Residence attribution of hospital facts to territories, resolved at load time.

Kept as indexed tables (not views over a UNION ALL) so the indicator SQL joins two small indexed
relations: PostgreSQL's generic plans over the former views nested-looped for seconds per query.
"""

from sqlalchemy import Column, ForeignKey, Index, String, Table

from warehouse.tables.base import IdType, metadata


def _attribution(name: str, id_column: str, fact: str, comment: str) -> Table:
    return Table(
        name, metadata,
        Column(id_column, IdType, ForeignKey(f"{fact}.id", ondelete="CASCADE"), primary_key=True,
               comment=f"Ligne de {fact} ({fact}.id)"),
        Column("territoire", String(60), primary_key=True, comment="Territoire de résidence du patient"),
        Index(f"ix_{name}_territoire", "territoire", id_column),
        comment=comment,
    )


residence_passages = _attribution(
    "residence_passages", "passage_id", "passages_urgences",
    "Territoire de résidence de chaque passage aux urgences (commune résolue, sinon code postal "
    "entièrement inclus dans un territoire) : une ligne par passage et territoire")
residence_sejours = _attribution(
    "residence_sejours", "sejour_id", "sejours_mco",
    "Territoire de résidence de chaque séjour MCO, même règle que residence_passages")
