"""Starts the demo: the web server and the background-task worker, and prints the demo logins."""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from rathaus.core.demo import demo_logins_text


class Command(BaseCommand):
    help = "Run the demo web server and task worker together (demo settings only)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        self.stdout.write(demo_logins_text(host=host, port=port))
        worker = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "2"])
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=10)
