"""The household and resident workbook (房屋 and 居民 sheets): its columns, the template to fill in, reading
an uploaded one, writing the export and the report of rejected rows.

The workbook is a file format shared with other offices' spreadsheets, so its sheet names, column headers
and choice labels are fixed Chinese text, never translated with the page's language; the English codes of
the choices are accepted too. The export writes the same format, so an exported workbook imports again.
"""

import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook

from apps.accounts.scope import user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.core.crypto import decrypt

from .choices import AccessPurpose, Gender, HouseholdKind, Relation, Residence, RevealedField
from .identity import make_id_number
from .models import CareTag, Household, Resident, ResidentAccess

HOUSEHOLD_SHEET = "房屋"
RESIDENT_SHEET = "居民"
GUIDE_SHEET = "填写说明"

# (field, header) in the order the template writes them; an upload may order its columns freely.
HOUSEHOLD_COLUMNS = (
    ("building", "楼栋编码"),
    ("unit", "单元"),
    ("floor", "楼层"),
    ("room", "房号"),
    ("address", "地址"),
    ("kind", "类型"),
)
RESIDENT_COLUMNS = (
    ("building", "楼栋编码"),
    ("unit", "单元"),
    ("room", "房号"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_year", "出生年份"),
    ("id_number", "身份证号"),
    ("phone", "手机号"),
    ("relation", "与户主关系"),
    ("residence", "户籍类型"),
    ("tags", "重点人群"),
)
HOUSEHOLD_HEADERS = dict(HOUSEHOLD_COLUMNS)
RESIDENT_HEADERS = dict(RESIDENT_COLUMNS)

KIND_LABELS = {
    HouseholdKind.OWNER_OCCUPIED: "自住",
    HouseholdKind.RENTED: "出租",
    HouseholdKind.VACANT: "空置",
    HouseholdKind.SHOP: "商铺",
}
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
RELATION_LABELS = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.SIBLING: "兄弟姐妹",
    Relation.TENANT: "租客",
    Relation.OTHER: "其他",
}
RESIDENCE_LABELS = {Residence.REGISTERED: "户籍", Residence.FLOATING: "流动"}
TAG_SEPARATORS = ("、", ",", "，", ";", "；")
# Rows the template's data validation lists cover.
TEMPLATE_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def choice_code(value: str, labels: dict) -> str:
    """The choice's code from its Chinese label or its English code; anything else is returned as given,
    for the clean_* functions to refuse with their own words."""
    for code, label in labels.items():
        if value == label or value.lower() == code:
            return str(code)
    return value


def split_tags(value: str) -> list[str]:
    for separator in TAG_SEPARATORS[1:]:
        value = value.replace(separator, TAG_SEPARATORS[0])
    return [name.strip() for name in value.split(TAG_SEPARATORS[0]) if name.strip()]


def cell_text(value) -> str:
    """A cell as text: numbers typed into a text column (rooms, phones, years) lose no digits."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# Reading an upload.


@dataclass
class Sheet:
    """The data rows of one sheet: (row number as Excel shows it, the cells as text by field)."""

    title: str
    rows: Iterator[tuple[int, dict[str, str]]]
    estimate: int


def is_xlsx(handle) -> bool:
    """Whether the file is an Office Open XML workbook (a zip holding xl/workbook.xml), whatever its name."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        handle.seek(0)


def open_workbook(handle) -> tuple[Sheet, Sheet]:
    """The households and residents sheets of an uploaded workbook, read row by row; a ValidationError
    saying what is wrong when it is not a workbook of this format (nothing is read further then).

    Uploads are read with calamine (Rust), about ten times faster than openpyxl's reader, which the
    100,000-resident import target needs; openpyxl writes the template, exports and error reports."""
    if not is_xlsx(handle):
        raise ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="not_xlsx")
    try:
        book = CalamineWorkbook.from_filelike(handle)
    except (CalamineError, OSError, ValueError, TypeError) as error:
        raise ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="not_xlsx") from error
    return _sheet(book, HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS), _sheet(book, RESIDENT_SHEET, RESIDENT_COLUMNS)


