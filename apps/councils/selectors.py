"""Reads of the council pages and API: scoped meetings and tasks, and the people a follow-up can go to."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import PERMISSIONS
from apps.accounts.scope import VIEW
from apps.areas.models import Area
from apps.cases.models import Case

from .choices import TaskState
from .models import Meeting, Resolution, Task, Topic


def _count(model, field: str) -> Coalesce:
    counted = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def meetings(user) -> QuerySet[Meeting]:
    """The meetings the user sees, with their area and how many topics and resolutions they hold."""
    return (
        Meeting.objects.restrict(user, VIEW)
        .select_related("area")
        .annotate(topic_count=_count(Topic, "meeting"), resolution_count=_count(Resolution, "meeting"))
    )


def filter_meetings(queryset: QuerySet[Meeting], *, q="", kind="", held_from=None, held_to=None):
    if q := q.strip():
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(place__icontains=q) | Q(host__icontains=q) | Q(minutes__icontains=q)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if held_from:
        queryset = queryset.filter(held_at__date__gte=held_from)
    if held_to:
        queryset = queryset.filter(held_at__date__lte=held_to)
    return queryset


def resolution_rows(user) -> QuerySet[Resolution]:
    """Resolutions with what their follow-up shows: the task, or the case and its status. `case_visible`
    says whether the user may read the case (through `restrict`, like every related row); the page and
    the API show a case only then."""
    return (
        Resolution.objects.select_related("topic", "task__owner", "case", "case_owner")
        .annotate(case_visible=Exists(Case.objects.restrict(user, VIEW).filter(pk=OuterRef("case_id"))))
        .order_by("id")
    )


def resolutions_of(meeting: Meeting, user) -> QuerySet[Resolution]:
    return resolution_rows(user).filter(meeting=meeting)


def tasks(user) -> QuerySet[Task]:
    return Task.objects.restrict(user, VIEW).select_related("area", "owner", "resolution__meeting")


def filter_tasks(queryset: QuerySet[Task], *, user, q="", mine=False, show="open"):
    today = timezone.localdate()
    if mine:
        queryset = queryset.filter(owner=user)
    if q := q.strip():
        queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if show == "overdue":
        queryset = queryset.filter(state=TaskState.OPEN, deadline__lt=today)
    elif show in TaskState.values:
        queryset = queryset.filter(state=show)
    return queryset


def follow_up_areas(user, meeting: Meeting) -> QuerySet[Area]:
    """The areas a follow-up of the meeting can be placed in: the meeting's area and those below it."""
    area = meeting.area
    return (
        Area.objects.restrict(user, VIEW)
        .filter(Q(pk=area.pk) | Q(**{f"{area.level_field}_id": area.pk}), is_active=True)
        .order_by("level", "code")
    )


def possible_owners(meeting: Meeting, permissions: tuple[str, ...] = ("cogov.view",)) -> QuerySet[User]:
    """The people holding, for the meeting's area, one above it or one below it, a role that carries one
    of `permissions`: those a follow-up can be given to (the service checks the chosen area)."""
    area = meeting.area
    roles = [role for role, held in PERMISSIONS.items() if held & set(permissions)]
    assignments = RoleAssignment.objects.active().filter(
        Q(area_id__in=[*area.ancestor_ids, area.pk]) | Q(**{f"{area.level_field}_id": area.pk}),
        role__in=roles,
    )
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by(
        "full_name", "username"
    )
