"""The task queue: configuration that carries correctness, and a real worker on the real Redis."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from apps.core.tasks import ping
from config.celery import app


def test_tasks_are_acknowledged_late_and_json_only():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit


def test_tasks_are_routed_to_queues_named_for_their_work():
    queues = {queue.name for queue in app.conf.task_queues}
    assert queues == {"default", "deadlines", "notifications", "imports", "rollups"}
    router = app.amqp.router
    assert router.route({}, "apps.dispatch.tasks.sweep_deadlines")["queue"].name == "deadlines"
    assert router.route({}, "core.ping")["queue"].name == "default"


@pytest.mark.redis
@pytest.mark.timeout(120)
def test_a_real_worker_runs_a_task_from_redis(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": settings.REDIS_URL}
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                "--queues", "default", "--without-mingle", "--without-gossip", "--loglevel", "INFO",
                "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            token = uuid.uuid4().hex
            assert ping.delay(token).get(timeout=60) == f"pong:{token}"
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert "core.ping" in log.read_text()
