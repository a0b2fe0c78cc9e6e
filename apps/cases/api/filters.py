import django_filters
from django.utils.translation import gettext_lazy as _

from apps.cases.filters import CaseFilterSet
from apps.cases.selectors import CASE_BUCKETS


class CaseApiFilterSet(CaseFilterSet):
    """The case filters, and the staff inbox's buckets."""

    bucket = django_filters.ChoiceFilter(
        choices=[(bucket, bucket) for bucket in CASE_BUCKETS], method="in_bucket", label=_("inbox bucket")
    )

    class Meta(CaseFilterSet.Meta):
        fields = [*CaseFilterSet.Meta.fields, "bucket"]

    def in_bucket(self, queryset, name, value):
        # The list already starts from `selectors.case_inbox(user, bucket)`; the choice is checked here.
        return queryset