def _sheet(book: CalamineWorkbook, title: str, columns: tuple) -> Sheet:
    if title not in book.sheet_names:
        raise ValidationError(
            _("The workbook has no sheet “%(sheet)s”; start from the template.") % {"sheet": title},
            code="missing_sheet",
        )
    sheet = book.get_sheet_by_name(title)
    # Rows come from the sheet's first row, so that the numbers below are the ones Excel shows.
    rows = sheet.iter_rows()
    header = [cell_text(value) for value in next(rows, ())]
    positions = {}
    for field, name in columns:
        if name not in header:
            raise ValidationError(
                _("The sheet “%(sheet)s” has no column “%(column)s”; start from the template.")
                % {"sheet": title, "column": name},
                code="missing_column",
            )
        positions[field] = header.index(name)

    def data() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(rows, start=2):
            cells = {
                field: cell_text(values[index]) if index < len(values) else ""
                for field, index in positions.items()
            }
            if any(cells.values()):
                yield number, cells

    return Sheet(title=title, rows=data(), estimate=max(sheet.height - 1, 0))


# Writing: the template, the export and the error report.


def _save(book: Workbook) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def template_workbook() -> bytes:
    """The empty workbook to fill in: both sheets with their headers and choice lists, and a guide sheet
    with an example row of each (kept off the data sheets, so that an untouched example is never
    imported)."""
    book = Workbook()
    households = book.active
    households.title = HOUSEHOLD_SHEET
    residents = book.create_sheet(RESIDENT_SHEET)
    bold = Font(bold=True)
    for sheet, columns in ((households, HOUSEHOLD_COLUMNS), (residents, RESIDENT_COLUMNS)):
        sheet.append([name for _field, name in columns])
        for index, (field, _name) in enumerate(columns, start=1):
            sheet.cell(row=1, column=index).font = bold
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 24 if field in {"address", "id_number"} else 12
            # Typed as text: Excel would round an 18-digit number and drop a room's leading zero.
            if field in {"building", "unit", "room", "id_number", "phone"}:
                for row in range(2, TEMPLATE_ROWS + 2):
                    sheet.cell(row=row, column=index).number_format = "@"
        sheet.freeze_panes = "A2"
    _choice_list(households, HOUSEHOLD_COLUMNS, "kind", KIND_LABELS)
    _choice_list(residents, RESIDENT_COLUMNS, "gender", GENDER_LABELS)
    _choice_list(residents, RESIDENT_COLUMNS, "relation", RELATION_LABELS)
    _choice_list(residents, RESIDENT_COLUMNS, "residence", RESIDENCE_LABELS)
    guide = book.create_sheet(GUIDE_SHEET)
    tags = "、".join(CareTag.objects.filter(is_active=True).values_list("name", flat=True))
    guide.append(["说明"])
    guide.append(["“房屋”表每行一户：楼栋编码、单元和房号确定一户，重复导入同一户只更新，不新增。"])
    guide.append(["“居民”表每行一人：楼栋编码、单元、房号指向其所在的户；身份证号相同即为同一人。"])
    guide.append([f"类型：{'、'.join(KIND_LABELS.values())}；性别：{'、'.join(GENDER_LABELS.values())}"])
    guide.append(
        [
            f"与户主关系：{'、'.join(RELATION_LABELS.values())}；户籍类型：{'、'.join(RESIDENCE_LABELS.values())}"
        ]
    )
    guide.append([f"重点人群（多个用顿号“、”分隔）：{tags}"])
    guide.append([])
    guide.append(["示例（房屋）", *[name for _field, name in HOUSEHOLD_COLUMNS]])
    guide.append(["", "31010100100101001", "1", 3, "301", "", "自住"])
    guide.append(["示例（居民）", *[name for _field, name in RESIDENT_COLUMNS]])
    example_id = make_id_number("110101", datetime.date(1950, 1, 1), 0, male=True)
    guide.append(
        ["", "31010100100101001", "1", "301", "张三", "男", 1950, example_id, "13800138000", "户主", "户籍",
         "独居老人"]
    )  # fmt: skip
    guide.column_dimensions["A"].width = 16
    return _save(book)


def _choice_list(sheet, columns: tuple, field: str, labels: dict) -> None:
    letter = get_column_letter([name for name, _header in columns].index(field) + 1)
    validation = DataValidation(type="list", formula1=f'"{",".join(labels.values())}"', allow_blank=True)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _text_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "@"
    return cell


def export_areas(user):
    """The areas the user may export from (down to grids), for the export form."""
    areas = Area.objects.filter(is_active=True, level__lt=AreaLevel.BUILDING).order_by("code")
    return areas.holding(user, "resident.export")


