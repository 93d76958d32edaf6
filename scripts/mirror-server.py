#!/usr/bin/env python3
"""A tiny dataset mirror for tests: serves a folder laid out like shared/datasets over HTTP on 127.0.0.1 only,
with byte ranges (206, "Range: bytes=N-" and "bytes=N-M"), so `w2s datasets download --mirror` can be tested
end to end, including resuming. python3 -m http.server has no Range support.

    scripts/mirror-server.py --root ../shared/datasets --port-file /tmp/port [--log requests.log]
        [--drop-after BYTES] [--ignore-range] [--lifetime SECONDS]

--drop-after N   the first GET of each file sends the full Content-Length but only N bytes, then closes the
                 connection (an interrupted download); later GETs are served whole.
--ignore-range   answer every request with the whole file (200), as a server without Range support does.
--log FILE       one line per request: METHOD PATH RANGE STATUS.
--lifetime S     exit after S seconds whatever happens (default 300), so a forgotten server never lingers.
The port (chosen by the system) is written to --port-file once the server listens.
"""
import argparse
import os
import posixpath
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log")
    parser.add_argument("--drop-after", type=int)
    parser.add_argument("--ignore-range", action="store_true")
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()
    root = os.path.realpath(args.root)
    served_once = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        timeout = 10

        def log_message(self, *_):
            pass

        def record(self, status, range_header):
            if args.log:
                with lock, open(args.log, "a") as log:
                    log.write(f"{self.command} {self.path} {range_header or '-'} {status}\n")

        def do_HEAD(self):
            self.serve(body=False)

        def do_GET(self):
            self.serve(body=True)

        def serve(self, body):
            relative = posixpath.normpath(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)).lstrip("/")
            path = os.path.realpath(os.path.join(root, relative))
            range_header = self.headers.get("Range")
            if not path.startswith(root + os.sep) or not os.path.isfile(path):
                self.record(404, range_header)
                self.send_error(404)
                return
            size = os.path.getsize(path)
            start, end, status = 0, size - 1, 200
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", range_header or "")
            if match and not args.ignore_range:
                start = int(match.group(1))
                end = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
                if start >= size or start > end:
                    self.record(416, range_header)
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
            length = end - start + 1
            self.record(status, range_header)
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Accept-Ranges", "none" if args.ignore_range else "bytes")
            self.send_header("Content-Length", str(length))
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            if not body:
                return
            limit = length
            with lock:
                if args.drop_after is not None and self.path not in served_once:
                    served_once.add(self.path)
                    limit = min(length, args.drop_after)
            with open(path, "rb") as f:
                f.seek(start)
                remaining = limit
                while remaining > 0:
                    chunk = f.read(min(65536, remaining))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    remaining -= len(chunk)
            if limit < length:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)

    class Server(HTTPServer):
        def handle_error(self, request, client_address):
            pass  # a dropped connection (--drop-after, or a client that gave up) is expected here

    server = Server(("127.0.0.1", 0), Handler)
    timer = threading.Timer(args.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(temporary, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
