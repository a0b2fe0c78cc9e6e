"""What the filtersets of every app share."""

from apps.accounts.scope import VIEW


def visible(model):
    """The choices of a filter naming rows of `model`: those the requesting user sees. Any other id is
    "not a valid choice", exactly like a missing one."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user, VIEW)

    return queryset
