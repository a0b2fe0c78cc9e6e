"""Reads of projects in a user's scope, with what the list and the detail show."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import RoleAssignment, User
from apps.accounts.scope import VIEW, user_scope
from apps.areas.models import Area

from .choices import ProjectState
from .models import Milestone, Project


def _milestone_count(condition: Q | None = None) -> Coalesce:
    rows = Milestone.objects.filter(project=OuterRef("pk"))
    if condition is not None:
        rows = rows.filter(condition)
    counted = rows.order_by().values("project").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def overdue_condition(today=None) -> Q:
    """Underway projects past their deadline, or with a milestone past its due date and not done."""
    today = today or timezone.localdate()
    late_milestone = Milestone.objects.filter(project=OuterRef("pk"), done_at__isnull=True, due_on__lt=today)
    return Q(state=ProjectState.UNDERWAY) & (Q(deadline__lt=today) | Exists(late_milestone))


def project_list(user) -> QuerySet[Project]:
    """The projects the user sees, with the progress (milestones done of total) and overdue figures."""
    today = timezone.localdate()
    return (
        Project.objects.restrict(user, VIEW)
        .select_related("area", "owner", "organisation")
        .annotate(
            milestone_total=_milestone_count(),
            milestone_done=_milestone_count(Q(done_at__isnull=False)),
            milestones_overdue=_milestone_count(Q(done_at__isnull=True, due_on__lt=today)),
        )
    )


def filter_projects(
    projects: QuerySet[Project],
    *,
    user,
    q: str = "",
    kind: str = "",
    state: str = "",
    overdue: bool = False,
    mine: bool = False,
) -> QuerySet[Project]:
    """The filters the list page and the API share."""
    if q := q.strip():
        projects = projects.filter(Q(title__icontains=q) | Q(content__icontains=q) | Q(measures__icontains=q))
    if kind:
        projects = projects.filter(kind=kind)
    if state:
        projects = projects.filter(state=state)
    if overdue:
        projects = projects.filter(overdue_condition())
    if mine:
        projects = projects.filter(owner=user)
    return projects


def owner_candidates(user) -> QuerySet[User]:
    """Who may be made an owner: the people holding a role in an area the user sees, or above it (the
    service checks that the chosen one holds a role for the project's own area)."""
    visible = Area.objects.restrict(user, VIEW)
    above = user_scope(user).ancestors("cogov.view")
    assignments = RoleAssignment.objects.active().filter(Q(area__in=visible) | Q(area_id__in=above))
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by("username")
