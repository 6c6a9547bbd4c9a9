"""Missing values and padding in delivered CSV: every marker is null, padded or quoted; values are
stripped; a column without padding is read as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.base import LINE, FileRejected
from schemas.csv_io import MISSING, read_delimited


@pytest.mark.parametrize("marker", MISSING)
@pytest.mark.parametrize("form", ["{}", " {} ", '"{}"', '" {}\t"', "\u00a0{}\u202f"])
def test_a_missing_marker_is_null_padded_or_quoted(tmp_path: Path, marker: str, form: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"a;b;c\n{form.format(marker)};x;y\nz;x;y\n", encoding="utf-8")
    frame = read_delimited(path, path.name)
    assert frame["a"].to_list() == [None, "z"]
    assert frame[LINE].to_list() == [2, 3]


def test_values_are_stripped_and_clean_columns_kept(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("a;b\n 12 ;NAN\n\t3;N-A\n", encoding="utf-8")
    frame = read_delimited(path, path.name)
    assert frame["a"].to_list() == ["12", "3"]
    assert frame["b"].to_list() == ["NAN", "N-A"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_control_character_condemns_the_file_naming_its_line_and_column(
        tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("libellé;motif\nété;ok\nhôpital;a\x1bb\n".encode(encoding))
    with pytest.raises(FileRejected) as refused:
        read_delimited(path, path.name)
    assert "caractère de contrôle U+001B ligne 3, colonne « motif »" in str(refused.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_windows_1252_and_utf8_read_alike(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("libellé;motif\nété;œuf €\n".encode(encoding))
    frame = read_delimited(path, path.name)
    assert frame.columns[1:] == ["libellé", "motif"] and frame.row(0)[1:] == ("été", "œuf €")
