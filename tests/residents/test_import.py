"""The workbook import: validation shared with the services, strict and non-strict runs, idempotence, and
malformed files; one run through a real Celery worker."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from apps.core.crypto import decrypt, keyed_hash
from apps.residents import excel
from apps.residents.choices import HouseholdAction, ImportStatus
from apps.residents.imports import import_run, import_start
from apps.residents.models import CareTag, Household, HouseholdEvent, ImportJob, Resident
from tests.builders import household_in, person_id, resident_in

from .import_support import household, resident, run, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _valid(city) -> bytes:
    first, second = city.buildings[0], city.buildings[1]
    return workbook(
        [household(first, "101"), household(first, "102", kind="出租"),
         household(second, "201", kind="shop")],
        [
            resident(first, "101", name="张三", id_number=person_id(1), phone="13800138000",
                     tags="独居老人、低保"),
            resident(first, "101", name="李四", relation="配偶", gender="女", birth_year=1952),
            resident(first, "102", name="王五", id_number=person_id(2), relation="租客", residence="流动"),
        ],
    )  # fmt: skip


def _wrong_check_digit(n: int) -> str:
    number = person_id(n)
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_the_template_is_the_format_the_import_reads(city):
    content = excel.template_workbook()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[:2] == [excel.HOUSEHOLD_SHEET, excel.RESIDENT_SHEET]
    assert [c.value for c in book[excel.RESIDENT_SHEET][1]] == [n for _f, n in excel.RESIDENT_COLUMNS]
    assert book[excel.HOUSEHOLD_SHEET].data_validations.dataValidation
    # The template as downloaded imports as an empty workbook; filled in, it imports its rows.
    job = run(city.users["gridhead"], content)
    assert (job.status, job.total_rows, job.created_count) == (ImportStatus.DONE, 0, 0)
    sheet = book[excel.HOUSEHOLD_SHEET]
    sheet.append(household(city.buildings[0], "301"))
    output = io.BytesIO()
    book.save(output)
    job = run(city.users["gridhead"], output.getvalue())
    assert (job.status, job.created_count) == (ImportStatus.DONE, 1)


def test_a_valid_workbook_is_imported(city):
    job = run(city.users["gridhead"], _valid(city))
    assert job.status == ImportStatus.DONE, job.message
    assert (job.total_rows, job.processed_rows, job.created_count, job.rejected_count) == (6, 6, 6, 0)
    assert Household.objects.count() == 3
    zhang = Resident.objects.get(name="张三")
    assert decrypt(zhang.id_number_encrypted) == person_id(1)
    assert zhang.phone_hash == keyed_hash("13800138000")
    assert (zhang.birth_year, zhang.gender, zhang.grid_id) == (1950, "male", city.grids[0].pk)
    assert {tag.code for tag in zhang.tags.all()} == {"alone_elderly", "subsistence"}
    shop = Household.objects.get(room="201")
    assert (shop.kind, shop.address) == ("shop", f"{city.buildings[1].name}1单元201室")
    assert Resident.objects.get(name="王五").residence == "floating"
    events = HouseholdEvent.objects.filter(action=HouseholdAction.IMPORT)
    assert events.count() == 3
    assert {event.actor for event in events} == {city.users["gridhead"]}
    # The visit schedule follows: 独居老人 every two weeks, everyone else once a quarter.
    assert Household.objects.get(room="101").visit_interval_days == 14


def _mixed(city) -> bytes:
    first, outside = city.buildings[0], city.buildings[2]
    return workbook(
        [household(first, "101"), household(first, "102"), household(outside, "101"),
         [first.code, "1", 1, "103", "", "别墅"]],
        [
            resident(first, "101", name="好人", id_number=person_id(1)),
            resident(first, "101", name="错号", id_number=_wrong_check_digit(3)),
            resident(first, "102", name="坏电话", phone="12345"),
            resident(first, "102", name="重复甲", id_number=person_id(5)),
            resident(first, "102", name="重复乙", id_number=person_id(5)),
            ["31019999999999999", "1", "101", "无楼", None, None, "", "", "户主", "户籍", ""],
            resident(outside, "101", name="外网格"),
        ],
    )  # fmt: skip


def _errors(job) -> set[tuple]:
    return {(error["sheet"], error["row"], error["column"]) for error in job.errors}


def test_a_strict_import_with_errors_saves_nothing_and_reports_every_row(city):
    job = run(city.users["gridhead"], _mixed(city), strict=True)
    assert job.status == ImportStatus.REFUSED
    assert not Household.objects.exists()
    assert not Resident.objects.exists()
    assert not HouseholdEvent.objects.exists()
    assert _errors(job) == {
        ("房屋", 4, "楼栋编码"),
        ("房屋", 5, "类型"),
        ("居民", 3, "身份证号"),
        ("居民", 4, "手机号"),
        ("居民", 5, "身份证号"),
        ("居民", 6, "身份证号"),
        ("居民", 7, "楼栋编码"),
        ("居民", 8, "楼栋编码"),
    }
    assert job.rejected_count == 8
    messages = {error["row"]: error["message"] for error in job.errors if error["sheet"] == "居民"}
    # A building outside the uploader's grid reads exactly like one that does not exist.
    assert messages[8] == messages[7].replace("31019999999999999", city.buildings[2].code)
    assert "check digit" in messages[3]


def test_a_non_strict_import_saves_the_valid_rows_and_reports_the_rest(city):
    job = run(city.users["gridhead"], _mixed(city))
    assert job.status == ImportStatus.DONE
    assert job.rejected_count == 8
    assert job.created_count == 3  # two households, one resident
    assert set(Household.objects.values_list("room", "building")) == {
        ("101", city.buildings[0].pk),
        ("102", city.buildings[0].pk),
    }
    assert list(Resident.objects.values_list("name", flat=True)) == ["好人"]


def test_importing_the_same_file_again_changes_nothing(city):
    content = _valid(city)
    run(city.users["gridhead"], content)
    before = {
        "households": dict(Household.objects.values_list("pk", "updated_at")),
        "residents": dict(Resident.objects.values_list("pk", "updated_at")),
        "events": HouseholdEvent.objects.count(),
        "tokens": list(Resident.objects.values_list("id_number_encrypted", "phone_encrypted")),
    }
    job = run(city.users["gridhead"], content)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (
        ImportStatus.DONE,
        0,
        0,
        6,
    )
    assert dict(Household.objects.values_list("pk", "updated_at")) == before["households"]
    assert dict(Resident.objects.values_list("pk", "updated_at")) == before["residents"]
    assert HouseholdEvent.objects.count() == before["events"]
    assert list(Resident.objects.values_list("id_number_encrypted", "phone_encrypted")) == before["tokens"]


def test_a_changed_value_updates_the_stored_row_only(city):
    first = city.buildings[0]
    run(city.users["gridhead"], _valid(city))
    changed = workbook(
        [household(first, "101", floor=9), household(first, "102", kind="出租")],
        [
            resident(first, "101", name="张三", id_number=person_id(1), phone="13900139000", tags="独居老人"),
            resident(first, "101", name="李四", relation="配偶", gender="女", birth_year=1952),
            # The same ID number moves the resident to another household; it is never duplicated.
            resident(first, "101", name="王五", id_number=person_id(2), relation="租客", residence="流动"),
        ],
    )  # fmt: skip
    job = run(city.users["gridhead"], changed)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 3, 2)
    assert Household.objects.get(room="101").floor == 9
    zhang = Resident.objects.get(name="张三")
    assert zhang.phone_hash == keyed_hash("13900139000")
    assert decrypt(zhang.phone_encrypted) == "13900139000"
    assert [tag.code for tag in zhang.tags.all()] == ["alone_elderly"]
    assert Resident.objects.get(name="王五").household.room == "101"
    assert Resident.objects.count() == 3
    touched = HouseholdEvent.objects.filter(data__import=job.pk)
    assert sorted(event.household.room for event in touched) == ["101", "102"]


def test_a_resident_registered_outside_the_uploaders_area_is_not_taken_over(city):
    outside = household_in(city.buildings[2])
    resident_in(outside, name="外人", id_number=person_id(8))
    first = city.buildings[0]
    job = run(
        city.users["gridhead"],
        workbook([household(first)], [resident(first, name="外人", id_number=person_id(8))]),
    )
    assert _errors(job) == {("居民", 2, "身份证号")}
    assert Resident.objects.get(name="外人").household == outside


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"name,room\n", "not an Excel workbook"),
        (workbook(skip_sheet="居民"), "no sheet"),
        (workbook(skip_column="房号"), "no column"),
    ],
)
def test_a_malformed_workbook_is_refused_and_nothing_saved(city, content, words):
    # The upload only checks that the file is a workbook; a job run on any file refuses it whole.
    job = ImportJob.objects.create(
        created_by=city.users["gridhead"], name="bad.xlsx", file=upload(content), created_at=timezone.now()
    )
    with translation.override("en"):
        job = import_run(job.pk)
    assert job.status == ImportStatus.REFUSED
    assert words in job.message
    assert not Household.objects.exists()


def test_an_upload_that_is_not_a_workbook_is_refused_at_once(city):
    with pytest.raises(ValidationError):
        import_start(actor=city.users["gridhead"], upload=upload(b"PK\x03\x04 not a zip"), strict=False)
    with pytest.raises(ValidationError):
        import_start(actor=city.users["gridhead"], upload=upload(b"just text"), strict=False)
    assert not ImportJob.objects.exists()


def test_only_importers_may_upload(city):
    with pytest.raises(ValidationError):
        import_start(actor=city.users["gridworker"], upload=upload(_valid(city)), strict=False)


def test_a_finished_job_is_not_run_again(city):
    job = run(city.users["gridhead"], _valid(city))
    Resident.objects.all().delete()
    assert import_run(job.pk).status == ImportStatus.DONE
    assert not Resident.objects.exists()


def test_a_masked_export_imports_again_without_changes(city):
    run(city.users["gridhead"], _valid(city))
    exported = excel.export_workbook(actor=city.users["gridhead"], within=None, unmasked=False, reason="")
    job = run(city.users["gridhead"], exported)
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count, job.rejected_count) == (0, 0, 6, 0)


def test_care_groups_are_matched_by_name_or_code(city):
    first = city.buildings[0]
    CareTag.objects.filter(code="veteran").update(is_active=False)
    job = run(
        city.users["gridhead"],
        workbook(
            [household(first)],
            [resident(first, name="甲", tags="disabled,低保"), resident(first, name="乙", tags="退役军人")],
        ),
    )
    assert _errors(job) == {("居民", 3, "重点人群")}
    assert {tag.code for tag in Resident.objects.get(name="甲").tags.all()} == {"disabled", "subsistence"}


# The pages

INDEX = "/households/imports/"


def test_the_import_pages_are_hidden_from_those_who_may_not_import(city, as_user):
    job = run(city.users["gridhead"], _valid(city))
    client = as_user(city.users["gridworker"])
    for path in (
        INDEX,
        f"{INDEX}template.xlsx",
        f"{INDEX}{job.pk}/",
        f"{INDEX}{job.pk}/progress/",
        f"{INDEX}export/",
    ):
        assert client.get(path).status_code == 404, path
    # Another importer does not see someone else's job.
    assert as_user(city.users["street"]).get(f"{INDEX}{job.pk}/").status_code == 404


def test_an_upload_through_the_page_runs_and_shows_its_errors(
    city, as_user, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("apps.residents.tasks.run_import.delay", lambda *args: queued.append(args))
    client = as_user(city.users["gridhead"])
    assert client.get(INDEX).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INDEX, {"file": upload(_mixed(city)), "strict": "on"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"{INDEX}{job.pk}/"
    assert queued == [(job.pk, "en")]
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    import_run(job.pk)
    progress = client.get(f"{INDEX}{job.pk}/progress/")
    assert progress.headers["HX-Refresh"] == "true"
    page = client.get(f"{INDEX}{job.pk}/").content.decode()
    assert "every 2s" not in page
    assert "refused: nothing saved" in page
    assert "check digit" in page
    errors = client.get(f"{INDEX}{job.pk}/errors.xlsx")
    assert errors["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert len(load_workbook(io.BytesIO(errors.content)).active["A"]) == 9
    template = client.get(f"{INDEX}template.xlsx")
    assert load_workbook(io.BytesIO(template.content)).sheetnames[:2] == ["房屋", "居民"]


def test_a_file_that_is_not_a_workbook_is_refused_on_the_page(city, as_user):
    response = as_user(city.users["gridhead"]).post(INDEX, {"file": upload(b"name,room\n", "list.xlsx")})
    assert response.status_code == 200
    assert "is not a file GridGov accepts" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_import_pages_cost_the_same_whatever_the_number_of_jobs_and_errors(
    city, as_user, django_assert_num_queries
):
    job = run(city.users["gridhead"], _mixed(city))
    client = as_user(city.users["gridhead"])
    client.get(INDEX)
    # session, user, roles, job count, jobs, and the session's refresh (savepoint, update, release)
    with django_assert_num_queries(8):
        assert client.get(INDEX).status_code == 200
    # session, user, roles, the job (its errors paged in Python), and the session's refresh
    with django_assert_num_queries(7):
        assert client.get(f"{INDEX}{job.pk}/").status_code == 200
    for _n in range(3):
        run(city.users["gridhead"], _mixed(city))
    with django_assert_num_queries(8):
        assert client.get(INDEX).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(f"{INDEX}{job.pk}/progress/").status_code == 200


# A real worker


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_a_worker_runs_an_import_queued_on_commit(tmp_path, settings):
    from tests.builders import build_city
    from tests.dispatch.support import Worker, wait_until

    city = build_city()
    worker = Worker(tmp_path, settings.REDIS_URL, queues="imports")
    worker.env["DJANGO_MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    worker.start()
    try:
        job = import_start(actor=city.users["gridhead"], upload=upload(_valid(city)), strict=False)
        finished = lambda: ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE  # noqa: E731
        assert wait_until(finished, timeout=120), worker.log.read_text()
    finally:
        worker.stop()
    assert worker.ran("apps.residents.tasks.run_import"), worker.log.read_text()
    job.refresh_from_db()
    assert (job.created_count, job.rejected_count) == (6, 0)
    assert Resident.objects.count() == 3