@transaction.atomic
def export_workbook(*, actor, within: Area | None, unmasked: bool = False, reason: str = "") -> bytes:
    """The households and residents the actor may export, in the import format. ID numbers and phones are
    masked unless `unmasked`, which needs both unmask permissions for `within` and a reason, and writes
    one access-log row per resident and number exported."""
    scope = user_scope(actor)
    reason = _check_export(scope, within, unmasked, (reason or "").strip())
    households = Household.objects.restrict(actor).filter(is_active=True).holding(actor, "resident.export")
    residents = Resident.objects.restrict(actor).filter(is_active=True).holding(actor, "resident.export")
    if within is not None:
        households = households.filter(**{f"{within.level_field}_id": within.pk})
        residents = residents.filter(**{f"{within.level_field}_id": within.pk})
    book = Workbook(write_only=True)
    sheet = book.create_sheet(HOUSEHOLD_SHEET)
    sheet.append([name for _field, name in HOUSEHOLD_COLUMNS])
    for household in (
        households.select_related("building")
        .only("unit", "floor", "room", "address", "kind", "building__code")
        .order_by("building__code", "unit", "room")
        .iterator(chunk_size=2000)
    ):
        sheet.append(
            [
                _text_cell(sheet, household.building.code),
                _text_cell(sheet, household.unit),
                household.floor,
                _text_cell(sheet, household.room),
                household.address,
                KIND_LABELS.get(household.kind, household.kind),
            ]
        )
    sheet = book.create_sheet(RESIDENT_SHEET)
    sheet.append([name for _field, name in RESIDENT_COLUMNS])
    access, now = [], timezone.now()
    tag_names = Prefetch("tags", queryset=CareTag.objects.only("name"))
    for resident in (
        residents.select_related("household__building")
        .prefetch_related(tag_names)
        .order_by("household__building__code", "household__unit", "household__room", "id")
        .iterator(chunk_size=2000)
    ):
        household = resident.household
        if unmasked:
            id_number, phone = decrypt(resident.id_number_encrypted), decrypt(resident.phone_encrypted)
            for field, value in ((RevealedField.ID_NUMBER, id_number), (RevealedField.PHONE, phone)):
                if value:
                    entry = ResidentAccess(
                        user=actor,
                        resident=resident,
                        field=field,
                        purpose=AccessPurpose.EXPORT,
                        reason=reason,
                        created_at=now,
                    )
                    entry.copy_ancestors(resident)
                    access.append(entry)
        else:
            id_number, phone = resident.id_number_mask, resident.phone_mask
        sheet.append(
            [
                _text_cell(sheet, household.building.code),
                _text_cell(sheet, household.unit),
                _text_cell(sheet, household.room),
                resident.name,
                GENDER_LABELS.get(resident.gender, resident.gender),
                resident.birth_year,
                _text_cell(sheet, id_number),
                _text_cell(sheet, phone),
                RELATION_LABELS.get(resident.relation, resident.relation),
                RESIDENCE_LABELS.get(resident.residence, resident.residence),
                "、".join(tag.name for tag in resident.tags.all()),
            ]
        )
    ResidentAccess.objects.bulk_create(access, batch_size=2000)
    return _save(book)


def _check_export(scope, within: Area | None, unmasked: bool, reason: str) -> str:
    """The reason given, once the export is allowed; a ValidationError otherwise."""
    if not scope.allows("resident.export"):
        raise ValidationError(_("Your role does not allow exporting households and residents."))
    if within is not None and not scope.holds("resident.export", within):
        raise ValidationError({"area": _("You may not export households and residents here.")})
    if not unmasked:
        return reason
    if within is None:
        raise ValidationError({"area": _("Choose the area to export unmasked numbers from.")})
    if not (scope.holds("resident.unmask_id", within) and scope.holds("resident.unmask_phone", within)):
        raise ValidationError(
            {"unmasked": _("Your role does not allow exporting full ID numbers and phones here.")}
        )
    if not reason:
        raise ValidationError({"reason": _("Give the reason you need the full numbers.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("A reason is at most 200 characters.")})
    return reason


def errors_workbook(errors: list[dict]) -> bytes:
    """The rejected rows of an import, for the uploader to correct in their own workbook."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Errors"))
    sheet.append([_("Sheet"), _("Row"), _("Column"), _("Error")])
    for error in errors:
        sheet.append([error["sheet"], error["row"], error["column"], error["message"]])
    return _save(book)
