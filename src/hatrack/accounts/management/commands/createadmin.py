"""`hatrack createadmin`: the first Technology leader account, without the web UI.

The password comes from --password, else the HATRACK_ADMIN_PASSWORD environment
variable, else a prompt when a person is at the terminal. It fails (exit status 1)
when the username is taken, the password is weak, or no password can be had.
"""

import getpass
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hatrack.accounts import services
from hatrack.accounts.models import User
from hatrack.core.roles import Role

PASSWORD_ENV = "HATRACK_ADMIN_PASSWORD"  # noqa: S105 (the name of a variable, not a password)


class Command(BaseCommand):
    help = "Create a Technology leader account (the administrator of Hatrack)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="Sign-in name of the new account.")
        parser.add_argument("--email", required=True, help="Email address of the new account.")
        parser.add_argument("--first-name", default="", help="Given name.")
        parser.add_argument("--last-name", default="", help="Family name.")
        parser.add_argument(
            "--password",
            help=f"The password (visible in the process list; prefer ${PASSWORD_ENV}).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt; fail when no password is given.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username__iexact=options["username"]).exists():
            raise CommandError(
                f"An account with the username “{options['username']}” already exists; "
                "nothing was created."
            )
        password = options["password"] or os.environ.get(PASSWORD_ENV) or self._prompt(options)
        try:
            user = services.create_user(
                username=options["username"],
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                role=Role.LEADER,
                password=password,
                by=None,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created the Technology leader account “{user.username}”.")
        )

    def _prompt(self, options: dict[str, Any]) -> str:
        if not (options["interactive"] and sys.stdin.isatty()):
            raise CommandError(
                f"No password given: pass --password, set {PASSWORD_ENV}, "
                "or run the command at a terminal to be asked."
            )
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was created.")
        if not first:
            raise CommandError("The password cannot be empty; nothing was created.")
        return first
