"""Project actions under 四定两评: one function per action, each atomic, each checking access and the
project's state under its row lock, and appending to the project's timeline."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import require, user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.core.db import save_or_refuse
from apps.party.models import PartyOrganisation

from .choices import EvaluationBy, ProjectAction, ProjectKind, ProjectState
from .models import Milestone, Project, ProjectEvaluation, ProjectEvent

# Projects belong to a street, a community or a grid (a district's are the streets'; a building is too small).
PROJECT_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID)


def overdue_from(day: datetime.date) -> datetime.datetime:
    """The moment a date has passed: the start of the next day in the installation's time zone."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


def record(
    project: Project,
    *,
    action: str,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> ProjectEvent:
    """The one writer of project timelines."""
    return ProjectEvent.objects.create(
        project=project,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
        created_at=timezone.now(),
    )


def _check_may_change(actor, area: Area) -> None:
    require(actor, "cogov.change", area, _("You may not change projects there."))


def lock(project: Project) -> Project:
    """The project as the database holds it now, locked until the transaction ends: of two people acting
    on one project at once, the second waits here and then finds it already moved on."""
    return Project.objects.select_for_update(of=("self",)).select_related("area").get(pk=project.pk)


def _check_state(project: Project, *states: str, message: str) -> None:
    if project.state not in states:
        raise ValidationError({"state": message})


def _fixes_errors(
    *, area: Area, owner, deadline, content: str, measures: str, title: str, organisation, budget
) -> dict:
    """The errors of the four fixes and what goes with them (an empty dict when all is well)."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the project a title.")
    if not content.strip():
        errors["content"] = _("Fix the content of the project (定内容).")
    if not measures.strip():
        errors["measures"] = _("Fix the measures of the project (定措施).")
    if owner is None:
        errors["owner"] = _("Fix the owner of the project (定责任人).")
    elif not owner.is_active or not user_scope(owner).holds("cogov.view", area):
        errors["owner"] = _("The owner must hold a role in the project's area or above it.")
    if deadline is None:
        errors["deadline"] = _("Fix the deadline of the project (定时限).")
    if organisation is not None and not (
        organisation.area_id in [*area.ancestor_ids, area.pk]
        or getattr(organisation, f"{area.level_field}_id") == area.pk
    ):
        errors["organisation"] = _("The organisation must be bound to the project's area, above or below it.")
    if budget is not None and Decimal(budget) < 0:
        errors["budget"] = _("The budget cannot be negative.")
    return errors


@transaction.atomic
def project_create(
    *,
    actor,
    area: Area | None,
    kind: str,
    title: str,
    content: str,
    owner,
    deadline: datetime.date | None,
    measures: str,
    organisation: PartyOrganisation | None = None,
    budget: Decimal | None = None,
) -> Project:
    """A project with its four fixes: content, owner, deadline and measures, all required."""
    if area is None:
        raise ValidationError({"area": _("Choose the area of the project.")})
    _check_may_change(actor, area)
    errors = _fixes_errors(
        area=area,
        owner=owner,
        deadline=deadline,
        content=content,
        measures=measures,
        title=title,
        organisation=organisation,
        budget=budget,
    )
    if area.level not in PROJECT_LEVELS:
        errors["area"] = _("A project belongs to a street, a community or a grid.")
    if kind not in ProjectKind.values:
        errors["kind"] = _("Choose the kind of project.")
    if deadline is not None and deadline < timezone.localdate():
        errors.setdefault("deadline", _("The deadline cannot be in the past."))
    if errors:
        raise ValidationError(errors)
    project = Project(
        area=area,
        kind=kind,
        title=title.strip(),
        content=content.strip(),
        owner=owner,
        organisation=organisation,
        deadline=deadline,
        measures=measures.strip(),
        budget=budget,
        created_by=actor,
        created_at=timezone.now(),
        remind_at=overdue_from(deadline),
    )
    project.area = place_row(project, area)
    project.full_clean()
    project.save()
    record(project, action=ProjectAction.CREATE, actor=actor, to_state=project.state)
    return project


UPDATABLE = ("kind", "title", "content", "owner", "organisation", "deadline", "measures", "budget")


@transaction.atomic
def project_update(*, actor, project: Project, **changes) -> Project:
    """Change the fixes of an underway project; the timeline records which fields changed."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    project = lock(project)
    _check_may_change(actor, project.area)
    _check_state(project, ProjectState.UNDERWAY, message=_("Only an underway project can be changed."))
    merged = {name: changes.get(name, getattr(project, name)) for name in UPDATABLE}
    errors = _fixes_errors(
        area=project.area,
        owner=merged["owner"],
        deadline=merged["deadline"],
        content=merged["content"] or "",
        measures=merged["measures"] or "",
        title=merged["title"] or "",
        organisation=merged["organisation"],
        budget=merged["budget"],
    )
    if merged["kind"] not in ProjectKind.values:
        errors["kind"] = _("Choose the kind of project.")
    deadline = merged["deadline"]
    if deadline is not None and deadline != project.deadline:
        if deadline < timezone.localdate():
            errors.setdefault("deadline", _("The deadline cannot be in the past."))
        latest = project.milestones.order_by("-due_on").values_list("due_on", flat=True).first()
        if latest is not None and deadline < latest:
            errors.setdefault("deadline", _("The deadline cannot come before a milestone's due date."))
    if errors:
        raise ValidationError(errors)
    changed = [name for name in UPDATABLE if merged[name] != getattr(project, name)]
    if not changed:
        return project
    for name in changed:
        value = merged[name]
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    if "deadline" in changed:
        project.remind_at = overdue_from(project.deadline)
    project.full_clean()
    project.save()
    record(project, action=ProjectAction.UPDATE, actor=actor, data={"fields": changed})
    return project


@transaction.atomic
def milestone_add(
    *, actor, project: Project, title: str, due_on: datetime.date | None, note: str = ""
) -> Milestone:
    """A milestone of an underway project, due no later than the project's deadline. A due date already
    past is accepted (a plan entered after the fact) and reminds at the next sweep."""
    project = lock(project)
    _check_may_change(actor, project.area)
    _check_state(project, ProjectState.UNDERWAY, message=_("Milestones are added to underway projects only."))
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the milestone a title.")
    if due_on is None:
        errors["due_on"] = _("Give the milestone a due date.")
    elif due_on > project.deadline:
        errors["due_on"] = _("A milestone cannot be due after the project's deadline.")
    if errors:
        raise ValidationError(errors)
    milestone = Milestone(
        project=project,
        area=project.area,
        title=title.strip(),
        due_on=due_on,
        note=note.strip(),
        remind_at=overdue_from(due_on),
    )
    milestone.copy_ancestors(project.area)
    milestone.full_clean()
    milestone.save()
    record(
        project,
        action=ProjectAction.MILESTONE_ADD,
        actor=actor,
        data={"milestone": milestone.pk, "title": milestone.title, "due_on": due_on.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_complete(*, actor, milestone: Milestone, note: str = "") -> Milestone:
    """Mark a milestone done: staff holding cogov.change at the project's area, or the project's owner."""
    project = lock(milestone.project)
    if actor is not None and actor.pk != project.owner_id:
        require(actor, "cogov.change", project.area, _("Only the owner or the area's staff may do this."))
    _check_state(project, ProjectState.UNDERWAY, message=_("The project is no longer underway."))
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_at is not None:
        raise ValidationError({"milestone": _("This milestone is already done.")})
    milestone.done_at = timezone.now()
    milestone.done_by = actor
    if note.strip():
        milestone.note = f"{milestone.note}\n{note.strip()}".strip()
    milestone.remind_at = None
    milestone.save(update_fields=["done_at", "done_by", "note", "remind_at"])
    record(
        project,
        action=ProjectAction.MILESTONE_COMPLETE,
        actor=actor,
        note=note.strip(),
        data={"milestone": milestone.pk, "title": milestone.title, "late": milestone_was_late(milestone)},
    )
    return milestone


def milestone_was_late(milestone: Milestone) -> bool:
    return milestone.done_at is not None and milestone.done_at >= overdue_from(milestone.due_on)


@transaction.atomic
def project_complete(*, actor, project: Project, summary: str) -> Project:
    """Complete an underway project whose milestones are all done; it then awaits its two evaluations."""
    project = lock(project)
    _check_may_change(actor, project.area)
    _check_state(project, ProjectState.UNDERWAY, message=_("Only an underway project can be completed."))
    if not summary.strip():
        raise ValidationError({"summary": _("Summarise what the project achieved.")})
    still_open = list(project.milestones.filter(done_at__isnull=True).values_list("title", flat=True))
    if still_open:
        raise ValidationError(
            {
                "milestones": _("These milestones are not done yet: %(titles)s.")
                % {"titles": ", ".join(still_open)}
            }
        )
    source = project.state
    project.state = ProjectState.COMPLETED
    project.completion_summary = summary.strip()
    project.completed_at = timezone.now()
    project.remind_at = None
    project.save(update_fields=["state", "completion_summary", "completed_at", "remind_at"])
    record(
        project,
        action=ProjectAction.COMPLETE,
        actor=actor,
        from_state=source,
        to_state=project.state,
        note=project.completion_summary,
        data={"late": project.completed_at >= overdue_from(project.deadline)},
    )
    return project


@transaction.atomic
def project_cancel(*, actor, project: Project, reason: str) -> Project:
    """Cancel an underway project, with the reason; its open milestones stop reminding."""
    project = lock(project)
    _check_may_change(actor, project.area)
    _check_state(project, ProjectState.UNDERWAY, message=_("Only an underway project can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    source = project.state
    project.state = ProjectState.CANCELLED
    project.cancel_reason = reason.strip()
    project.remind_at = None
    project.save(update_fields=["state", "cancel_reason", "remind_at"])
    project.milestones.filter(remind_at__isnull=False).update(remind_at=None)
    record(
        project,
        action=ProjectAction.CANCEL,
        actor=actor,
        from_state=source,
        to_state=project.state,
        note=project.cancel_reason,
    )
    return project


@transaction.atomic
def project_evaluate(
    *,
    actor,
    project: Project,
    by: str,
    score: int | None,
    participants: int | None = None,
    comment: str = "",
) -> ProjectEvaluation:
    """Record one of the two evaluations of a completed project; with both, the project is evaluated."""
    project = lock(project)
    _check_may_change(actor, project.area)
    if project.state == ProjectState.EVALUATED:
        raise ValidationError({"by": _("This project has been evaluated both ways already.")})
    _check_state(project, ProjectState.COMPLETED, message=_("Only a completed project can be evaluated."))
    errors = {}
    if by not in EvaluationBy.values:
        errors["by"] = _("Choose who evaluates: the residents or the party organisation.")
    elif project.evaluations.filter(by=by).exists():
        errors["by"] = _("This evaluation has been recorded already.")
    if score is None or not 0 <= score <= 100:
        errors["score"] = _("The score runs from 0 to 100.")
    if by == EvaluationBy.RESIDENTS and (participants is None or participants < 1):
        errors["participants"] = _("Give how many residents took part.")
    if errors:
        raise ValidationError(errors)
    evaluation = ProjectEvaluation(
        project=project,
        by=by,
        score=score,
        participants=participants if by == EvaluationBy.RESIDENTS else None,
        comment=comment.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    evaluation.full_clean(validate_constraints=False)
    save_or_refuse(evaluation, {"by": _("This evaluation has been recorded already.")})
    source = project.state
    if project.evaluations.count() == len(EvaluationBy.values):
        project.state = ProjectState.EVALUATED
        project.evaluated_at = evaluation.recorded_at
        project.save(update_fields=["state", "evaluated_at"])
    record(
        project,
        action=ProjectAction.EVALUATE,
        actor=actor,
        from_state=source,
        to_state=project.state if project.state != source else "",
        note=evaluation.comment,
        data={
            "by": by,
            "score": score,
            "grade": evaluation.grade,
            "participants": evaluation.participants,
        },
    )
    return evaluation
