"""Checks made on a delivered file before any parser sees it: size, line length, encoding, NIRs.

Text files (CSV, Annuaire, OSCOUR XML) are read once in streaming by blocks of whole lines, so the
check itself needs a few MB whatever the file; workbooks are checked on their zip central directory
(sizes and compression ratios as declared; zipfile never inflates a member past its declared size).
Every refusal is French, names the file and the limit or the place, and never quotes a value.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from cpts.config import Limits
from cpts.nir import find_nir_bytes, redact
from schemas.base import FileRejected
from schemas.separators import column_names, detect_separator

BLOCK = 1 << 20
MB = 1_000_000
_BOMS = {b"\xff\xfe": "UTF-16 (petit-boutiste)", b"\xfe\xff": "UTF-16 (gros-boutiste)"}
_TAG = re.compile(rb"<([A-Za-z_][A-Za-z0-9_.:-]*)[^<>]*>[^<>]*$")
RATIO_FLOOR = MB  # small parts (styles, themes) may compress very well without harm
MAX_PARTS = 10_000


def nir_refusal(name: str, place: str) -> FileRejected:
    return FileRejected(
        f"{redact(name)} : {redact(place)} : valeur ayant la structure d'un NIR (numéro de sécurité "
        "sociale). Le fichier est refusé sans être chargé ni recopié ; demandez au fournisseur "
        "un export pseudonymisé.")


def refuse_nir_in_name(name: str) -> None:
    from cpts.nir import contains_nir

    if contains_nir(name):
        raise FileRejected(
            f"{redact(name)} : le nom du fichier contient un numéro ayant la structure d'un NIR "
            "(numéro de sécurité sociale) ; le fichier est refusé sans être lu. Renommez-le "
            "sans ce numéro (voir exports.md pour les noms attendus).")


def check_size(path: Path, name: str, limit_mb: int, setting: str) -> None:
    size = path.stat().st_size
    if size > limit_mb * MB:
        raise FileRejected(
            f"{redact(name)} : fichier de {size / MB:.0f} Mo, au-delà de la limite de {limit_mb} Mo "
            f"(réglage CPTS_LIMITS__{setting.upper()}) ; fichier refusé sans être lu.")


class _Lines:
    """Blocks of whole lines (XML: whole tags) of a file, with the number of the block's first line.

    XML may come on one line, so it is cut after `>` and has no line-length limit (its size has).
    """

    def __init__(self, path: Path, name: str, max_line: int | None) -> None:
        self.path, self.name, self.max_line = path, name, max_line
        self.cut = b"\n" if max_line else b">"
        self.header = b""

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        line, carry = 1, b""
        with self.path.open("rb") as stream:
            while block := stream.read(BLOCK):
                data = carry + block
                cut = data.rfind(self.cut) + 1
                whole, carry = data[:cut], data[cut:]
                if self.max_line:
                    self._check_lengths(line, whole, carry)
                if whole:
                    self.header = self.header or whole[: whole.find(b"\n")]
                    yield line, whole
                    line += whole.count(b"\n")
        if carry:
            self.header = self.header or carry
            yield line, carry

    def _check_lengths(self, line: int, whole: bytes, carry: bytes) -> None:
        assert self.max_line
        longest = max(map(len, whole.split(b"\n"))) if whole else 0
        if longest > self.max_line or len(carry) > self.max_line:
            over = next((i for i, x in enumerate(whole.split(b"\n")) if len(x) > self.max_line),
                        whole.count(b"\n"))
            raise FileRejected(
                f"{redact(self.name)} : ligne {line + over} de plus de {self.max_line} octets (limite "
                "CPTS_LIMITS__LINE_MAX_BYTES) ; fichier refusé sans être lu. Vérifiez que l'export "
                "a bien des fins de ligne et n'est pas un fichier binaire.")


def _place(header: bytes, block: bytes, offset: int, line: int, xml: bool) -> str:
    """`ligne n, colonne « x »` (CSV) or `ligne n, balise <X>` (XML) of a byte in a block."""
    start = block.rfind(b"\n", 0, offset) + 1
    prefix = block[start:offset]
    line += block.count(b"\n", 0, start)
    if xml:
        tag = _TAG.search(block[max(0, offset - 4096): offset])
        return f"ligne {line}" + (f", {xml_place(tag[1].decode('ascii', 'replace'))}" if tag else "")
    separator = detect_separator(header)
    names = column_names(header, separator)
    index = prefix.count(separator.encode())
    if line == 1:
        return f"ligne 1 (en-tête), colonne n° {index + 1}"
    column = redact(names[index]) if index < len(names) else f"n° {index + 1}"
    return f"ligne {line}, colonne « {column} »"


def xml_place(tag: str) -> str:
    """An OSCOUR element and the column it feeds (columns are the tags in lower case)."""
    return f"balise <{tag[:40]}>, colonne « {tag[:40].lower()} »"


def screen_text(path: Path, name: str, limits: Limits, streamed: bool = False) -> None:
    """Size, line length, UTF-16 / NUL bytes and NIRs of a CSV, TXT or XML delivery."""
    if streamed:
        check_size(path, name, limits.streamed_max_mb, "streamed_max_mb")
    else:
        check_size(path, name, limits.file_max_mb, "file_max_mb")
    with path.open("rb") as stream:
        start = stream.read(64)
    refuse_utf16(name, start[:4], path)
    # XML by its content too: national `.txt` names and files identified by content are XML.
    xml = name.lower().endswith(".xml") or start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    lines = _Lines(path, name, None if xml else limits.line_max_bytes)
    for first, block in lines:
        nul = block.find(b"\x00")
        if nul >= 0:
            raise FileRejected(
                f"{redact(name)} : octet nul (0x00) {_place(lines.header, block, nul, first, xml)} : "
                "le fichier n'est pas un texte valide (export interrompu, fichier binaire ou encodage "
                "UTF-16/UTF-32) ; demandez au fournisseur un nouvel export en UTF-8 ou windows-1252.")
        found = find_nir_bytes(block)
        if found is not None:
            raise nir_refusal(name, _place(lines.header, block, found, first, xml))


def refuse_utf16(name: str, start: bytes, path: Path) -> None:
    """A UTF-16 file (with a byte-order mark, or NULs between ASCII letters) gets its own reason."""
    encoding = next((label for bom, label in _BOMS.items() if start.startswith(bom)), None)
    if encoding is None and len(start) >= 4 and (start[1::2] == b"\x00\x00" or start[0::2] == b"\x00\x00"):
        encoding = "UTF-16 (sans marque d'ordre des octets)"
    if encoding is None:
        return
    raise FileRejected(
        f"{redact(name)} : fichier encodé en {encoding}, ligne 1, colonne n° 1 : ce format n'est pas "
        "accepté (octets nuls entre les caractères). Réenregistrez le fichier en UTF-8 (ou "
        "windows-1252) — dans Excel : « Enregistrer sous » › « CSV UTF-8 » — puis déposez-le à nouveau.")


def screen_workbook(path: Path, name: str, limits: Limits) -> None:
    """Declared sizes and compression ratios of every part, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except Exception:  # BadZipFile, EOFError, NotImplementedError (« zip file version »)…
        raise FileRejected(f"{redact(name)} : classeur Excel illisible (fichier tronqué, corrompu ou non "
                           "xlsx) ; demandez un nouvel envoi.") from None
    if len(parts) > MAX_PARTS:
        raise FileRejected(f"{redact(name)} : classeur de {len(parts)} parties (limite {MAX_PARTS}) ; "
                           "fichier refusé sans être ouvert.")
    total = 0
    for part in parts:
        where = f"{redact(name)} : partie « {redact(part.filename)[:80]} » du classeur"
        if part.file_size > limits.xlsx_member_max_mb * MB:
            raise FileRejected(
                f"{where} : {part.file_size / MB:.0f} Mo une fois décompressée, au-delà de la limite de "
                f"{limits.xlsx_member_max_mb} Mo (CPTS_LIMITS__XLSX_MEMBER_MAX_MB) ; fichier refusé "
                "sans être ouvert (classeur anormalement volumineux ou « bombe zip »).")
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > limits.xlsx_max_ratio:
            raise FileRejected(
                f"{where} : taux de compression de {ratio} pour 1, "
                f"au-delà de la limite de {limits.xlsx_max_ratio} (CPTS_LIMITS__XLSX_MAX_RATIO) ; fichier "
                "refusé sans être ouvert (« bombe zip » probable).")
        total += part.file_size
        if total > limits.xlsx_total_max_mb * MB:
            raise FileRejected(
                f"{redact(name)} : classeur de plus de {limits.xlsx_total_max_mb} Mo une fois décompressé "
                "(limite CPTS_LIMITS__XLSX_TOTAL_MAX_MB) ; fichier refusé sans être ouvert.")


_FORMULA = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[ >/]")


def scan_parts(path: Path) -> tuple[str | None, bool]:
    """(first XML part holding a NIR in its raw text — properties, comments, names —, whether a
    worksheet holds formulas), reading each part in streaming."""
    formulas = False
    with zipfile.ZipFile(path) as archive:
        for part in archive.infolist():
            if not part.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            sheet = part.filename.startswith("xl/worksheets/")
            with archive.open(part) as stream:
                tail = b""
                while block := stream.read(BLOCK):
                    data = tail + block
                    if find_nir_bytes(data) is not None:
                        return redact(part.filename), formulas
                    formulas = formulas or (sheet and _FORMULA.search(data) is not None)
                    tail = block[-64:]
    return None, formulas
