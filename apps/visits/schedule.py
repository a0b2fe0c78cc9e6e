"""When each household must next be visited (backbone decision 7: a fact written when it changes).

A household follows the strictest active plan that matches it; its `visit_due_on` is the day of its last
visit plus that plan's interval. A household never visited counts from its registration, which is itself
a contact (grid workers register households at the door or on a collection round). Every service that
changes what a plan reads (a visit, a kind, a colour, a resident's care groups, a plan) calls `refresh`
for the households concerned, so that "who is due" and coverage are indexed range reads.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from apps.core.db import update_each
from apps.residents.models import Household, Resident

from .models import VisitPlan

BATCH = 5000


def plans_in_force() -> list[VisitPlan]:
    return list(VisitPlan.objects.filter(is_active=True).order_by("interval_days", "pk"))


def matching_plan(household: Household, tag_ids: set[int], plans: list[VisitPlan]) -> VisitPlan | None:
    """The strictest plan (plans come shortest interval first) whose every criterion holds."""
    for plan in plans:
        if plan.household_kind and plan.household_kind != household.kind:
            continue
        if plan.risk_colour and plan.risk_colour != household.risk_colour:
            continue
        if plan.care_tag_id and plan.care_tag_id not in tag_ids:
            continue
        return plan
    return None


def due_on(household: Household, plan: VisitPlan | None) -> datetime.date | None:
    if plan is None or not household.is_active:
        return None
    since = household.last_visited_at or household.created_at or timezone.now()
    return timezone.localdate(since) + datetime.timedelta(days=plan.interval_days)


def refresh(household_ids: Iterable[int], plans: list[VisitPlan] | None = None) -> int:
    """Recompute the schedule of these households; returns how many changed."""
    ids = sorted(set(household_ids))
    plans = plans_in_force() if plans is None else plans
    changed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        households = list(
            Household.objects.filter(pk__in=chunk).only(
                "id",
                "kind",
                "risk_colour",
                "is_active",
                "last_visited_at",
                "created_at",
                "visit_plan_id",
                "visit_interval_days",
                "visit_due_on",
            )
        )
        tags: dict[int, set[int]] = defaultdict(set)
        through = Resident.tags.through
        for household_id, tag_id in through.objects.filter(
            resident__household_id__in=chunk, resident__is_active=True
        ).values_list("resident__household_id", "caretag_id"):
            tags[household_id].add(tag_id)
        rows = []
        for household in households:
            plan = matching_plan(household, tags[household.pk], plans)
            schedule = (
                plan.pk if plan else None,
                plan.interval_days if plan else None,
                due_on(household, plan),
            )
            if schedule != (household.visit_plan_id, household.visit_interval_days, household.visit_due_on):
                household.visit_plan_id, household.visit_interval_days, household.visit_due_on = schedule
                rows.append(household)
        update_each(Household, rows, SCHEDULE_FIELDS)
        changed += len(rows)
    return changed


SCHEDULE_FIELDS = ["visit_plan", "visit_interval_days", "visit_due_on"]


def refresh_one(household: Household) -> None:
    """Recompute one household's schedule and read it back onto the instance."""
    if refresh([household.pk]):
        household.refresh_from_db(fields=SCHEDULE_FIELDS)


def refresh_all() -> int:
    """Every household, in batches by id (after a plan changed)."""
    plans = plans_in_force()
    changed, last = 0, 0
    while True:
        ids = list(Household.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return changed
        changed += refresh(ids, plans)
        last = ids[-1]
