"""The evaluation (考核) in the API: one month's ranked scores with how each was computed, and the
weights. Scoped like the pages: an area where the user does not hold evaluation.view answers 404."""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.areas.models import Area
from apps.dashboards.choices import Subject
from apps.dashboards.evaluation import INDICATORS, evaluate, weights
from apps.dashboards.evaluation_report import (
    MONTH_FORMAT,
    default_month,
    default_subject,
    evaluation_areas,
    evaluation_home,
    parse_month,
)


class EvaluationQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(
        required=False, min_value=1, help_text=_("The evaluating area; the user's highest one if left out.")
    )
    subject = serializers.ChoiceField(
        choices=Subject.choices,
        required=False,
        help_text=_("What is evaluated; the first the area evaluates if left out."),
    )
    month = serializers.CharField(
        required=False,
        help_text=_(
            "YYYY-MM: this month (so far) or one of the twelve before; the last complete one if left "
            "out (this one when nothing was counted last month)."
        ),
    )

    def validate_month(self, value: str):
        month = parse_month(value.strip())
        if month is None:
            raise serializers.ValidationError(
                _("Choose this month or one of the twelve before it, as YYYY-MM.")
            )
        return month


class EvaluationAreaSerializer(serializers.ModelSerializer):
    level = serializers.IntegerField()

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level"]


class IndicatorWeightSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.IntegerField()
    default_weight = serializers.IntegerField()


class LineSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code")
    label = serializers.CharField(source="indicator.label")
    kind = serializers.CharField(
        source="indicator.kind", help_text=_("rate, inverse (100 - rate), relative (to the best) or points")
    )
    weight = serializers.IntegerField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(
        allow_null=True, help_text=_("0 to 100; null when there was nothing to measure")
    )
    points = serializers.FloatField(allow_null=True, help_text=_("value times weight"))


class ScoreSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    key = serializers.IntegerField(help_text=_("The id of the department, area or grid worker"))
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text=_("Σ points ÷ Σ weights of the lines counted"))
    weight_counted = serializers.IntegerField()
    lines = LineSerializer(many=True)


class EvaluationSerializer(serializers.Serializer):
    area = EvaluationAreaSerializer()
    subject = serializers.ChoiceField(choices=Subject.choices)
    month = serializers.CharField()
    weights = IndicatorWeightSerializer(many=True)
    results = ScoreSerializer(many=True)


class SubjectWeightsSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    label = serializers.CharField()
    indicators = IndicatorWeightSerializer(many=True)


def _weights(subject: str) -> list[dict]:
    weighting = weights(subject)
    return [
        {
            "indicator": indicator.code,
            "label": indicator.label,
            "weight": weighting[indicator.code],
            "default_weight": indicator.default_weight,
        }
        for indicator in INDICATORS[subject]
    ]


def _home(user) -> Area:
    home = evaluation_home(user)
    if home is None:
        raise Http404
    return home


class EvaluationView(APIView):
    """The month's scores of one kind of subject under an area, ranked, each with its lines."""

    @extend_schema(
        summary=_("The evaluation of one month"),
        parameters=[EvaluationQuerySerializer],
        responses=EvaluationSerializer,
    )
    def get(self, request):
        home = _home(request.user)
        query = EvaluationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        area = home
        if params.get("area", home.pk) != home.pk:
            area = evaluation_areas(request.user).filter(pk=params["area"]).first()
            if area is None:
                raise Http404
        subject = params.get("subject") or default_subject(area)
        month = params.get("month") or default_month(area)
        scores = evaluate(request.user, area=area, subject=subject, month=month)
        body = {
            "area": area,
            "subject": subject,
            "month": month.strftime(MONTH_FORMAT),
            "weights": _weights(subject),
            "results": scores,
        }
        return Response(EvaluationSerializer(body).data)


class WeightsView(APIView):
    """The weights in force for every kind of subject (administrators set them)."""

    @extend_schema(summary=_("The evaluation weights"), responses=SubjectWeightsSerializer(many=True))
    def get(self, request):
        _home(request.user)
        subjects = [
            {"subject": subject, "label": label, "indicators": _weights(subject)}
            for subject, label in Subject.choices
        ]
        return Response(SubjectWeightsSerializer(subjects, many=True).data)


urlpatterns = [
    path("evaluation/", EvaluationView.as_view(), name="evaluation"),
    path("evaluation/weights/", WeightsView.as_view(), name="evaluation-weights"),
]
