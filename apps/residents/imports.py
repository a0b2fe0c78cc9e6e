"""The workbook import: `import_start` checks and stores the upload and queues the job; `import_run` (the
Celery task's work) validates every row with the same `clean_household` and `clean_resident` as the forms
and the API, then writes the valid rows in bulk, or nothing in strict mode.

Importing the same file twice changes nothing: households are found by building, unit and room, residents
by the keyed hash of their ID number (by household and name when they have none, or by the mask when the
file is a masked export), and rows whose values equal the stored ones are counted unchanged and not
written. Personal numbers are compared by their hashes; their Fernet tokens differ on every encryption.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from apps.accounts.scope import user_scope
from apps.areas.choices import LEVEL_FIELDS, AreaLevel
from apps.areas.models import Area
from apps.areas.services import lock_tree
from apps.core.crypto import encrypt, keyed_hash, mask_phone
from apps.core.db import update_each
from apps.core.uploads import check_file
from apps.visits import schedule

from . import excel
from .choices import HouseholdAction, HouseholdKind, ImportStatus
from .models import CareTag, Household, HouseholdEvent, ImportJob, Resident
from .services import clean_household, clean_resident, protect

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5000
BATCH = 2000
FINISHED = {ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED}
HOUSEHOLD_COMPARED = ("floor", "address", "kind")
RESIDENT_COMPARED = ("name", "gender", "birth_year", "relation", "residence", "household_id")


@transaction.atomic
def import_start(*, actor, upload, strict: bool) -> ImportJob:
    """Store an uploaded workbook as a queued job; the import runs in the background once committed."""
    from .tasks import run_import  # noqa: PLC0415 - the task module imports this one

    if not user_scope(actor).allows("resident.import"):
        raise ValidationError(_("Your role does not allow importing households and residents."))
    check_file(upload)
    if Path(upload.name).suffix.lower() != ".xlsx" or not excel.is_xlsx(upload):
        raise ValidationError(
            {"file": _("“%(name)s” is not an Excel workbook (.xlsx).") % {"name": upload.name}}
        )
    job = ImportJob(created_by=actor, name=upload.name[:200], strict=strict, created_at=timezone.now())
    job.file.save(f"{get_random_string(16)}.xlsx", upload, save=False)
    job.save()
    # The row errors are written in the uploader's language.
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: run_import.delay(job.pk, language))
    return job


def _claim(job_id: int) -> ImportJob | None:
    """The job, marked running; None when it has finished already (a task delivered twice)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        if job.status in FINISHED:
            return None
        job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _finish(job: ImportJob, status: str, **values) -> ImportJob:
    job.status, job.finished_at = status, timezone.now()
    for name, value in values.items():
        setattr(job, name, value)
    job.save()
    return job


