"""Workbooks for the import and export tests, written with openpyxl as an office would write them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from apps.residents import excel
from apps.residents.imports import import_run, import_start

HOUSEHOLD = ["building", "unit", "floor", "room", "address", "kind"]
RESIDENT = ["building", "unit", "room", "name", "gender", "birth_year", "id_number", "phone", "relation",
            "residence", "tags"]  # fmt: skip


def household(building, room="101", *, unit="1", floor=1, address="", kind="自住") -> list:
    return [building.code, unit, floor, room, address, kind]


def resident(building, room="101", *, name="张三", id_number="", phone="", unit="1", gender="",
             birth_year=None, relation="户主", residence="户籍", tags="") -> list:  # fmt: skip
    return [building.code, unit, room, name, gender, birth_year, id_number, phone, relation, residence, tags]


def workbook(households=(), residents=(), *, skip_sheet: str = "", skip_column: str = "") -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in (
        (excel.HOUSEHOLD_SHEET, excel.HOUSEHOLD_COLUMNS, households),
        (excel.RESIDENT_SHEET, excel.RESIDENT_COLUMNS, residents),
    ):
        if title == skip_sheet:
            continue
        sheet = book.create_sheet(title)
        keep = [index for index, (_field, name) in enumerate(columns) if name != skip_column]
        sheet.append([columns[index][1] for index in keep])
        for row in rows:
            sheet.append([row[index] for index in keep])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "居民.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=excel.XLSX_CONTENT_TYPE)


def run(actor, content: bytes, *, strict: bool = False):
    """Start and run an import with its messages in English, so that tests compare them with msgids."""
    with translation.override("en"):
        job = import_start(actor=actor, upload=upload(content), strict=strict)
        return import_run(job.pk)


def sheet_rows(content: bytes, title: str) -> list[list]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book[title].iter_rows(values_only=True)]
