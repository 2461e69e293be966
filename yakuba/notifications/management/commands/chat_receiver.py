"""`manage.py chat_receiver`: a tiny local webhook receiver that prints what it receives.

For the demo and manual testing only (binds to 127.0.0.1). Point a chat channel at
http://127.0.0.1:8065/anything; `--fail N` answers 500 to the first N posts so the
retry with backoff can be watched.
"""

from __future__ import annotations

import http.server
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Print chat webhook posts received on 127.0.0.1 (demo receiver)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8065)
        parser.add_argument("--fail", type=int, default=0, help="answer 500 to the first N posts")

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout
        remaining = {"fail": int(options["fail"])}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if remaining["fail"] > 0:
                    remaining["fail"] -= 1
                    out.write(f"POST {self.path}: answering 500 (simulated outage)")
                    self.send_response(500)
                    self.end_headers()
                    return
                try:
                    payload = json.loads(body)
                    text = payload.get("text") or json.dumps(payload, ensure_ascii=False)[:2000]
                except (ValueError, AttributeError):
                    text = body[:2000].decode(errors="replace")
                out.write(f"--- POST {self.path} ({len(body)} bytes)\n{text}\n")
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", options["port"]), Handler)
        out.write(f"Listening on http://127.0.0.1:{options['port']}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
