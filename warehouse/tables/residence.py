"""Residence attribution of hospital facts to territories, resolved at load time.

Kept as indexed tables (not views over a UNION ALL) so the indicator SQL joins two small indexed
relations: PostgreSQL's generic plans over the former views nested-looped for seconds per query.
"""

from sqlalchemy import Column, ForeignKey, Index, String, Table

from warehouse.tables.base import IdType, metadata

residence_passages = Table(
    "residence_passages", metadata,
    Column("passage_id", IdType, ForeignKey("passages_urgences.id", ondelete="CASCADE"),
           primary_key=True, comment="Passage aux urgences (passages_urgences.id)"),
    Column("territoire", String(60), primary_key=True, comment="Territoire de résidence du patient"),
    Index("ix_residence_passages_territoire", "territoire", "passage_id"),
    comment="Territoire de résidence de chaque passage aux urgences (commune résolue, sinon code "
            "postal entièrement inclus dans un territoire) : une ligne par passage et territoire",
)

residence_sejours = Table(
    "residence_sejours", metadata,
    Column("sejour_id", IdType, ForeignKey("sejours_mco.id", ondelete="CASCADE"),
           primary_key=True, comment="Séjour MCO (sejours_mco.id)"),
    Column("territoire", String(60), primary_key=True, comment="Territoire de résidence du patient"),
    Index("ix_residence_sejours_territoire", "territoire", "sejour_id"),
    comment="Territoire de résidence de chaque séjour MCO, même règle que residence_passages",
)
