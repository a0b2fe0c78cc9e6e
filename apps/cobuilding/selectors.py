"""Reads of co-building: the results of an evaluation round, per unit and per community or street."""

from dataclasses import dataclass

from django.db.models import Avg, Count

from apps.accounts.scope import VIEW

from .choices import Direction, Grade, grade_of
from .models import Evaluation, EvaluationRound


@dataclass(frozen=True)
class Result:
    """The scores one side received in a round: how many, their average and its grade."""

    id: int
    name: str
    count: int
    average: float

    @property
    def grade(self) -> str | None:
        return grade_of(self.average)

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


def round_results(user, evaluation_round: EvaluationRound) -> tuple[list[Result], list[Result]]:
    """Two queries: per partner unit, the scores its communities gave it; per community or street, the
    scores its units gave it. Best average first; only the evaluations the user sees count."""
    evaluations = Evaluation.objects.restrict(user, VIEW).filter(round=evaluation_round).order_by()

    def per(direction: str, key: str) -> list[Result]:
        rows = (
            evaluations.filter(direction=direction)
            .values(key, f"{key}__name")
            .annotate(count=Count("pk"), average=Avg("score"))
            .order_by("-average", f"{key}__name")
        )
        return [
            Result(
                id=row[key], name=row[f"{key}__name"], count=row["count"], average=round(row["average"], 1)
            )
            for row in rows
        ]

    return per(Direction.AREA_RATES_UNIT, "agreement__partner_unit"), per(
        Direction.UNIT_RATES_AREA, "agreement__area"
    )
