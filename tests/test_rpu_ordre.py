"""Given national OSCOUR files `O<FINESS>_<ORDRE>_<date>` (exports.md « FINESS in the name vs in the
file »), when two exports of one FINESS with overlapping windows and different ORDRE are loaded,
then both load, a re-delivery of one ORDRE replaces only its own passages, and the emergency
indicators count the passages of both — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders import rows
from tests.builders_hopital import write_rpu_xml, xml_passage
from tests.builders_reel import write_rpu_xml_national
from tests.test_rpu_slice import urg_non_hospit

CHU = "420784878"


def week_before(day: int, mode_sortie: str = "8") -> list[dict[str, str]]:
    """Four passages a day over the seven days before `day` of March 2024."""
    return [xml_passage(CHU, datetime(2024, 3, day - 7 + k // 4, 8 + 3 * (k % 4), 15),
                        mode_sortie=mode_sortie) for k in range(28)]


def by_ordre(engine: Engine) -> dict[str | None, int]:
    return dict(rows(engine, "SELECT ordre, COUNT(*) FROM passages_urgences GROUP BY ordre"))


def loaded(engine: Engine, settings: Settings) -> dict[str, tuple[str, int]]:
    return {d.name: (o.statut, o.lignes_remplacees) for d, o in ingest_inbox(engine, settings).outcomes
            if o.statut != "deja_charge"}


def test_two_exports_of_one_finess_load_side_by_side_and_each_replaces_only_its_own(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    first, second = week_before(20), week_before(22)  # windows 13–19 and 15–21 March overlap
    write_rpu_xml_national(inbox, f"O{CHU}_1_20240320.xml", CHU, datetime(2024, 3, 20, 4), first)
    write_rpu_xml_national(inbox, f"O{CHU}_2_20240322.xml", CHU, datetime(2024, 3, 22, 4), second)

    assert loaded(engine, settings) == {f"O{CHU}_1_20240320.xml": ("charge", 0),
                                        f"O{CHU}_2_20240322.xml": ("charge", 0)}
    assert by_ordre(engine) == {"1": len(first), "2": len(second)}
    assert urg_non_hospit(engine, 2024) == len(first) + len(second)

    corrected = first[: len(first) // 2]
    write_rpu_xml_national(inbox, f"O{CHU}_1_20240321.xml", CHU, datetime(2024, 3, 21, 4), corrected)

    assert loaded(engine, settings) == {f"O{CHU}_1_20240321.xml": ("charge", len(first))}
    assert by_ordre(engine) == {"1": len(corrected), "2": len(second)}
    assert urg_non_hospit(engine, 2024) == len(corrected) + len(second)


def test_a_canonical_file_replaces_only_the_passages_without_ordre(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    national = week_before(20)
    write_rpu_xml_national(inbox, f"O{CHU}_1_20240320.xml", CHU, datetime(2024, 3, 20, 4), national)
    canonical = week_before(20, mode_sortie="6")
    write_rpu_xml(inbox, CHU, datetime(2024, 3, 21, 4), datetime(2024, 3, 1).date(),
                  datetime(2024, 3, 31).date(), canonical)
    loaded(engine, settings)
    again = week_before(20, mode_sortie="7")
    write_rpu_xml(inbox, CHU, datetime(2024, 3, 22, 4), datetime(2024, 3, 1).date(),
                  datetime(2024, 3, 31).date(), again)

    assert list(loaded(engine, settings).values()) == [("charge", len(canonical))]
    assert by_ordre(engine) == {None: len(again), "1": len(national)}
    assert urg_non_hospit(engine, 2024) == len(national)  # mode 8 only in the national export
