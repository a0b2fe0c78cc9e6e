from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.workcalendar.choices import Clock
from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import FIRST_ENTERED_YEAR, LAST_ENTERED_YEAR

# A year of working time (about 1,100 working days): far beyond any real limit, cheap to count.
MAX_LIMIT_MINUTES = 366 * 24 * 60
FIRST_START_YEAR = 1901
LAST_START_YEAR = 9997


class WorkDaySerializer(serializers.ModelSerializer):
    """A date of the work calendar."""

    class Meta:
        model = WorkDay
        fields = ["day", "is_workday", "source", "holiday", "note"]
        read_only_fields = fields


class WorkDaySetSerializer(serializers.Serializer):
    is_workday = serializers.BooleanField(label=_("working day"))
    holiday = serializers.CharField(label=_("holiday"), max_length=50, allow_blank=True, default="")
    note = serializers.CharField(label=_("note"), max_length=200, allow_blank=True, default="")


class HolidayRangeSerializer(serializers.Serializer):
    first = serializers.DateField(label=_("first day"))
    last = serializers.DateField(label=_("last day"))
    name = serializers.CharField(label=_("name"), max_length=50)


class YearEntrySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        label=_("year"), min_value=FIRST_ENTERED_YEAR, max_value=LAST_ENTERED_YEAR
    )
    holidays = HolidayRangeSerializer(many=True, label=_("holidays"))
    makeup_days = serializers.ListField(
        child=serializers.DateField(), default=list, label=_("make-up working days")
    )


class YearEnteredSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    changed = serializers.IntegerField(help_text=_("How many dates of the year changed."))


class DueQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(label=_("start"))
    minutes = serializers.IntegerField(
        label=_("time limit in minutes"), min_value=0, max_value=MAX_LIMIT_MINUTES
    )
    clock = serializers.ChoiceField(label=_("clock"), choices=Clock.choices)

    def validate_start(self, value):
        # Before 1901 the time zone has a local mean time offset that no ISO 8601 answer can carry, and a
        # year's time limit from the last years would run past the last date there is.
        if not FIRST_START_YEAR <= value.year <= LAST_START_YEAR:
            raise serializers.ValidationError(
                _("Give a start between the years %(first)s and %(last)s.")
                % {"first": FIRST_START_YEAR, "last": LAST_START_YEAR}
            )
        return value


class DueTimeSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    minutes = serializers.IntegerField()
    clock = serializers.ChoiceField(choices=Clock.choices)
    due_at = serializers.DateTimeField()
    provisional = serializers.BooleanField(
        help_text=_("Counted over dates the work calendar has no entry for, by the Monday-to-Friday rule.")
    )
    explanation = serializers.ListField(child=serializers.CharField())
