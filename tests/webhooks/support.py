"""What the webhook tests share: a real HTTP receiver on loopback, subscriptions made with the real
services, and a way to run the collector and the sender in the test's own process."""

import json
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from apps.webhooks.collect import collect
from apps.webhooks.delivery import deliver_subscription
from apps.webhooks.services import subscription_create
from apps.webhooks.signing import signature_valid
from tests.dispatch.support import free_port

ALL_EVENTS = [
    "case.created",
    "case.status_changed",
    "case.whistled",
    "case.escalated",
    "case.closed",
    "case.rated",
]


@dataclass
class Received:
    headers: Message  # names are case-insensitive, as in HTTP
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery(self) -> int:
        return int(self.headers["X-GridGov-Delivery"])


@dataclass
class Receiver:
    """An HTTP server in a thread on 127.0.0.1 that records what it is sent and answers `status`. It can
    be stopped (connections are refused) and started again on the same port."""

    status: int = 200
    port: int = field(default_factory=free_port)
    received: list = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/gridgov"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.status
                if 200 <= status < 300:
                    receiver.received.append(Received(self.headers, body))
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"unavailable")

            def log_message(self, *args):
                return

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def verified(self, secret: str) -> list[Received]:
        """What arrived, each checked as a receiver would check it."""
        for item in self.received:
            assert signature_valid(
                secret, item.headers["X-GridGov-Timestamp"], item.body, item.headers["X-GridGov-Signature"]
            ), item.headers
        return self.received


def subscribe(client, url: str, events=None, **extra):
    """(subscription, secret) for `client`, made by the system."""
    return subscription_create(
        actor=None, client=client, target_url=url, events=events or ALL_EVENTS, **extra
    )


def pump(*subscriptions) -> int:
    """What the beat task does, in this process: collect, then send each subscription's due deliveries."""
    collect()
    return sum(deliver_subscription(subscription_id=s.pk)[0] for s in subscriptions)
