"""Given texts holding NIRs (social security numbers) in any form, the one detector finds them and
the redaction masks them — and leaves the names and numbers people need to read (exports.md)."""

from __future__ import annotations

import pytest

from cpts.identifiers import ascii_digits, finess_valid, looks_like_nir, nir_key, rpps_from_id_nat
from cpts.nir import MASK, contains_nir, find_nir_bytes, redact


def nir(body: str) -> str:
    return f"{body}{nir_key(body):02d}"


MAN = nir("1850742218123")
WOMAN = nir("2920699123087")
CORSICA = nir("175022A004123")  # department 2A
TEMPORARY = nir("7850742218123")  # sex 7: temporary number (NIA)
UNKNOWN_MONTH = nir("2924599123087")  # month 45: exports.md accepts 20-99


def spaced(value: str) -> str:
    return " ".join([value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]])


@pytest.mark.parametrize("text", [
    MAN, WOMAN, CORSICA, TEMPORARY, UNKNOWN_MONTH,
    f"NIR{MAN}",                       # glued to letters
    f"patient {WOMAN} vu le 3/4",      # inside free text
    spaced(WOMAN),                     # written the usual way: 2 92 06 99 123 087 96
    spaced(WOMAN).replace(" ", "."),   # with dots
    f"X {WOMAN[:13]} {WOMAN[13:]}",    # key set apart
])
def test_a_nir_anywhere_in_a_text_is_found(text: str) -> None:
    assert contains_nir(text)
    assert find_nir_bytes(f";{text};".encode("cp1252")) is not None
    assert redact(text).count(MASK) == 1 and not contains_nir(redact(text))


@pytest.mark.parametrize("text", [
    MAN[:13] + f"{(int(MAN[13:]) % 97) + 1:02d}",  # wrong key
    "3" + MAN[1:],                                  # no sex 3 for this body's key
    nir("3" + MAN[1:13]),  # `3` + SIRET, the Annuaire's structure id, even with a key that checks
    f"A{MAN}12",                                     # part of a 17-digit key (nir_ano_17)
    "420784878", "10001234565",                      # FINESS, RPPS
    "RPU_420001232_20240405031200.xml",
])
def test_what_is_not_a_nir_is_not_condemned(text: str) -> None:
    assert not contains_nir(text)


def test_redaction_keeps_file_names_and_identifiers_readable_but_masks_long_digit_runs() -> None:
    assert redact("RPU_420001232_20240405031200.xml : ligne 12, FINESS 420784878, RPPS 10001234565") == \
        "RPU_420001232_20240405031200.xml : ligne 12, FINESS 420784878, RPPS 10001234565"
    assert redact(f"« {MAN[:13]} » illisible") == f"« {MASK} » illisible"  # a NIR without its key
    assert redact("valeur 12345678901234567890") == f"valeur {MASK}"
    assert redact(None) is None


def test_looks_like_nir_is_the_whole_value_form_of_the_same_detector() -> None:
    assert looks_like_nir(f" {MAN} ") and not looks_like_nir(f"x{MAN}")


def test_identifiers_take_ascii_digits_only() -> None:
    arabic = "٤٢٠٧٨٤٨٧٨"  # 420784878 in Arabic-Indic digits
    assert finess_valid("420784878") and not finess_valid(arabic)
    assert rpps_from_id_nat("10001234565") and rpps_from_id_nat("١٠٠٠١٢٣٤٥٦٥") is None
    assert ascii_digits("42207") and not ascii_digits("٤٢٢٠٧")


def test_the_polars_prefilter_keeps_every_text_the_detector_flags() -> None:
    import random

    import polars as pl

    from cpts.nir import NIR_STRUCTURE

    rng = random.Random(16)
    forms = [MAN, WOMAN, CORSICA, TEMPORARY, UNKNOWN_MONTH, spaced(MAN), spaced(WOMAN).replace(" ", "."),
             spaced(CORSICA).replace(" ", "\u00a0"), spaced(MAN).replace(" ", "\u202f")]
    texts = [f"{'x' * rng.randint(0, 300)}{rng.choice(forms)}{rng.choice(['', '1', ' fin', 'é' * 200])}"
             for _ in range(300)]
    texts += ["".join(rng.choice("0123456789 .-AB") for _ in range(rng.randint(10, 40))) for _ in range(3000)]
    kept = pl.Series(texts).str.contains(NIR_STRUCTURE).to_list()
    flagged = [contains_nir(t) for t in texts]
    assert all(k for k, f in zip(kept, flagged, strict=True) if f)
    assert sum(flagged) >= 100  # the property was exercised
