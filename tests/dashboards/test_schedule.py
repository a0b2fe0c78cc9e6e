"""The beat refreshes the rollups twice over: often for today and yesterday, and each night for the
trailing window; both go to the rollups queue, away from the deadline sweep."""

from celery.schedules import crontab
from django.conf import settings

from apps.dashboards.tasks import refresh_rollups
from config.celery import app

TASK = "apps.dashboards.tasks.refresh_rollups"


def test_the_beat_has_a_frequent_and_a_nightly_refresh():
    entries = {name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] == TASK}
    assert set(entries) == {"dashboards-refresh-rollups", "dashboards-refresh-rollups-nightly"}
    frequent, nightly = entries["dashboards-refresh-rollups"], entries["dashboards-refresh-rollups-nightly"]
    assert frequent["kwargs"] == {"window_days": 1}
    assert 0 < float(frequent["schedule"]) <= 15 * 60
    # A frequent message left in the queue past the next one is dropped: the next covers it.
    assert frequent["options"]["expires"] <= float(frequent["schedule"])
    assert isinstance(nightly["schedule"], crontab)
    assert nightly["schedule"].hour == {2}
    assert nightly["schedule"].minute == {30}
    # No window given: the nightly refresh takes the configured trailing window.
    assert not nightly.get("kwargs")
    assert settings.GRIDGOV_ROLLUP_WINDOW_DAYS >= 31


def test_the_refresh_is_routed_to_the_rollups_queue():
    assert refresh_rollups.name == TASK
    assert app.amqp.router.route({}, TASK)["queue"].name == "rollups"
    assert "rollups" in {queue.name for queue in settings.CELERY_TASK_QUEUES}
