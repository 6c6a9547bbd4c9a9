"""The committed data dictionary is regenerated from the metadata (no drift)."""

from warehouse.dictionary import TARGET, render


def test_committed_dictionary_is_up_to_date() -> None:
    assert TARGET.read_text() == render(), "lancez `python -m warehouse.dictionary`"
    assert "indicateurs_valeurs" in render() and "passages_urgences_residents" in render()
