"""Writes about councils: meetings, their topics and resolutions, and the follow-up of a resolution (a
council task or a case), each one keyword-only, atomic and checked; a task's changes append to its
timeline."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import require, user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.cases.choices import Channel, Urgency
from apps.cases.models import Category
from apps.cases.services import case_report

from .choices import FollowUp, MeetingKind, Outcome, TaskAction, TaskState
from .models import Meeting, Resolution, Task, TaskEvent, Topic
from .reminders import soon_moment

# Councils sit at the levels where residents and units meet: a street, a community or a grid.
MEETING_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID)
# A meeting may be entered ahead as planned, but not further ahead than this.
MAX_DAYS_AHEAD = 90
MAX_PARTICIPANTS = 500


def _check_may_change(*, actor, area: Area) -> None:
    require(actor, "cogov.change", area, _("You may not record councils there."))


def _clean_participants(participants) -> list[dict[str, str]]:
    cleaned = []
    for person in participants or ():
        name = str(person.get("name", "")).strip()[:50]
        role = str(person.get("role", "")).strip()[:100]
        if name:
            cleaned.append({"name": name, "role": role})
    if not cleaned:
        raise ValidationError({"participants": _("Name at least one participant.")})
    if len(cleaned) > MAX_PARTICIPANTS:
        raise ValidationError(
            {"participants": _("A meeting has at most %(count)s participants.") % {"count": MAX_PARTICIPANTS}}
        )
    return cleaned


@transaction.atomic
def meeting_create(
    *,
    actor,
    area: Area,
    kind: str,
    title: str,
    held_at: datetime,
    participants: list[dict],
    place: str = "",
    host: str = "",
    minutes: str = "",
) -> Meeting:
    """Record a council meeting held (or planned) for a street, community or grid."""
    _check_may_change(actor=actor, area=area)
    errors = {}
    if area.level not in MEETING_LEVELS:
        errors["area"] = _("Councils meet for a street, a community or a grid.")
    elif not area.is_active:
        errors["area"] = _("This area has been retired.")
    if kind not in MeetingKind.values:
        errors["kind"] = _("Unknown kind of meeting.")
    if not title.strip():
        errors["title"] = _("Give the meeting a title.")
    if held_at > timezone.now() + timedelta(days=MAX_DAYS_AHEAD):
        errors["held_at"] = _("A meeting can be entered at most %(days)s days ahead.") % {
            "days": MAX_DAYS_AHEAD
        }
    try:
        participants = _clean_participants(participants)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        area=area,
        kind=kind,
        title=title.strip(),
        held_at=held_at,
        place=place.strip(),
        host=host.strip(),
        participants=participants,
        minutes=minutes.strip(),
        created_by=actor,
    )
    meeting.area = place_row(meeting, area)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def topic_add(*, actor, meeting: Meeting, title: str, description: str = "", raised_by: str = "") -> Topic:
    _check_may_change(actor=actor, area=meeting.area)
    if not title.strip():
        raise ValidationError({"title": _("Give the topic a title.")})
    topic = Topic(
        meeting=meeting, title=title.strip(), description=description.strip(), raised_by=raised_by.strip()
    )
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def resolution_add(
    *, actor, meeting: Meeting, text: str, outcome: str = Outcome.ADOPTED, topic: Topic | None = None
) -> Resolution:
    _check_may_change(actor=actor, area=meeting.area)
    errors = {}
    if not text.strip():
        errors["text"] = _("Write down what was resolved.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Unknown outcome.")
    if topic is not None and topic.meeting_id != meeting.pk:
        errors["topic"] = _("The topic must be one of this meeting's.")
    if errors:
        raise ValidationError(errors)
    resolution = Resolution(meeting=meeting, topic=topic, text=text.strip(), outcome=outcome)
    resolution.full_clean()
    resolution.save()
    return resolution


def _lock_resolution(resolution: Resolution) -> Resolution:
    """The resolution as it is now, locked: of two follow-ups made at once, the second waits here and
    then finds the first."""
    return (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("meeting__area", "topic")
        .get(pk=resolution.pk)
    )


def _follow_up_area(meeting: Meeting, area: Area | None) -> Area:
    """The meeting's area, or an area below it."""
    if area is None:
        return meeting.area
    if area.pk != meeting.area_id and meeting.area_id not in area.ancestor_ids:
        raise ValidationError({"area": _("The follow-up must lie in the meeting's area or below it.")})
    if not area.is_active:
        raise ValidationError({"area": _("This area has been retired.")})
    return area


def _check_follow_up(
    *, resolution: Resolution, owner, deadline: date | None, area: Area, owner_may: tuple[str, ...]
) -> None:
    """A resolution gets one follow-up, only when adopted, with an owner who sees the area (holds one of
    `owner_may` there) and a deadline that is not past."""
    if resolution.follow_up != FollowUp.NONE:
        raise ValidationError(
            _("This resolution already has a follow-up (%(kind)s).")
            % {"kind": resolution.get_follow_up_display()}
        )
    if resolution.outcome != Outcome.ADOPTED:
        raise ValidationError(_("Only an adopted resolution is followed up."))
    errors = {}
    if owner is None:
        errors["owner"] = _("Name the owner who answers for the follow-up.")
    elif not owner.is_active or not any(user_scope(owner).holds(p, area) for p in owner_may):
        errors["owner"] = _("The owner must be someone who can see this area's councils.")
    if deadline is None:
        errors["deadline"] = _("Set a deadline.")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)


def _record(task: Task, *, action: str, actor, from_state: str = "", note: str = "", data=None) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=task.state,
        note=note,
        data=data or {},
    )


