#!/usr/bin/env python3
"""Helpers for run_docs.sh (the README and EXAMPLES commands, run as written).

  docs_helper.py serve PORT_FILE
      A fake Twilio and Sinch on 127.0.0.1 (plain HTTP, which smsotp accepts
      towards loopback only): it writes its port to PORT_FILE and answers
      what the documented commands ask (balance, send, message status, dry
      run) the way the real APIs document it, until it is terminated.
  docs_helper.py example-code STATE_DB KEY_FILE CODE
      Makes CODE the valid code of every challenge still waiting to be
      verified: its keyed tag is computed as smsotp computes it (src/core/
      otp.hpp: HMAC-SHA-256 over "smsotp/v1", id, recipient, purpose and
      code, NUL-separated). The docs show one example code; this is the
      random draw having come out as that code.
  docs_helper.py pty CODE [--type TEXT] -- COMMAND...
      Runs COMMAND on a pseudo-terminal, as a person at a terminal would:
      TEXT (if given) is typed first, followed by Enter and Ctrl-D (the
      README's "paste the token, Enter, Ctrl-D"), and CODE plus Enter is
      typed at each "Code: " prompt. Copies the output to stdout and exits
      with COMMAND's status.
"""

import hashlib
import hmac
import http.server
import json
import os
import pty
import re
import select
import sqlite3
import sys
import termios
import time

MESSAGE_SID = "SM1f0e8ea5b6c7d8e9f0a1b2c3d4e5f6a7"


class FakeProviders(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        match = re.fullmatch(r"/2010-04-01/Accounts/(AC[^/]+)/Balance\.json", path)
        if match:
            return self.answer(200, {"account_sid": match.group(1),
                                     "balance": "12.50", "currency": "USD"})
        match = re.fullmatch(r"/2010-04-01/Accounts/(AC[^/]+)/Messages/(SM[^/]+)\.json", path)
        if match:
            return self.answer(200, {"sid": match.group(2), "status": "delivered",
                                     "error_code": None})
        self.answer(404, {"code": 20404, "message": "not found", "status": 404})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        path = self.path.split("?")[0]
        if re.fullmatch(r"/2010-04-01/Accounts/AC[^/]+/Messages\.json", path):
            return self.answer(201, {"sid": MESSAGE_SID, "status": "queued",
                                     "error_code": None})
        if re.fullmatch(r"/xms/v1/[^/]+/batches/dry_run", path):
            return self.answer(200, {"number_of_recipients": 1,
                                     "number_of_messages": 1, "per_recipient": []})
        if re.fullmatch(r"/xms/v1/[^/]+/batches", path):
            return self.answer(201, {"id": "01FC66621XXXXX119Z8PMV1QPQ"})
        self.answer(404, {"code": 20404, "message": "not found", "status": 404})


def serve(port_file):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeProviders)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def example_code(database, key_file, code):
    if not os.path.exists(database):
        return 0
    with open(key_file, "rb") as key_in:
        key = key_in.read()
    connection = sqlite3.connect(database)
    with connection:
        rows = connection.execute(
            "SELECT id, recipient, purpose FROM challenge "
            "WHERE state IN ('pending', 'sent') AND code_length = ?",
            (len(code),)).fetchall()
        for challenge_id, recipient, purpose in rows:
            message = b"\0".join(part.encode() for part in
                                 ("smsotp/v1", challenge_id, recipient, purpose, code))
            tag = hmac.new(key, message, hashlib.sha256).digest()
            connection.execute("UPDATE challenge SET tag = ? WHERE id = ?",
                               (tag, challenge_id))
    connection.close()
    return 0


def type_code(fd, code):
    # The prompt turns echo off, discarding what was typed before (as a
    # terminal does); type once it has, as a person would after seeing it.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not termios.tcgetattr(fd)[3] & termios.ECHO:
            break
        time.sleep(0.01)
    time.sleep(0.05)
    os.write(fd, code.encode() + b"\n")


def run_on_pty(code, typed, command):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    if typed is not None:
        os.write(fd, typed.encode() + b"\n\x04")
    seen = b""
    status = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            # A process the command left behind may hold the terminal open;
            # the command's own end is what counts.
            if status is None:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done == 0:
                    status = None
            if status is not None:
                break
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        seen += chunk
        while b"Code: " in seen:
            seen = seen.split(b"Code: ", 1)[1]
            type_code(fd, code)
        seen = seen[-16:]
    else:
        os.kill(pid, 9)
        print("docs_helper: the command did not finish within 60 s", file=sys.stderr)
    if status is None:
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if not os.WIFSIGNALED(status) \
        else 128 + os.WTERMSIG(status)


def main(argv):
    if len(argv) == 3 and argv[1] == "serve":
        return serve(argv[2])
    if len(argv) == 5 and argv[1] == "example-code":
        return example_code(argv[2], argv[3], argv[4])
    if len(argv) >= 5 and argv[1] == "pty" and "--" in argv:
        split = argv.index("--")
        options = argv[3:split]
        typed = options[1] if options[:1] == ["--type"] and len(options) == 2 else None
        return run_on_pty(argv[2], typed, argv[split + 1:])
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
