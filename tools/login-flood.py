#!/usr/bin/env python3
"""Peak memory of a Lumiku server under a flood of concurrent sign-ins (standard library only).

    tools/login-flood.py --server target/release/lumiku --logins 500

Starts the server on a fresh SQLite file in a temporary directory, with the login limits raised
so every attempt reaches password hashing (the worst case for memory), registers one account,
then sends the sign-ins all at once from as many threads and samples the server's resident
memory every 10 ms. Prints the answers by status and the peak RSS (VmHWM), before and after.
Extra `LUMIKU_*` settings can be passed with --env KEY=VALUE.
"""
import argparse
import collections
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def post(url, body, timeout=120):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except Exception as error:  # a refused or reset connection counts as its kind
        return type(error).__name__


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--logins", type=int, default=500)
    parser.add_argument("--env", action="append", default=[])
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="lumiku-flood-")
    port = free_port()
    env = dict(os.environ)
    env.update(
        LUMIKU_BIND=f"127.0.0.1:{port}",
        LUMIKU_DATABASE_URL=f"sqlite://{work}/flood.db",
        LUMIKU_DATA_DIR=work,
        LUMIKU_LOGIN_MAX_FAILURES_PER_ACCOUNT="1000000",
        LUMIKU_LOGIN_MAX_FAILURES_PER_IP="1000000",
        LUMIKU_BILLING_INTERVAL_SECS="0",
        LUMIKU_LOG="warn",
    )
    for pair in args.env:
        key, value = pair.split("=", 1)
        env[key] = value
    server = subprocess.Popen(
        [args.server, "serve"], env=env, cwd=work, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        account = {"email": "flood@example.com", "password": "a long enough password"}
        assert post(base + "/api/auth/register", account) == 201
        idle = rss_kib(server.pid, "VmRSS")

        answers = collections.Counter()
        lock = threading.Lock()
        start = threading.Barrier(args.logins + 1)

        def login():
            start.wait()
            status = post(base + "/api/auth/login", account)
            with lock:
                answers[status] += 1

        threads = [threading.Thread(target=login) for _ in range(args.logins)]
        for thread in threads:
            thread.start()
        peak = idle
        began = time.monotonic()
        start.wait()
        while any(thread.is_alive() for thread in threads):
            peak = max(peak, rss_kib(server.pid, "VmRSS"))
            time.sleep(0.01)
        took = time.monotonic() - began
        time.sleep(1)
        after = rss_kib(server.pid, "VmRSS")
        hwm = rss_kib(server.pid, "VmHWM")
        print(
            f"{args.logins} concurrent sign-ins in {took:.1f} s: "
            + ", ".join(f"{status}: {count}" for status, count in sorted(answers.items(), key=str))
        )
        print(
            f"RSS idle {idle / 1024:.0f} MiB, peak sampled {peak / 1024:.0f} MiB, "
            f"VmHWM {hwm / 1024:.0f} MiB, 1 s after {after / 1024:.0f} MiB"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
