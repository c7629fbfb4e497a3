"""A real SMTP server in the test process (aiosmtpd), recording what it receives and able
to refuse for a while, like a mail server under load."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse: int = 0  # answer "451" to this many messages before accepting
    on_mail: Callable[[], None] | None = None  # called at MAIL FROM (e.g. to kill a sender)
    on_data: Callable[[], None] | None = None  # called after a message is stored
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.on_mail:
            self.on_mail()
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Máy chủ bận, thử lại sau"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.received.append(Received(list(envelope.rcpt_tos), message))
        if self.on_data:
            self.on_data()
        return "250 OK"

    def ids(self) -> list[str]:
        return [r.message_id for r in self.received]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailServer:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received
