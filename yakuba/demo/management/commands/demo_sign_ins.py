"""`manage.py demo_sign_ins`: print the demo sign-ins on file (the last step of `make run`).

Prints nothing when there are no demo accounts (a database with an office's real data).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yakuba.demo.commands import print_sign_ins


class Command(BaseCommand):
    help = "Print the demo accounts that exist, their roles and the demo password."

    def handle(self, *args: Any, **options: Any) -> None:
        print_sign_ins(self)
