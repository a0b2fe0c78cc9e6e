"""The documented shape of a dashboard (`apps.dashboards.payload.dashboard_payload`). The payload is
answered as built; these serializers only describe it in the OpenAPI schema."""

from rest_framework import serializers

from apps.dashboards.figures import CASE_MEASURES, DEPARTMENT_MEASURES, RATES
from apps.dashboards.payload import CATEGORY_MEASURES, MAP_FIGURES, TILE_RATES, TREND_MEASURES


def _counts(names) -> dict:
    return {name: serializers.IntegerField() for name in names}


class DashboardRateSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="percent, null when there is nothing to rate")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()


class DashboardCoverageSerializer(DashboardRateSerializer):
    planned = serializers.IntegerField(help_text="households with a visit plan")
    overdue = serializers.IntegerField(help_text="households overdue for a visit")


class DashboardLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    url = serializers.CharField(help_text="the page of this area's dashboard")


class DashboardAreaSerializer(DashboardLinkSerializer):
    level_label = serializers.CharField()
    breadcrumb = DashboardLinkSerializer(
        many=True, help_text="the ancestors whose dashboards the user may open"
    )


class DashboardPeriodSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    first = serializers.DateField()
    last = serializers.DateField()


class DashboardMapFigureSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(MAP_FIGURES))
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["rate", "count"])
    better = serializers.ChoiceField(choices=["high", "low"])


# Built from the columns and rate names themselves, so the documentation follows the rollups when one is
# added.
DashboardTilesSerializer = type(
    "DashboardTilesSerializer",
    (serializers.Serializer,),
    {
        **_counts(("open", "overdue", "escalated")),
        **{name: DashboardRateSerializer() for name in TILE_RATES},
        "visit_coverage": DashboardCoverageSerializer(),
    },
)
DashboardCaseFiguresSerializer = type(
    "DashboardCaseFiguresSerializer", (serializers.Serializer,), _counts(CASE_MEASURES)
)
DashboardDepartmentFiguresSerializer = type(
    "DashboardDepartmentFiguresSerializer", (serializers.Serializer,), _counts(DEPARTMENT_MEASURES)
)
DashboardChildRatesSerializer = type(
    "DashboardChildRatesSerializer",
    (serializers.Serializer,),
    {name: DashboardRateSerializer() for name in (*RATES, "visit_coverage")},
)
DashboardDepartmentRatesSerializer = type(
    "DashboardDepartmentRatesSerializer",
    (serializers.Serializer,),
    {name: DashboardRateSerializer() for name in (*RATES, "response_rate")},
)
DashboardTrendDaySerializer = type(
    "DashboardTrendDaySerializer",
    (serializers.Serializer,),
    {"day": serializers.DateField(), **_counts((*TREND_MEASURES, "visits"))},
)
DashboardCategoryFiguresSerializer = type(
    "DashboardCategoryFiguresSerializer",
    (serializers.Serializer,),
    {"id": serializers.IntegerField(), "name": serializers.CharField(), **_counts(CATEGORY_MEASURES)},
)


class DashboardChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    level = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="its dashboard; null below the grids")
    figures = DashboardCaseFiguresSerializer()
    visits = serializers.IntegerField()
    rates = DashboardChildRatesSerializer()
    value = serializers.FloatField(allow_null=True, help_text="the chosen map figure")


class DashboardDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    figures = DashboardDepartmentFiguresSerializer()
    rates = DashboardDepartmentRatesSerializer()


class DashboardFeedCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()


class DashboardFeedItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["escalation", "red_card"])
    at = serializers.DateTimeField()
    text = serializers.CharField()
    case = DashboardFeedCaseSerializer()


class DashboardSerializer(serializers.Serializer):
    area = DashboardAreaSerializer()
    period = DashboardPeriodSerializer()
    figure = DashboardMapFigureSerializer(help_text="the figure the map is coloured by")
    map_figures = DashboardMapFigureSerializer(many=True)
    refreshed_at = serializers.DateTimeField(
        allow_null=True, help_text="figures as of (null: not computed yet)"
    )
    counted_at = serializers.DateTimeField(
        allow_null=True, help_text="open, overdue and escalated as of (counted every minute; null: not yet)"
    )
    tiles = DashboardTilesSerializer(
        help_text="open, overdue and escalated at the last count; rates over the period"
    )
    totals = DashboardCaseFiguresSerializer(help_text="the case figures of the period")
    trend = DashboardTrendDaySerializer(many=True)
    categories = DashboardCategoryFiguresSerializer(many=True)
    children = DashboardChildSerializer(many=True)
    departments = DashboardDepartmentSerializer(many=True)
    feed = DashboardFeedItemSerializer(many=True, help_text="the latest escalations and red cards")
