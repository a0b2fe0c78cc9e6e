from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    PARTY_MASSES = "party_masses", _("party and masses council (党群议事会)")
    RESIDENTS = "residents", _("residents' council (居民议事会)")
    NIGHT_TALK = "night_talk", _("estate night talk (小区夜话)")
    JOINT = "joint", _("joint meeting (联席会议)")


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("adopted")
    REJECTED = "rejected", _("rejected")
    DEFERRED = "deferred", _("deferred")


class FollowUp(models.TextChoices):
    NONE = "none", _("none")
    TASK = "task", _("task")
    CASE = "case", _("case")


class TaskState(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class TaskAction(models.TextChoices):
    CREATE = "create", _("created")
    COMPLETE = "complete", _("marked done")
    CANCEL = "cancel", _("cancelled")
