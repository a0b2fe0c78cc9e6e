"""Builders of the council tests: meetings, resolutions and follow-ups made through the services."""

import datetime

from django.utils import timezone

from apps.councils.choices import MeetingKind, Outcome
from apps.councils.services import meeting_create, resolution_add, resolution_make_task, topic_add

PEOPLE = [{"name": "王芳", "role": "居民代表"}, {"name": "李强", "role": "物业公司"}]


def a_meeting(city, *, area=None, actor=None, title="小区停车难问题", **fields):
    return meeting_create(
        actor=actor or city.users["community"],
        area=area or city.communities[0],
        kind=fields.pop("kind", MeetingKind.PARTY_MASSES),
        title=title,
        held_at=fields.pop("held_at", timezone.now() - datetime.timedelta(days=1)),
        participants=fields.pop("participants", PEOPLE),
        **fields,
    )


def a_resolution(city, meeting=None, *, text="增设临时停车位。", outcome=Outcome.ADOPTED, topic=True):
    meeting = meeting or a_meeting(city)
    subject = topic_add(actor=None, meeting=meeting, title="夜间停车位不足") if topic else None
    return resolution_add(actor=None, meeting=meeting, text=text, outcome=outcome, topic=subject)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def a_task(city, *, owner=None, area=None, deadline=None, actor=None):
    resolution = a_resolution(city)
    return resolution_make_task(
        actor=actor or city.users["community"],
        resolution=resolution,
        owner=owner or city.users["community"],
        deadline=deadline or in_days(7),
        area=area,
    )
