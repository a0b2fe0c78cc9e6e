"""The admin of households, residents, visits and their lists: every page renders for a superuser, only the
reference lists and plans are written (plans through their service), residents show masks only, and the
access log is scoped like everything else."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.residents.models import CareTag, Household, ImportJob, Resident, ResidentAccess, RiskRule
from apps.residents.services import resident_reveal
from apps.visits.models import Visit, VisitPlan
from apps.visits.services import visit_log
from tests.builders import household_in, person_id, resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(city):
    household = household_in(city.buildings[0], kind="rented")
    resident = resident_in(household, id_number=person_id(9), phone="13712345678")
    resident_reveal(actor=city.users["community"], resident=resident, field="phone", reason="回访")
    visit_log(
        actor=city.users["gridworker"], kind="household", household=household, visited_at=timezone.now()
    )
    ImportJob.objects.create(created_by=city.users["community"], name="a.xlsx", created_at=timezone.now())
    return resident


ADMINS = [
    ("residents", "caretag", CareTag),
    ("residents", "riskrule", RiskRule),
    ("residents", "household", Household),
    ("residents", "resident", Resident),
    ("residents", "residentaccess", ResidentAccess),
    ("residents", "importjob", ImportJob),
    ("visits", "visitplan", VisitPlan),
    ("visits", "visit", Visit),
]


@pytest.mark.parametrize("page", ADMINS, ids=[model for _app, model, _cls in ADMINS])
def test_every_page_renders_for_a_superuser(client, superuser, everything, page):
    app, model, cls = page
    client.force_login(superuser)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    pk = cls.objects.order_by("pk").first().pk
    assert client.get(reverse(f"admin:{app}_{model}_change", args=[pk])).status_code == 200
    assert client.post(reverse(f"admin:{app}_{model}_delete", args=[pk])).status_code == 403
    expected = 200 if model in {"caretag", "riskrule", "visitplan"} else 403
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == expected


def test_residents_show_masks_never_the_numbers(client, superuser, everything):
    client.force_login(superuser)
    page = client.get(reverse("admin:residents_resident_change", args=[everything.pk])).content.decode()
    assert "137****5678" in page
    assert "13712345678" not in page
    assert person_id(9) not in page
    assert everything.id_number_mask in page


def test_a_plan_edited_in_the_admin_goes_through_the_service(client, superuser, city, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(superuser)
    response = client.post(
        reverse("admin:visits_visitplan_add"),
        {
            "name": "残疾人每月走访",
            "household_kind": "",
            "risk_colour": "",
            "care_tag": "",
            "interval_days": 400,
        },
    )
    assert response.status_code == 200
    assert not VisitPlan.objects.filter(name="残疾人每月走访").exists()
    response = client.post(
        reverse("admin:visits_visitplan_add"),
        {
            "name": "残疾人每月走访",
            "household_kind": "",
            "risk_colour": "",
            "care_tag": CareTag.objects.get(code="disabled").pk,
            "interval_days": 30,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert VisitPlan.objects.get(name="残疾人每月走访").interval_days == 30
