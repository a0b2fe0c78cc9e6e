"""Time limits in words, for the whistle form and the department inbox."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.workcalendar.choices import Clock
from apps.workcalendar.clock import minutes_per_working_day

from .models import SlaPolicy


def limit_text(minutes: int, clock: str) -> str:
    """ "30 minutes around the clock", "2 working days", "4 working hours" …"""
    if clock == Clock.WORKING:
        per_day = minutes_per_working_day()
        if minutes % per_day == 0:
            days = minutes // per_day
            return ngettext("%(count)d working day", "%(count)d working days", days) % {"count": days}
        if minutes % 60 == 0:
            hours = minutes // 60
            return ngettext("%(count)d working hour", "%(count)d working hours", hours) % {"count": hours}
        return _("%(hours)s working hours") % {"hours": f"{minutes / 60:.1f}"}
    if minutes % 60:
        return ngettext(
            "%(count)d minute around the clock", "%(count)d minutes around the clock", minutes
        ) % {"count": minutes}
    hours = minutes // 60
    return ngettext("%(count)d hour around the clock", "%(count)d hours around the clock", hours) % {
        "count": hours
    }


def policy_text(policy: SlaPolicy, *, whistle: bool) -> str:
    """The two limits of a policy in one line: to sign for (or check in) and to resolve."""
    first = _("check in within %(limit)s") if whistle else _("sign for within %(limit)s")
    return _("%(first)s; resolve within %(limit)s") % {
        "first": first % {"limit": limit_text(policy.accept_minutes, policy.accept_clock)},
        "limit": limit_text(policy.resolve_minutes, policy.resolve_clock),
    }
