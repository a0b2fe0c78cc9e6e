"""A real Celery worker on the real Redis consumes the notifications queue and sends the mail."""

import os
import subprocess
import sys
import time
import uuid
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.conf import settings
from django.db import connection

from apps.notifications.choices import DeliveryState, NotificationKind
from apps.notifications.models import Delivery
from apps.notifications.services import notify


def _database_url() -> str:
    """The test database, for a worker in another process (it must see what the test committed)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
def test_a_worker_delivers_a_mail_queued_on_commit(people, tmp_path):
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_FILE_PATH": str(outbox),
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                "--queues", "notifications", "--without-mingle", "--without-gossip", "--loglevel", "INFO",
                "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            notify(
                recipients=[people["wang"]],
                kind=NotificationKind.SUPERVISION,
                title="红牌督办：派单 #9",
                body="请今日内办结。",
                link="/dispatch/9/",
                key="supervision:order-9:red",
            )
            delivery = Delivery.objects.get()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                delivery.refresh_from_db()
                if delivery.state != DeliveryState.PENDING:
                    break
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert delivery.state == DeliveryState.SENT, log.read_text()
    assert "apps.notifications.tasks.deliver" in log.read_text()
    files = list(outbox.iterdir())
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes())
    assert message["To"] == "wang@example.cn"
    assert "红牌督办" in str(make_header(decode_header(message["Subject"])))
