"""Serializer fields that look rows up inside the requesting user's scope."""

from rest_framework import serializers

from apps.accounts.scope import VIEW


class RestrictedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up in `restrict(user, "view")`: an id outside the user's scope answers exactly
    like a missing one ("Invalid pk … object does not exist"), so ids cannot be probed through a body."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user, VIEW)
