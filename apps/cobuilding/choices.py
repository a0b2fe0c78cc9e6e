from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgreementState(models.TextChoices):
    """Stored states of a co-building agreement; "expired" is derived from `valid_until`."""

    ACTIVE = "active", _("active")
    TERMINATED = "terminated", _("terminated")


# The state shown for an active agreement past its end; never stored.
EXPIRED = "expired"


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("venue (场地)")
    VOLUNTEERS = "volunteers", _("volunteers (志愿者)")
    FUNDS = "funds", _("funds (资金)")
    EXPERTISE = "expertise", _("expertise (专业服务)")
    GOODS = "goods", _("goods (物资)")
    OTHER = "other", _("other")


class NeedState(models.TextChoices):
    """open → taken (接单) → fulfilled; open or taken → cancelled."""

    OPEN = "open", pgettext_lazy("need state", "open (待接单)")
    TAKEN = "taken", _("taken (已接单)")
    FULFILLED = "fulfilled", _("fulfilled")
    CANCELLED = "cancelled", _("cancelled")


class ProjectStatus(models.TextChoices):
    """planned → underway → completed, forward only."""

    # "planned" alone is a household under a visit plan elsewhere in the interface.
    PLANNED = "planned", pgettext_lazy("joint project status", "planned")
    UNDERWAY = "underway", _("underway")
    COMPLETED = "completed", _("completed")


# The order of the project statuses: a project only moves forward.
PROJECT_ORDER = list(ProjectStatus.values)


class AgreementAction(models.TextChoices):
    CREATED = "created", _("agreement signed")
    RESOURCE_ADDED = "resource_added", _("resource added")
    NEED_ADDED = "need_added", _("need added")
    NEED_TAKEN = "need_taken", _("need taken (接单)")
    NEED_FULFILLED = "need_fulfilled", _("need fulfilled")
    NEED_CANCELLED = "need_cancelled", _("need cancelled")
    PROJECT_ADDED = "project_added", _("project added")
    PROJECT_STATUS = "project_status", _("project status changed")
    EVALUATED = "evaluated", _("evaluation recorded")
    TERMINATED = "terminated", _("agreement terminated")


class Direction(models.TextChoices):
    """Who rates whom in the two-way evaluation (双向评议)."""

    AREA_RATES_UNIT = "area_rates_unit", _("community rates unit (社区评单位)")
    UNIT_RATES_AREA = "unit_rates_area", _("unit rates community (单位评社区)")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent (优秀)")
    GOOD = "good", _("good (良好)")
    FAIR = "fair", _("fair (一般)")
    POOR = "poor", _("poor (较差)")


# The lowest score of each grade, best first.
GRADE_FLOORS: tuple[tuple[int, str], ...] = (
    (90, Grade.EXCELLENT),
    (75, Grade.GOOD),
    (60, Grade.FAIR),
    (0, Grade.POOR),
)


def grade_of(score: float | None) -> str | None:
    """The grade of a score (or of an average score); None for none."""
    if score is None:
        return None
    return next(grade for floor, grade in GRADE_FLOORS if score >= floor)
