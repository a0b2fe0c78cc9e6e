"""Benchmark of the household and resident workbook import (issue 5), called from bench/run.py or run on
its own (`python bench/imports.py`, against DATABASE_URL's server, in a throwaway test database).

A generated street (4 communities, 20 grids, 400 buildings) and a fictional workbook of 40,000 households
and 100,000 residents (valid ID numbers from `make_id_number`, phones, care groups on one in ten); the
street staff user imports it with `import_run` end to end, as the Celery task does: reading the workbook,
validating every row, writing in bulk, the timeline entries and the visit schedules. Then the same file
again, which must change nothing. Target: under 2 minutes for the first run.
"""

import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

RESIDENTS = int(os.environ.get("BENCH_IMPORT_RESIDENTS", "100000"))
PREFIX = "999901"


def build_street():
    """One street of 400 buildings under a district of its own, and a street staff user holding it."""
    from apps.accounts.roles import Role
    from apps.accounts.services import role_grant, user_create
    from apps.areas.services import area_create

    district = area_create(actor=None, parent=None, name="导入基准区", code=PREFIX)
    street = area_create(actor=None, parent=district, name="导入基准街道", code=f"{PREFIX}001")
    buildings = []
    for c in range(4):
        community = area_create(
            actor=None, parent=street, name=f"基准{c + 1}社区", code=f"{street.code}{c + 1:03d}"
        )
        for g in range(5):
            grid = area_create(
                actor=None,
                parent=community,
                name=f"{community.name}{g + 1}网格",
                code=f"{community.code}{g + 1:02d}",
            )
            for b in range(20):
                buildings.append(
                    area_create(
                        actor=None,
                        parent=grid,
                        name=f"{grid.name}{b + 1}号楼",
                        code=f"{grid.code}{b + 1:03d}",
                    )
                )
    user = user_create(username="bench-importer", password="Bench-Passw0rd-1", full_name="导入基准")
    role_grant(actor=None, user=user, role=Role.STREET_STAFF, area=street)
    return user, buildings


def build_workbook(buildings, residents: int) -> tuple[bytes, int]:
    """The workbook (write-only, as a large office export would be) and its number of households."""
    from apps.residents.identity import make_id_number

    book = Workbook(write_only=True)
    households = book.create_sheet("房屋")
    people = book.create_sheet("居民")
    households.append(["楼栋编码", "单元", "楼层", "房号", "地址", "类型"])
    people.append(
        ["楼栋编码", "单元", "房号", "姓名", "性别", "出生年份", "身份证号", "手机号", "与户主关系",
         "户籍类型", "重点人群"]
    )  # fmt: skip
    kinds = ["自住", "自住", "出租", "空置", "商铺"]
    count = residents * 2 // 5
    first_day = datetime.date(1940, 1, 1)
    person = 0
    for n in range(count):
        building = buildings[n % len(buildings)]
        index = n // len(buildings)
        unit, floor, room = (
            str(index % 4 + 1),
            index // 4 % 30 + 1,
            f"{index // 4 % 30 + 1}{index // 120 + 1:02d}",
        )
        households.append([building.code, unit, floor, room, "", kinds[n % len(kinds)]])
        size = 3 if n % 2 else 2
        if n == count - 1:
            size = residents - person
        for member in range(size):
            born = first_day + datetime.timedelta(days=person // 500)
            number = make_id_number("310101", born, person, male=person % 2 == 0)
            people.append(
                [
                    building.code, unit, room, f"居民{person}", "", None, number, f"139{person:08d}",
                    "户主" if member == 0 else "子女", "户籍" if person % 3 else "流动",
                    "独居老人" if person % 10 == 0 else "",
                ]
            )  # fmt: skip
            person += 1
    output = io.BytesIO()
    book.save(output)
    return output.getvalue(), count


def _timed(importer_class, phases: dict) -> None:
    """Time the importer's phases (reading, validating, writing) without changing what they do."""
    for name in ("read", "validate", "write"):
        original = getattr(importer_class, name)

        def wrapper(self, *args, _original=original, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                phases[_name] = phases.get(_name, 0.0) + time.perf_counter() - start

        setattr(importer_class, name, wrapper)


def bench_import(residents: int = RESIDENTS) -> dict:
    from apps.residents import imports
    from apps.residents.models import Household, ImportJob, Resident

    user, buildings = build_street()
    start = time.perf_counter()
    content, households = build_workbook(buildings, residents)
    generate = time.perf_counter() - start
    runs = []
    originals = {name: getattr(imports.Importer, name) for name in ("read", "validate", "write")}
    try:
        for label in ("first import", "same file again"):
            phases: dict = {}
            _timed(imports.Importer, phases)
            job = ImportJob(created_by=user, name="bench.xlsx", strict=False, created_at=timezone.now())
            job.file.save("bench.xlsx", ContentFile(content), save=False)
            job.save()
            start = time.perf_counter()
            job = imports.import_run(job.pk)
            seconds = time.perf_counter() - start
            for name, original in originals.items():
                setattr(imports.Importer, name, original)
            assert job.status == "done", (job.status, job.message, job.errors[:5])
            runs.append(
                {
                    "label": label,
                    "seconds": seconds,
                    "rows": job.total_rows,
                    "created": job.created_count,
                    "updated": job.updated_count,
                    "unchanged": job.unchanged_count,
                    "rejected": job.rejected_count,
                    "phases": phases,
                }
            )
            job.file.delete(save=False)
    finally:
        for name, original in originals.items():
            setattr(imports.Importer, name, original)
    return {
        "residents": Resident.objects.filter(building__in=buildings).count(),
        "households": households,
        "stored_households": Household.objects.filter(building__in=buildings).count(),
        "workbook_mb": len(content) / 1024 / 1024,
        "generate": generate,
        "runs": runs,
    }


def imports_report(result: dict, today: str) -> list[str]:
    rows = []
    for run in result["runs"]:
        phases = run["phases"]
        rate = run["rows"] / run["seconds"]
        rows.append(
            f"| {run['label']} | {run['rows']:,} | {run['seconds']:.1f} | {rate:,.0f} | "
            f"{phases.get('read', 0):.1f} | {phases.get('validate', 0):.1f} | {phases.get('write', 0):.1f} | "
            f"{run['created']:,} | {run['updated']:,} | {run['unchanged']:,} | {run['rejected']:,} |"
        )
    return [
        f"## Household and resident import ({today})",
        "",
        (
            f"A workbook of {result['households']:,} households and {result['residents']:,} residents "
            f"({result['workbook_mb']:.1f} MB, generated in {result['generate']:.0f} s) imported by a street "
            "user with `import_run`, end to end as the Celery task runs it; then the same file again. "
            "Target: under 2 minutes."
        ),
        "",
        (
            "| run | rows | seconds | rows/s | read s | validate s | write s | created | updated | unchanged "
            "| rejected |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]


def main() -> None:
    import tempfile

    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result = bench_import()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sys.stdout.write("\n".join(imports_report(result, timezone.now().strftime("%Y-%m-%d UTC"))) + "\n")


if __name__ == "__main__":
    main()
