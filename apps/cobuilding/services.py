"""Writes of co-building (共建): agreements and their three lists, taking needs (接单), and the two-way
evaluation (双向评议). One function per business action; each is atomic, checks access at the area of the
agreement or round, changes nothing on bad input and appends to the agreement's timeline.

Partner units have no accounts: staff holding "cogov.change" where the agreement lies record what a unit
does (takes a need, rates its community) on its behalf.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import require
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.core.db import save_or_refuse
from apps.party.models import PartnerUnit

from .choices import PROJECT_ORDER, AgreementAction, AgreementState, NeedState, ProjectStatus
from .models import (
    SCORE_MAX,
    Agreement,
    AgreementEvent,
    Evaluation,
    EvaluationRound,
    JointProject,
    Need,
    Resource,
    today,
)

AGREEMENT_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY)
ROUND_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET)
# An open need reminds this many days before it is needed, and again on the day.
REMIND_DAYS_BEFORE = 3
REMIND_HOUR = 9


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_may_change(actor, area: Area) -> None:
    require(
        actor,
        "cogov.change",
        area,
        ValidationError(_("You may not change co-building there."), code="forbidden"),
    )


def record(
    agreement: Agreement,
    *,
    action: str,
    actor,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> AgreementEvent:
    """Append one entry to the agreement's timeline."""
    return AgreementEvent.objects.create(
        agreement=agreement,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def _lock_agreement(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update(of=("self",)).select_related("area").get(pk=agreement.pk)


def _check_in_force(agreement: Agreement) -> None:
    if agreement.state != AgreementState.ACTIVE:
        raise _refuse("agreement", _("The agreement has been terminated."), "terminated")
    if agreement.is_expired:
        raise _refuse(
            "agreement",
            _("The agreement expired on %(date)s.") % {"date": agreement.valid_until.isoformat()},
            "expired",
        )


@transaction.atomic
def agreement_create(
    *,
    actor,
    area: Area,
    partner_unit: PartnerUnit,
    title: str,
    signed_on: datetime.date,
    valid_from: datetime.date,
    valid_until: datetime.date,
    content: str = "",
) -> Agreement:
    """A co-building agreement (共建协议) of a street or community with a partner unit of its district."""
    if area.level not in AGREEMENT_LEVELS:
        raise _refuse("area", _("Agreements are signed by a street or a community."), "level")
    _check_may_change(actor, area)
    if partner_unit.district_id != area.district_id:
        raise _refuse(
            "partner_unit", _("The partner unit must be resident in the same district."), "district"
        )
    if valid_until < valid_from:
        raise _refuse("valid_until", _("The agreement cannot end before it starts."), "period")
    duplicate = _("This partner unit already has an active agreement with this area.")
    if Agreement.objects.filter(area=area, partner_unit=partner_unit, state=AgreementState.ACTIVE).exists():
        raise _refuse("partner_unit", duplicate, "duplicate")
    agreement = Agreement(
        area=area,
        partner_unit=partner_unit,
        title=title,
        content=content,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor,
    )
    agreement.area = place_row(agreement, area)
    agreement.full_clean(validate_constraints=False)
    save_or_refuse(agreement, {"partner_unit": duplicate})
    record(agreement, action=AgreementAction.CREATED, actor=actor, to_state=agreement.state)
    return agreement


@transaction.atomic
def agreement_terminate(*, actor, agreement: Agreement, reason: str) -> Agreement:
    """End an active agreement early; its lists stay as they are, and no need of it can be taken."""
    _check_may_change(actor, agreement.area)
    agreement = _lock_agreement(agreement)
    if agreement.state != AgreementState.ACTIVE:
        raise _refuse("agreement", _("The agreement has been terminated already."), "terminated")
    if not reason.strip():
        raise _refuse("reason", _("Give the reason for ending the agreement."), "required")
    source = agreement.state
    agreement.state = AgreementState.TERMINATED
    agreement.terminated_at = timezone.now()
    agreement.save(update_fields=["state", "terminated_at"])
    record(
        agreement,
        action=AgreementAction.TERMINATED,
        actor=actor,
        from_state=source,
        to_state=agreement.state,
        note=reason.strip(),
    )
    return agreement


def _item(agreement: Agreement, row, *, actor, action: str):
    """Place a new list row where its agreement is, save it and record it on the timeline."""
    row.agreement = agreement
    row.area = place_row(row, agreement.area)
    row.full_clean()
    row.save()
    record(agreement, action=action, actor=actor, data={"id": row.pk, "title": row.title})
    return row


@transaction.atomic
def resource_add(
    *, actor, agreement: Agreement, title: str, kind: str, description: str = "", quantity: str = ""
) -> Resource:
    """A resource the unit offers (资源清单)."""
    _check_may_change(actor, agreement.area)
    agreement = _lock_agreement(agreement)
    _check_in_force(agreement)
    row = Resource(title=title, kind=kind, description=description, quantity=quantity)
    return _item(agreement, row, actor=actor, action=AgreementAction.RESOURCE_ADDED)


def _reminder_times(needed_by: datetime.date | None) -> list[datetime.datetime]:
    """When an open need reminds: some days before it is needed and on the day, in the morning."""
    if needed_by is None or needed_by < today():
        # A date already past reminds no one (and is never stepped back from, near date.min).
        return []
    zone = timezone.get_default_timezone()
    days = [needed_by - datetime.timedelta(days=REMIND_DAYS_BEFORE), needed_by]
    return [datetime.datetime.combine(day, datetime.time(REMIND_HOUR), tzinfo=zone) for day in days]


def next_reminder(needed_by: datetime.date | None, after: datetime.datetime) -> datetime.datetime | None:
    return next((moment for moment in _reminder_times(needed_by) if moment > after), None)


@transaction.atomic
def need_add(
    *,
    actor,
    agreement: Agreement,
    title: str,
    description: str = "",
    needed_by: datetime.date | None = None,
) -> Need:
    """A need of the community or street (需求清单), open for a unit to take."""
    _check_may_change(actor, agreement.area)
    agreement = _lock_agreement(agreement)
    _check_in_force(agreement)
    row = Need(
        title=title,
        description=description,
        needed_by=needed_by,
        remind_at=next_reminder(needed_by, timezone.now()),
    )
    return _item(agreement, row, actor=actor, action=AgreementAction.NEED_ADDED)


def _lock_need(need: Need) -> Need:
    return Need.objects.select_for_update(of=("self",)).select_related("agreement", "area").get(pk=need.pk)


@transaction.atomic
def need_take(*, actor, need: Need, partner_unit: PartnerUnit) -> Need:
    """A unit takes a need (接单): the agreement's own unit, or another unit holding an agreement in force
    with the same area. Of two takes at once, the second finds the need taken."""
    _check_may_change(actor, need.area)
    need = _lock_need(need)
    if need.state != NeedState.OPEN:
        raise _refuse(
            "need",
            _("This need is %(state)s; only an open need can be taken.")
            % {"state": need.get_state_display()},
            "not_open",
        )
    _check_in_force(need.agreement)
    if partner_unit.pk != need.agreement.partner_unit_id and not any(
        agreement.in_force
        for agreement in Agreement.objects.filter(
            area_id=need.area_id, partner_unit=partner_unit, state=AgreementState.ACTIVE
        )
    ):
        raise _refuse(
            "partner_unit",
            _("Only a unit with a co-building agreement in force with this area can take its needs."),
            "no_agreement",
        )
    source = need.state
    need.state = NeedState.TAKEN
    need.taken_by = partner_unit
    need.taken_at = timezone.now()
    need.taken_by_user = actor
    need.remind_at = None
    need.save(update_fields=["state", "taken_by", "taken_at", "taken_by_user", "remind_at"])
    record(
        need.agreement,
        action=AgreementAction.NEED_TAKEN,
        actor=actor,
        from_state=source,
        to_state=need.state,
        data={"id": need.pk, "title": need.title, "partner_unit": partner_unit.pk, "unit": partner_unit.name},
    )
    return need


@transaction.atomic
def need_fulfil(*, actor, need: Need, note: str) -> Need:
    """Record that the unit that took the need has fulfilled it."""
    _check_may_change(actor, need.area)
    need = _lock_need(need)
    if need.state != NeedState.TAKEN:
        raise _refuse("need", _("Only a taken need can be fulfilled."), "not_taken")
    if not note.strip():
        raise _refuse("note", _("Say what was done."), "required")
    source = need.state
    need.state = NeedState.FULFILLED
    need.fulfilled_at = timezone.now()
    need.fulfilment_note = note.strip()
    need.save(update_fields=["state", "fulfilled_at", "fulfilment_note"])
    record(
        need.agreement,
        action=AgreementAction.NEED_FULFILLED,
        actor=actor,
        from_state=source,
        to_state=need.state,
        note=need.fulfilment_note,
        data={"id": need.pk, "title": need.title},
    )
    return need


@transaction.atomic
def need_cancel(*, actor, need: Need, reason: str) -> Need:
    """Withdraw a need that is open or taken but not yet fulfilled."""
    _check_may_change(actor, need.area)
    need = _lock_need(need)
    if need.state not in (NeedState.OPEN, NeedState.TAKEN):
        raise _refuse("need", _("Only an open or taken need can be cancelled."), "closed")
    if not reason.strip():
        raise _refuse("reason", _("Give the reason for cancelling the need."), "required")
    source = need.state
    need.state = NeedState.CANCELLED
    need.remind_at = None
    need.save(update_fields=["state", "remind_at"])
    record(
        need.agreement,
        action=AgreementAction.NEED_CANCELLED,
        actor=actor,
        from_state=source,
        to_state=need.state,
        note=reason.strip(),
        data={"id": need.pk, "title": need.title},
    )
    return need


@transaction.atomic
def project_add(
    *,
    actor,
    agreement: Agreement,
    title: str,
    description: str = "",
    planned_on: datetime.date | None = None,
) -> JointProject:
    """A project the two sides agree on (项目清单)."""
    _check_may_change(actor, agreement.area)
    agreement = _lock_agreement(agreement)
    _check_in_force(agreement)
    row = JointProject(title=title, description=description, planned_on=planned_on)
    return _item(agreement, row, actor=actor, action=AgreementAction.PROJECT_ADDED)


@transaction.atomic
def project_set_status(*, actor, project: JointProject, status: str, note: str = "") -> JointProject:
    """Move a joint project forward: planned → underway → completed."""
    _check_may_change(actor, project.area)
    project = (
        JointProject.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=project.pk)
    )
    if status not in PROJECT_ORDER:
        raise _refuse("status", _("Choose a valid status."), "invalid")
    if PROJECT_ORDER.index(status) <= PROJECT_ORDER.index(project.status):
        raise _refuse(
            "status",
            _("A %(status)s project can only move forward.") % {"status": project.get_status_display()},
            "backwards",
        )
    source = project.status
    project.status = status
    fields = ["status"]
    if status == ProjectStatus.COMPLETED:
        project.completed_at = timezone.now()
        project.completion_note = note.strip()
        fields += ["completed_at", "completion_note"]
    project.save(update_fields=fields)
    record(
        project.agreement,
        action=AgreementAction.PROJECT_STATUS,
        actor=actor,
        from_state=source,
        to_state=status,
        note=note.strip(),
        data={"id": project.pk, "title": project.title},
    )
    return project


@transaction.atomic
def round_create(
    *, actor, area: Area, year: int, opens_on: datetime.date, closes_on: datetime.date
) -> EvaluationRound:
    """The two-way evaluation of one year in a street or district, open from `opens_on` to `closes_on`."""
    if area.level not in ROUND_LEVELS:
        raise _refuse("area", _("Evaluation rounds are held by a street or a district."), "level")
    _check_may_change(actor, area)
    if closes_on < opens_on:
        raise _refuse("closes_on", _("The window cannot close before it opens."), "window")
    duplicate = _("This area already has an evaluation round for %(year)s.") % {"year": year}
    if EvaluationRound.objects.filter(area=area, year=year).exists():
        raise _refuse("year", duplicate, "duplicate")
    evaluation_round = EvaluationRound(
        area=area, year=year, opens_on=opens_on, closes_on=closes_on, created_by=actor
    )
    evaluation_round.area = place_row(evaluation_round, area)
    evaluation_round.full_clean(validate_constraints=False)
    save_or_refuse(evaluation_round, {"year": duplicate})
    return evaluation_round


@transaction.atomic
def evaluation_record(
    *,
    actor,
    evaluation_round: EvaluationRound,
    agreement: Agreement,
    direction: str,
    score: int,
    comment: str = "",
) -> Evaluation:
    """One score of the two-way evaluation (双向评议), recorded by the staff of the agreement's area for
    either side, inside the round's window (today, in Asia/Shanghai)."""
    _check_may_change(actor, agreement.area)
    now = today()
    if not evaluation_round.opens_on <= now <= evaluation_round.closes_on:
        raise _refuse(
            "round",
            _("The evaluation of %(year)s is open from %(opens)s to %(closes)s; today is %(today)s.")
            % {
                "year": evaluation_round.year,
                "opens": evaluation_round.opens_on.isoformat(),
                "closes": evaluation_round.closes_on.isoformat(),
                "today": now.isoformat(),
            },
            "outside_window",
        )
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= SCORE_MAX:
        raise _refuse("score", _("The score is a whole number from 0 to 100."), "score_range")
    round_area = evaluation_round.area
    if getattr(agreement, f"{round_area.level_field}_id") != round_area.pk:
        raise _refuse("agreement", _("The agreement does not lie in the round's area."), "outside_area")
    if not agreement.valid_from.year <= evaluation_round.year <= agreement.valid_until.year:
        raise _refuse("agreement", _("The agreement was not in force in the year evaluated."), "outside_year")
    duplicate = _("This side of the agreement has already been evaluated in this round.")
    if Evaluation.objects.filter(round=evaluation_round, agreement=agreement, direction=direction).exists():
        raise _refuse("direction", duplicate, "duplicate")
    evaluation = Evaluation(
        round=evaluation_round,
        agreement=agreement,
        direction=direction,
        score=score,
        comment=comment,
        recorded_by=actor,
    )
    evaluation.area = place_row(evaluation, agreement.area)
    evaluation.full_clean(validate_constraints=False)
    save_or_refuse(evaluation, {"direction": duplicate})
    record(
        agreement,
        action=AgreementAction.EVALUATED,
        actor=actor,
        note=comment,
        data={
            "round": evaluation_round.pk,
            "year": evaluation_round.year,
            "direction": direction,
            "score": score,
        },
    )
    return evaluation
