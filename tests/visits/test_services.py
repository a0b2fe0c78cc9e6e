"""Visits through their services: place, scope, dates, photos, idempotency, schedules, problems found."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apps.cases.choices import Channel
from apps.residents.models import Household
from apps.visits.models import Visit, VisitPlan
from apps.visits.selectors import coverage, visits_due
from apps.visits.services import visit_log, visit_plan_save
from tests.builders import household_in

pytestmark = pytest.mark.django_db


def photo(name="p.jpg", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_household_visit_moves_the_household_off_the_due_list(city):
    worker = city.users["gridworker"]
    household = household_in(city.buildings[0])
    # Registration counts as the first contact: due a plan's interval later (a quarter by default).
    Household.objects.filter(pk=household.pk).update(visit_due_on=timezone.localdate())
    assert list(visits_due(worker)) == [household]
    visit, created = visit_log(
        actor=worker,
        kind="household",
        household=household,
        visited_at=timezone.now(),
        met="户主",
        photos=[photo()],
    )
    assert created
    assert visit.grid_id == city.grids[0].pk
    assert visit.photos.count() == 1
    household.refresh_from_db()
    assert household.visit_due_on == timezone.localdate() + datetime.timedelta(days=90)
    assert list(visits_due(worker)) == []
    total, rows = coverage(city.users["community"], city.communities[0])
    assert (total.planned, total.overdue, total.visits) == (1, 0, 1)
    assert [row.planned for row in rows] == [1, 0]


def test_a_visit_dated_in_the_future_is_refused(city):
    household = household_in(city.buildings[0])
    with pytest.raises(ValidationError) as error:
        visit_log(
            actor=city.users["gridworker"],
            kind="household",
            household=household,
            visited_at=timezone.now() + datetime.timedelta(hours=2),
        )
    assert "visited_at" in error.value.message_dict
    assert not Visit.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_saved(city):
    household = household_in(city.buildings[0])
    fake = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        visit_log(
            actor=city.users["gridworker"],
            kind="household",
            household=household,
            visited_at=timezone.now(),
            photos=[fake],
        )
    assert "photos" in error.value.message_dict
    assert not Visit.objects.exists()
    household.refresh_from_db()
    assert household.last_visited_at is None


def test_a_visit_outside_the_workers_grid_is_refused(city):
    with pytest.raises(ValidationError):
        visit_log(
            actor=city.users["gridworker"], kind="patrol", area=city.grids[-1], visited_at=timezone.now()
        )


def test_the_same_form_sent_twice_logs_one_visit(city):
    worker = city.users["gridworker"]
    first, created = visit_log(
        actor=worker, kind="patrol", area=city.grids[0], visited_at=timezone.now(), idempotency_key="k1"
    )
    again, created_again = visit_log(
        actor=worker, kind="patrol", area=city.grids[0], visited_at=timezone.now(), idempotency_key="k1"
    )
    assert created
    assert not created_again
    assert first.pk == again.pk


def test_a_problem_found_on_a_visit_reports_a_case_from_it(city):
    worker = city.users["gridworker"]
    household = household_in(city.buildings[0])
    visit, _ = visit_log(
        actor=worker,
        kind="household",
        household=household,
        visited_at=timezone.now(),
        notes="楼道堆放杂物",
        problem={"category": city.categories[0], "title": "楼道堆物", "description": "三楼楼道堆放纸箱"},
    )
    case = visit.case
    assert case.channel == Channel.VISIT
    assert case.area_id == city.buildings[0].pk
    assert case.address == household.address


def test_an_older_visit_logged_late_does_not_move_the_last_visit_back(city):
    worker = city.users["gridworker"]
    household = household_in(city.buildings[0])
    now = timezone.now()
    visit_log(actor=worker, kind="household", household=household, visited_at=now)
    visit_log(
        actor=worker, kind="household", household=household, visited_at=now - datetime.timedelta(days=3)
    )
    household.refresh_from_db()
    assert household.last_visited_at == now


@pytest.mark.django_db(transaction=True)
def test_changing_a_plan_recomputes_schedules_after_commit(city, superuser, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    household = household_in(city.buildings[0])
    plan = VisitPlan.objects.get(interval_days=90)
    visit_plan_save(actor=superuser, plan=plan, name=plan.name, interval_days=60)
    assert Household.objects.get(pk=household.pk).visit_interval_days == 60
    with pytest.raises(ValidationError):
        visit_plan_save(actor=city.users["street"], name="x", interval_days=5)