def import_run(job_id: int) -> ImportJob:
    """Validate and write one job's workbook. A malformed workbook is refused with a message, a strict
    job with any wrong row is refused with every row error; nothing is saved either way."""
    job = _claim(job_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    try:
        with job.file.open("rb") as handle:
            households, residents = excel.open_workbook(handle)
            importer = Importer(job)
            importer.read(households, residents)
        importer.validate()
        if importer.errors and job.strict:
            return _finish(
                job,
                ImportStatus.REFUSED,
                message=_("Nothing was saved: the strict import found errors in %(count)s rows.")
                % {"count": importer.rejected},
                processed_rows=importer.total,
                total_rows=importer.total,
                rejected_count=importer.rejected,
                errors=importer.errors,
            )
        importer.write()
    except ValidationError as error:
        return _finish(job, ImportStatus.REFUSED, message=" ".join(error.messages))
    except Exception:
        logger.exception("Import job %s failed", job_id)
        return _finish(
            job, ImportStatus.FAILED, message=_("The import failed on our side; nothing was saved.")
        )
    return _finish(
        job,
        ImportStatus.DONE,
        processed_rows=importer.total,
        total_rows=importer.total,
        created_count=importer.created,
        updated_count=importer.updated,
        unchanged_count=importer.unchanged,
        rejected_count=importer.rejected,
        errors=importer.errors,
        message="",
    )


@dataclass
class HouseholdRow:
    number: int
    building: Area
    fields: dict
    household: Household | None = None


@dataclass
class ResidentRow:
    number: int
    key: tuple
    fields: dict
    tags: set[int]
    id_mask: str = ""
    phone_mask: str = ""
    hash: str = ""
    resident: Resident | None = None


@dataclass
class Importer:
    """One job's rows from reading to writing. Rows with errors are left out of every later step."""

    job: ImportJob
    total: int = 0
    errors: list = field(default_factory=list)
    rejected_rows: set = field(default_factory=set)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __post_init__(self):
        self.scope = user_scope(self.job.created_by)
        self.raw_households: list[tuple[int, dict]] = []
        self.raw_residents: list[tuple[int, dict]] = []
        self.households: dict[tuple, HouseholdRow] = {}
        self.residents: list[ResidentRow] = []

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    def error(self, sheet: str, number: int, column: str, message) -> None:
        self.errors.append({"sheet": sheet, "row": number, "column": column, "message": str(message)})
        self.rejected_rows.add((sheet, number))

    def progress(self) -> None:
        ImportJob.objects.filter(pk=self.job.pk).update(processed_rows=self.total)

    # Reading.

    def read(self, households: excel.Sheet, residents: excel.Sheet) -> None:
        ImportJob.objects.filter(pk=self.job.pk).update(total_rows=households.estimate + residents.estimate)
        for target, sheet in ((self.raw_households, households), (self.raw_residents, residents)):
            for row in sheet.rows:
                target.append(row)
                self.total += 1
                if self.total % PROGRESS_EVERY == 0:
                    self.progress()
        ImportJob.objects.filter(pk=self.job.pk).update(total_rows=self.total, processed_rows=self.total)

    # Validation.

    def validate(self) -> None:
        codes = {cells["building"] for _n, cells in self.raw_households + self.raw_residents}
        buildings = {
            area.code: area
            for area in Area.objects.filter(code__in=codes - {""}, level=AreaLevel.BUILDING).only(
                "id",
                "code",
                "name",
                "level",
                "path",
                "is_active",
                *[f"{f}_id" for f in LEVEL_FIELDS.values()],
            )
        }
        self.buildings = buildings
        self._validate_households(buildings)
        self._validate_residents(buildings)
        self._match_residents()

    def _building(self, sheet: str, number: int, code: str, permission: str, buildings: dict) -> Area | None:
        building = buildings.get(code)
        if building is None or not self.scope.holds(permission, building):
            # The same words for a code that does not exist and one outside the uploader's area.
            self.error(
                sheet,
                number,
                excel.HOUSEHOLD_HEADERS["building"],
                _("No building with the code “%(code)s” in your area.") % {"code": code}
                if code
                else _("Give the building code."),
            )
            return None
        return building

    def _validate_households(self, buildings: dict) -> None:
        sheet, headers = excel.HOUSEHOLD_SHEET, excel.HOUSEHOLD_HEADERS
        seen: dict[tuple, int] = {}
        for number, cells in self.raw_households:
            building = self._building(sheet, number, cells["building"], "household.change", buildings)
            floor, floor_ok = _whole_number(cells["floor"])
            if not floor_ok:
                self.error(sheet, number, headers["floor"], _("Give the floor as a whole number."))
            fields, errors = clean_household(
                building=building,
                unit=cells["unit"],
                floor=floor,
                room=cells["room"],
                address=cells["address"],
                kind=excel.choice_code(cells["kind"], excel.KIND_LABELS),
            )
            for name, message in errors.items():
                if name != "building":
                    self.error(sheet, number, headers[name], message)
            if building is None or (sheet, number) in self.rejected_rows:
                continue
            key = (building.pk, fields["unit"], fields["room"])
            if key in seen:
                self.error(
                    sheet,
                    number,
                    headers["room"],
                    _("This household is already on row %(row)s of this sheet.") % {"row": seen[key]},
                )
                continue
            seen[key] = number
            self.households[key] = HouseholdRow(number=number, building=building, fields=fields)
        self.rejected_household_keys = {
            key: number for key, number in seen.items() if key not in self.households
        }

    def _validate_residents(self, buildings: dict) -> None:
        sheet, headers = excel.RESIDENT_SHEET, excel.RESIDENT_HEADERS
        tags = {}
        for tag in CareTag.objects.filter(is_active=True):
            tags[tag.name], tags[tag.code] = tag.pk, tag.pk
        rows = []
        for number, cells in self.raw_residents:
            building = self._building(sheet, number, cells["building"], "resident.change", buildings)
            birth_year, year_ok = _whole_number(cells["birth_year"])
            if not year_ok:
                self.error(sheet, number, headers["birth_year"], _("Give the birth year as a number."))
            id_mask = cells["id_number"] if "*" in cells["id_number"] else ""
            phone_mask = cells["phone"] if "*" in cells["phone"] else ""
            fields, errors = clean_resident(
                name=cells["name"],
                gender=excel.choice_code(cells["gender"], excel.GENDER_LABELS),
                birth_year=birth_year,
                id_number="" if id_mask else cells["id_number"],
                phone="" if phone_mask else cells["phone"],
                relation=excel.choice_code(cells["relation"], excel.RELATION_LABELS),
                residence=excel.choice_code(cells["residence"], excel.RESIDENCE_LABELS),
            )
            for name, message in errors.items():
                self.error(sheet, number, headers[name], message)
            names = excel.split_tags(cells["tags"])
            unknown = [name for name in names if name not in tags]
            if unknown:
                self.error(
                    sheet,
                    number,
                    headers["tags"],
                    _("Unknown care group: %(names)s.") % {"names": "、".join(unknown)},
                )
            if building is None:
                continue
            key = (building.pk, cells["unit"], cells["room"])
            if key in self.rejected_household_keys:
                self.error(
                    sheet,
                    number,
                    headers["room"],
                    _("The household of this resident was rejected (sheet %(sheet)s, row %(row)s).")
                    % {"sheet": excel.HOUSEHOLD_SHEET, "row": self.rejected_household_keys[key]},
                )
            if (sheet, number) in self.rejected_rows:
                continue
            number_hash = keyed_hash(fields["id_number"])
            rows.append(
                ResidentRow(
                    number=number,
                    key=key,
                    fields=fields,
                    tags={tags[name] for name in names},
                    id_mask=id_mask,
                    phone_mask=phone_mask,
                    hash=number_hash,
                )
            )
        self._refuse_duplicate_ids(rows)
        self.residents = [row for row in rows if (sheet, row.number) not in self.rejected_rows]

    def _refuse_duplicate_ids(self, rows: list[ResidentRow]) -> None:
        """Every row holding an ID number that another row holds too: which of them is right is unknown."""
        by_hash: dict[str, list[ResidentRow]] = defaultdict(list)
        for row in rows:
            if row.hash:
                by_hash[row.hash].append(row)
        for same in by_hash.values():
            if len(same) > 1:
                numbers = "、".join(str(row.number) for row in same)
                for row in same:
                    self.error(
                        excel.RESIDENT_SHEET,
                        row.number,
                        excel.RESIDENT_HEADERS["id_number"],
                        _("This ID number is on more than one row of this sheet (rows %(rows)s).")
                        % {"rows": numbers},
                    )

    def _load_stored(self) -> tuple[dict, dict]:
        """The stored households of the rows' buildings; the stored residents by the hash of the rows' ID
        numbers, and by household and name for the rows without a full number."""
        building_ids = {key[0] for key in self.households} | {row.key[0] for row in self.residents}
        stored = {}
        for chunk in _chunks(sorted(building_ids)):
            for household in Household.objects.filter(building_id__in=chunk):
                stored[(household.building_id, household.unit, household.room)] = household
        self.stored_households = stored
        for key, row in self.households.items():
            row.household = stored.get(key)
        by_hash = {}
        for chunk in _chunks(sorted({row.hash for row in self.residents if row.hash})):
            for resident in Resident.objects.filter(id_number_hash__in=chunk):
                by_hash[resident.id_number_hash] = resident
        named = sorted({stored[row.key].pk for row in self.residents if not row.hash and row.key in stored})
        by_name: dict[tuple, list[Resident]] = defaultdict(list)
        for chunk in _chunks(named):
            for resident in Resident.objects.filter(household_id__in=chunk).order_by("pk"):
                by_name[(resident.household_id, resident.name)].append(resident)
        return by_hash, by_name

    def _find(self, row: ResidentRow, by_hash: dict, by_name: dict, claimed: dict) -> tuple:
        """(the stored resident the row names or None, and None) or (None, (column field, error))."""
        if row.key not in self.households and row.key not in self.stored_households:
            return None, (
                "room",
                _("No household in this building, unit and room; add it to the sheet %(sheet)s.")
                % {"sheet": excel.HOUSEHOLD_SHEET},
            )
        household = self.stored_households.get(row.key)
        candidates = by_name.get((household.pk, row.fields["name"]), []) if household else []
        if row.hash:
            resident = by_hash.get(row.hash)
            # A person registered where the uploader may not change residents is not taken over.
            if resident is not None and "resident.change" not in self.scope.permissions_over(
                _chain(resident)
            ):
                return None, ("id_number", _("A resident with this ID number is already registered."))
        elif row.id_mask:
            resident = next((r for r in candidates if r.id_number_mask == row.id_mask), None)
            if resident is None:
                return None, (
                    "id_number",
                    _("This masked ID number matches no resident of this household; give the full number."),
                )
        else:
            resident = next((r for r in candidates if not r.id_number_hash and r.pk not in claimed), None)
        if row.phone_mask and (resident is None or resident.phone_mask != row.phone_mask):
            return None, (
                "phone",
                _("This masked phone matches no resident of this household; give the full number."),
            )
        if resident is not None and resident.pk in claimed:
            return None, (
                "name",
                _("This resident is already on row %(row)s of this sheet.") % {"row": claimed[resident.pk]},
            )
        return resident, None

    def _match_residents(self) -> None:
        """Find each household and resident the rows name among the stored ones."""
        by_hash, by_name = self._load_stored()
        claimed: dict[int, int] = {}
        kept = []
        for row in self.residents:
            resident, error = self._find(row, by_hash, by_name, claimed)
            if error is not None:
                self.error(excel.RESIDENT_SHEET, row.number, excel.RESIDENT_HEADERS[error[0]], error[1])
                continue
            if resident is not None:
                claimed[resident.pk] = row.number
            row.resident = resident
            kept.append(row)
        self.residents = kept

    # Writing.

    @transaction.atomic
    def write(self) -> None:
        now = timezone.now()
        actor = self.job.created_by
        buildings = {area.pk: area for area in lock_tree(*self.buildings.values())} if self.buildings else {}
        touched: dict[int, dict] = defaultdict(dict)
        new_households, changed_households = [], []
        for key, row in self.households.items():
            household = row.household
            if household is None:
                household = Household(**row.fields)
                household.copy_ancestors(buildings[key[0]])
                new_households.append(household)
                row.household = household
                continue
            changed = [name for name in HOUSEHOLD_COMPARED if getattr(household, name) != row.fields[name]]
            if not changed:
                self.unchanged += 1
                continue
            for name in changed:
                setattr(household, name, row.fields[name])
            if household.kind != HouseholdKind.RENTED and household.risk_colour:
                household.risk_colour, household.risk_rule, household.risk_set_at = "", None, None
            household.updated_at = now
            changed_households.append(household)
            touched[household.pk]["changed"] = changed
        Household.objects.bulk_create(new_households, batch_size=BATCH)
        for chunk in _chunks(changed_households, BATCH):
            update_each(
                Household,
                chunk,
                [*HOUSEHOLD_COMPARED, "risk_colour", "risk_rule", "risk_set_at", "updated_at"],
            )
        for household in new_households:
            touched[household.pk]["registered"] = True
        self.created += len(new_households)
        self.updated += len(changed_households)
        self._write_residents(now, touched)
        HouseholdEvent.objects.bulk_create(
            [
                HouseholdEvent(
                    household_id=household_id,
                    action=HouseholdAction.IMPORT,
                    actor=actor,
                    data={"import": self.job.pk, **data},
                    created_at=now,
                )
                for household_id, data in sorted(touched.items())
            ],
            batch_size=BATCH,
        )
        schedule.refresh(touched.keys())

    def _stored_tags(self) -> dict[int, set[int]]:
        tags: dict[int, set[int]] = defaultdict(set)
        existing = sorted(row.resident.pk for row in self.residents if row.resident is not None)
        for chunk in _chunks(existing):
            for resident_id, tag_id in Resident.tags.through.objects.filter(
                resident_id__in=chunk
            ).values_list("resident_id", "caretag_id"):
                tags[resident_id].add(tag_id)
        return tags

    def _write_residents(self, now, touched: dict) -> None:
        through = Resident.tags.through
        stored_tags = self._stored_tags()
        created, changed, retagged = [], [], []
        for row in self.residents:
            household = self.households[row.key].household if row.key in self.households else None
            household = household or self.stored_households[row.key]
            values = {name: value for name, value in row.fields.items() if name not in {"id_number", "phone"}}
            values["household_id"] = household.pk
            resident = row.resident
            if resident is None:
                resident = Resident(**values)
                resident.copy_ancestors(household)
                protect(resident, id_number=row.fields["id_number"], phone=row.fields["phone"])
                created.append((resident, row.tags))
                counts = touched[household.pk]
                counts["residents_added"] = counts.get("residents_added", 0) + 1
                continue
            differs = [name for name in RESIDENT_COMPARED if getattr(resident, name) != values[name]]
            new_phone = resident.phone_hash if row.phone_mask else keyed_hash(row.fields["phone"])
            if new_phone != resident.phone_hash:
                differs.append("phone")
            if row.tags != stored_tags[resident.pk]:
                retagged.append((resident, row.tags))
            if not differs and row.tags == stored_tags[resident.pk]:
                self.unchanged += 1
                continue
            if resident.household_id != household.pk:
                counts = touched[resident.household_id]
                counts["residents_left"] = counts.get("residents_left", 0) + 1
            for name, value in values.items():
                setattr(resident, name, value)
            resident.copy_ancestors(household)
            if "phone" in differs:
                # Only the phone is stored anew: the ID number is the one the resident was found by.
                phone = row.fields["phone"]
                resident.phone_encrypted, resident.phone_hash = encrypt(phone), new_phone
                resident.phone_mask = mask_phone(phone)
            resident.updated_at = now
            changed.append(resident)
            counts = touched[household.pk]
            counts["residents_changed"] = counts.get("residents_changed", 0) + 1
        Resident.objects.bulk_create([resident for resident, _tags in created], batch_size=BATCH)
        for chunk in _chunks(changed, BATCH):
            update_each(
                Resident,
                chunk,
                [
                    "name", "gender", "birth_year", "relation", "residence", "household",
                    *LEVEL_FIELDS.values(), "phone_encrypted", "phone_hash", "phone_mask", "updated_at",
                ],
            )  # fmt: skip
        if retagged:
            for chunk in _chunks([resident.pk for resident, _tags in retagged]):
                through.objects.filter(resident_id__in=chunk).delete()
        through.objects.bulk_create(
            [
                through(resident_id=resident.pk, caretag_id=tag_id)
                for resident, tags in [*created, *retagged]
                for tag_id in sorted(tags)
            ],
            batch_size=BATCH * 5,
        )
        self.created += len(created)
        self.updated += len(changed)


def _whole_number(text: str) -> tuple[int | None, bool]:
    if not text:
        return None, True
    try:
        return int(text), True
    except ValueError:
        return None, False


def _chain(resident: Resident) -> list[int]:
    return [area_id for area_id in (getattr(resident, f"{f}_id") for f in LEVEL_FIELDS.values()) if area_id]


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]
