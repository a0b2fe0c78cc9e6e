"""Scoped reads of cases: the inboxes, duplicate suggestions, routing proposals and the actions a user
may take on a case now. Every read starts from `restrict()`."""

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from apps.accounts.scope import user_scope
from apps.areas.models import Area

from .choices import CaseAction, CaseStatus
from .filters import overdue_condition
from .models import Case, Category, RoutingRule
from .states import allowed_now

# The street and community staff's inbox: name, condition. Each is one filter on the restricted cases.
CASE_BUCKETS = (
    "to_accept",
    "to_dispatch",
    "waiting",
    "warnings",
    "overdue",
    "escalated",
    "to_verify",
    "to_close",
)


STATUS_BUCKETS = {
    "to_accept": CaseStatus.REPORTED,
    "to_dispatch": CaseStatus.ACCEPTED,
    "waiting": CaseStatus.DISPATCHED,
    "to_verify": CaseStatus.RESOLVED,
    "to_close": CaseStatus.VERIFIED,
}


def _bucket_condition(bucket: str, user) -> Q:
    from apps.dispatch.models import Deadline, Whistle  # noqa: PLC0415 - dispatch builds on cases

    if bucket in STATUS_BUCKETS:
        return Q(status=STATUS_BUCKETS[bucket])
    # The other buckets are semi-joins on small sets (running deadlines, open orders, escalated whistles),
    # so that neither a list nor a count runs a subquery for each of a street's cases.
    if bucket == "warnings":
        warned = Deadline.objects.filter(state="active", warnings_fired__gt=0)
        return Q(pk__in=warned.values("case_id"))
    if bucket == "overdue":
        return overdue_condition()
    if bucket == "escalated":
        escalated = Whistle.objects.filter(
            escalated_from__isnull=False, orders__status__in=["pending", "accepted"]
        )
        if not user_scope(user).unrestricted:
            mine = [area_id for _level, area_id in user_scope(user).areas("case.whistle")]
            escalated = escalated.filter(area_id__in=mine)
        return Q(pk__in=escalated.values("case_id"))
    raise ValueError(bucket)


def case_inbox(user, bucket: str) -> QuerySet:
    return (
        Case.objects.restrict(user)
        .filter(_bucket_condition(bucket, user))
        .select_related("category", "area", "lead_department")
        .order_by("-created_at", "-id")
    )


def with_alerts(cases: QuerySet) -> QuerySet:
    """Mark each case `is_overdue` and `is_warned`, for the red and amber markers of the case lists."""
    return cases.annotate(
        is_overdue=ExpressionWrapper(_bucket_condition("overdue", None), output_field=BooleanField()),
        is_warned=ExpressionWrapper(_bucket_condition("warnings", None), output_field=BooleanField()),
    )


def case_inbox_counts(user) -> dict[str, int]:
    """Every bucket's count: one query for the statuses (an index range per status) and one for each
    of the buckets that hang on deadlines, orders and whistles."""
    cases = Case.objects.restrict(user)
    by_status = dict(
        cases.filter(status__in=list(STATUS_BUCKETS.values()))
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    counts = {bucket: by_status.get(status, 0) for bucket, status in STATUS_BUCKETS.items()}
    for bucket in ("warnings", "overdue", "escalated"):
        counts[bucket] = cases.filter(_bucket_condition(bucket, user)).count()
    return {bucket: counts[bucket] for bucket in CASE_BUCKETS}


def duplicate_candidates(
    *,
    user,
    category: Category,
    area: Area | None = None,
    longitude: float | None = None,
    latitude: float | None = None,
    exclude: int | None = None,
    limit: int = 5,
) -> list[Case]:
    """Open cases of the same category reported within the window and near the point (or, without a
    point, in the same grid or building), nearest first."""
    since = timezone.now() - timedelta(hours=settings.GRIDGOV_DUPLICATE_WINDOW_HOURS)
    candidates = Case.objects.restrict(user).open().filter(category=category, created_at__gte=since)
    if exclude:
        candidates = candidates.exclude(pk=exclude)
    radius = settings.GRIDGOV_DUPLICATE_RADIUS_METRES
    if longitude is not None and latitude is not None:
        # A box around the point narrows the rows in SQL; the exact distance is checked here.
        dlat = radius / 111_320
        dlng = radius / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
        rows = candidates.filter(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlng, longitude + dlng),
        ).select_related("area")[:50]
        near = [(distance_metres(latitude, longitude, c.latitude, c.longitude), c) for c in rows]
        return [case for metres, case in sorted(near, key=lambda pair: pair[0]) if metres <= radius][:limit]
    if area is None:
        return []
    field = "building_id" if area.level >= 5 else "grid_id" if area.level >= 4 else None
    if field is None:
        return []
    return list(candidates.filter(**{field: getattr(area, field)}).select_related("area")[:limit])


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), good to a metre at the scale of a street."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def route_for(*, category: Category, area: Area) -> RoutingRule | None:
    """The rule intake proposes: the deepest area before a higher one or none, the category before its
    parent."""
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    chain = [*area.ancestor_ids, area.pk]
    rules = (
        RoutingRule.objects.filter(is_active=True, category_id__in=categories)
        .filter(Q(area__isnull=True) | Q(area_id__in=chain))
        .select_related("department", "area")
    )
    ranked = sorted(
        rules,
        key=lambda rule: (
            categories.index(rule.category_id),
            -(chain.index(rule.area_id) if rule.area_id else -1),
        ),
    )
    return ranked[0] if ranked else None


# The permission each action needs over the case's area, for the actions offered on the case page.
ACTION_PERMISSIONS = {
    CaseAction.ACCEPT: "case.triage",
    CaseAction.REJECT: "case.triage",
    CaseAction.HANDLE_IN_GRID: "case.triage",
    CaseAction.DISPATCH: "case.triage",
    CaseAction.WHISTLE: "case.whistle",
    CaseAction.RESOLVE: "case.handle",
    CaseAction.VERIFY: "case.handle",
    CaseAction.SEND_BACK: "case.handle",
    CaseAction.CLOSE: "case.triage",
    CaseAction.RATE: "case.triage",
    CaseAction.SUSPEND: "case.triage",
    CaseAction.RESUME: "case.triage",
    CaseAction.MERGE: "case.triage",
    CaseAction.LEADER_CLAIM: "case.supervise",
    CaseAction.SUPERVISE: "case.supervise",
}


def case_actions(user, case: Case) -> set[str]:
    """The case-level actions this user may take now (department actions on orders are offered per order)."""
    scope = user_scope(user)
    held = scope.permissions_over([*case.area.ancestor_ids, case.area_id])
    actions = {
        action
        for action in allowed_now(case)
        if action in ACTION_PERMISSIONS and (scope.unrestricted or ACTION_PERMISSIONS[action] in held)
    }
    if case.status == CaseStatus.DISPATCHED:
        actions.discard(CaseAction.RESOLVE)  # the departments resolve through their orders
    if case.leader_claimed_by_id:
        actions.discard(CaseAction.LEADER_CLAIM)
    if case.status == CaseStatus.CLOSED and case.rated_at:
        actions.discard(CaseAction.RATE)
    actions.discard(CaseAction.REOPEN)
    return actions
