"""`demandhub serve`: run the ASGI server (HTTP and websockets in one process)."""

from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.core.checks import development_key_in_production


class Command(BaseCommand):
    help = "Serve Demand Hub over ASGI with uvicorn (HTTP and websockets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes; more than one needs REDIS_URL so websockets reach every process",
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        if error := development_key_in_production():
            raise CommandError(f"{error.msg} {error.hint}")
        uvicorn.run(
            "demandhub.config.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            proxy_headers=True,
            log_level="info",
        )