@transaction.atomic
def resolution_make_task(
    *,
    actor,
    resolution: Resolution,
    owner,
    deadline: date | None,
    title: str = "",
    description: str = "",
    area: Area | None = None,
) -> Task:
    """Turn an adopted resolution into a council task with an owner and a deadline."""
    resolution = _lock_resolution(resolution)
    meeting = resolution.meeting
    _check_may_change(actor=actor, area=meeting.area)
    area = _follow_up_area(meeting, area)
    # The owner follows the task on the council pages.
    _check_follow_up(
        resolution=resolution, owner=owner, deadline=deadline, area=area, owner_may=("cogov.view",)
    )
    title = title.strip() or (resolution.topic.title if resolution.topic else resolution.text[:150])
    task = Task(
        resolution=resolution,
        area=area,
        title=title[:150],
        description=description.strip() or resolution.text,
        owner=owner,
        deadline=deadline,
        created_by=actor,
        remind_at=soon_moment(deadline),
    )
    task.area = place_row(task, area)
    task.full_clean()
    task.save()
    resolution.follow_up = FollowUp.TASK
    resolution.follow_up_by = actor
    resolution.follow_up_at = timezone.now()
    resolution.save(update_fields=["follow_up", "follow_up_by", "follow_up_at"])
    _record(
        task,
        action=TaskAction.CREATE,
        actor=actor,
        data={"owner": owner.pk, "deadline": deadline.isoformat(), "resolution": resolution.pk},
    )
    return task


def _case_description(resolution: Resolution) -> str:
    meeting = resolution.meeting
    held = timezone.localtime(meeting.held_at)
    lines = [
        resolution.text,
        "",
        _("Resolved by %(kind)s “%(title)s” on %(day)s.")
        % {"kind": meeting.get_kind_display(), "title": meeting.title, "day": f"{held:%Y-%m-%d}"},
    ]
    if resolution.topic:
        lines.append(_("Topic: %(title)s") % {"title": resolution.topic.title})
    return "\n".join(lines)[:4000]


@transaction.atomic
def resolution_make_case(
    *,
    actor,
    resolution: Resolution,
    category: Category | None,
    owner,
    deadline: date | None,
    title: str = "",
    area: Area | None = None,
    urgency: str = Urgency.NORMAL,
):
    """Report an adopted resolution as a case (channel "council"), kept on the resolution with the
    council's owner and expected date, so that the council follows the case to its end. The case is
    reported with the idempotency key of the resolution: a retry never reports a second."""
    resolution = _lock_resolution(resolution)
    meeting = resolution.meeting
    _check_may_change(actor=actor, area=meeting.area)
    area = _follow_up_area(meeting, area)
    # The owner follows the case on the council pages or on the case pages.
    _check_follow_up(
        resolution=resolution,
        owner=owner,
        deadline=deadline,
        area=area,
        owner_may=("cogov.view", "case.view"),
    )
    if category is None:
        raise ValidationError({"category": _("Choose the category of the case.")})
    require(
        actor,
        "case.report",
        area,
        {"area": _("You may not report cases in this area, so the resolution cannot become a case here.")},
    )
    title = title.strip() or (resolution.topic.title if resolution.topic else resolution.text)
    case, _created = case_report(
        actor=actor,
        channel=Channel.COUNCIL,
        category=category,
        area=area,
        title=title[:100],
        description=_case_description(resolution),
        urgency=urgency,
        reporter_name=(meeting.host or meeting.get_kind_display())[:50],
        idempotency_key=f"resolution-{resolution.pk}",
    )
    resolution.follow_up = FollowUp.CASE
    resolution.case = case
    resolution.case_owner = owner
    resolution.case_deadline = deadline
    resolution.follow_up_by = actor
    resolution.follow_up_at = timezone.now()
    resolution.save(
        update_fields=["follow_up", "case", "case_owner", "case_deadline", "follow_up_by", "follow_up_at"]
    )
    return case


def _lock_task(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("area").get(pk=task.pk)


def _check_open(task: Task) -> None:
    if task.state != TaskState.OPEN:
        raise ValidationError(_("This task is already %(state)s.") % {"state": task.get_state_display()})


@transaction.atomic
def task_complete(*, actor, task: Task, report: str) -> Task:
    """The owner (or someone who may change the area's councils) marks the task done with a report."""
    task = _lock_task(task)
    if actor is not None and actor.pk != task.owner_id:
        require(actor, "cogov.change", task.area, _("Only the owner or the area's staff may do this."))
    _check_open(task)
    if not report.strip():
        raise ValidationError({"report": _("Report what was done.")})
    task.state = TaskState.DONE
    task.report = report.strip()
    task.done_at = timezone.now()
    task.remind_at = None
    task.save(update_fields=["state", "report", "done_at", "remind_at"])
    _record(task, action=TaskAction.COMPLETE, actor=actor, from_state=TaskState.OPEN, note=task.report)
    return task


@transaction.atomic
def task_cancel(*, actor, task: Task, reason: str) -> Task:
    task = _lock_task(task)
    require(actor, "cogov.change", task.area, _("Only the area's staff may cancel a council task."))
    _check_open(task)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    task.state = TaskState.CANCELLED
    task.cancel_reason = reason.strip()[:500]
    task.cancelled_at = timezone.now()
    task.remind_at = None
    task.save(update_fields=["state", "cancel_reason", "cancelled_at", "remind_at"])
    _record(task, action=TaskAction.CANCEL, actor=actor, from_state=TaskState.OPEN, note=task.cancel_reason)
    return task
