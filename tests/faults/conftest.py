"""Dedicated services for fault tests: a Redis and a PostgreSQL that tests may stop and restart.

Faults are injected into servers started here, on free ports, never into the shared
PostgreSQL (5432) or Redis (6379) that other test runs use at the same time. Celery
workers, beat and gunicorn run as real processes pointed at them through DATABASE_URL /
REDIS_URL. Every wait has a deadline and every process is killed at teardown.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis

from mltop.queues import all_queues
from tests.conftest import test_database_url  # noqa: F401  (the fault tests import it from here)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout: float = 30.0, interval: float = 0.05):
    """Poll ``condition`` until it returns something truthy or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# -- Redis --------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own, without persistence: stopping it loses its data, as a crash would."""

    def __init__(self, port: int):
        self.port = port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=2)

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, timeout=15), f"redis-server did not start on port {self.port}"
        return self

    def _answers(self) -> bool:
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Gone at once (SIGKILL): clients see their connections refused."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def queued(self, queue: str) -> list[dict]:
        """The Celery messages waiting in ``queue``, decoded (headers and all)."""
        return [json.loads(raw) for raw in self.client().lrange(queue, 0, -1)]


@pytest.fixture
def redis_server():
    server = RedisServer(free_port()).start()
    yield server
    server.stop()


# -- PostgreSQL ---------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    assert path, f"PostgreSQL's {name} is not installed"
    return path


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) in a temporary folder, trust auth, on ``port``.

    initdb refuses to run as root, so as root (CI) the server binaries run as ``postgres``.
    """

    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="mltop-faults-pg-"))
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, user="postgres", group="postgres")

    def url(self, database: str = "mltop") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [*args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True, cwd=self.dir)

    def init(self) -> PostgresCluster:
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c fsync=off"
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def restart(self) -> None:
        """A fast restart: every connection is cut, as when the server is restarted in production."""
        # The same options as start (pg_ctl keeps them); a log file, so the server holds no pipe of ours.
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=30)

    def create_database(self, name: str) -> None:
        self._run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def postgres_cluster():
    cluster = PostgresCluster(free_port()).init()
    try:
        cluster.start()
        cluster.create_database("mltop")
        yield cluster
    finally:
        cluster.remove()


# -- processes: Celery worker and beat, gunicorn ----------------------------------------------


class Process:
    """A child process in its own session (so a kill reaches its children), its output collected."""

    def __init__(self, args: list[str], env: dict, *, ready: str):
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.ready_text = ready
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_ready(self, timeout: float = 90) -> Process:
        assert wait_for(lambda: self.ready_text in self.output or self.proc.poll() is not None, timeout=timeout)
        assert self.proc.poll() is None and self.ready_text in self.output, self.output[-3000:]
        return self

    def wait_output(self, text: str, *, timeout: float = 30, after: int = 0) -> bool:
        return bool(wait_for(lambda: text in self.output[after:], timeout=timeout))

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """``sig`` to the whole process group (a Celery worker and its pool processes)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._reader.join(timeout=5)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


class Processes:
    """Starts processes against the given services and kills whatever is left at teardown."""

    def __init__(self):
        self.started: list[Process] = []
        self.queue = f"mltop-faults-{uuid.uuid4().hex[:10]}"

    def env(self, *, database_url: str, redis_url: str, **extra) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "DJANGO_DEBUG": "false",
            **{key: str(value) for key, value in extra.items()},
        }

    def _start(self, args, env, ready) -> Process:
        process = Process(args, env, ready=ready)
        self.started.append(process)
        return process

    def worker(self, env: dict, *, pool: str = "solo", name: str = "w") -> Process:
        options = ["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=1"]
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mltop",
            "worker",
            "--loglevel=INFO",
            "-Q",
            all_queues(self.queue),
        ]
        args += [*options, "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{name}@%h"]
        return self._start(args, env, " ready.").wait_ready()

    def beat(self, env: dict) -> Process:
        args = [sys.executable, "-m", "celery", "-A", "mltop", "beat", "--loglevel=DEBUG", "--pidfile="]
        return self._start(args, env, "beat: Starting...").wait_ready()

    def gunicorn(self, env: dict, *, workers: int = 1, access_log: str = "") -> tuple[Process, str]:
        """gunicorn on a free port; ``access_log``, a gunicorn access-log format, logs each request."""
        port = free_port()
        args = [sys.executable, "-m", "gunicorn", "mltop.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        args += ["--workers", str(workers), "--threads", "4", "--timeout", "60", "--error-logfile", "-"]
        if access_log:
            args += ["--access-logfile", "-", "--access-logformat", access_log]
        process = self._start(args, env, "Booting worker").wait_ready()
        url = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: _answers(url), timeout=60), process.output[-3000:]
        return process, url

    def kill_all(self) -> None:
        for process in self.started:
            process.kill()


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(f"{url}/livez", timeout=10).status_code == 200
    except requests.RequestException:  # not listening yet, or still loading the app
        return False


@pytest.fixture
def processes():
    started = Processes()
    yield started
    started.kill_all()
    for process in started.started:
        print(f"--- {' '.join(process.proc.args[2:5])} ---\n{process.output[-4000:]}")  # shown when a test fails


@pytest.fixture
def broker(redis_server, processes):
    """A Celery app of the test's own that sends to the dedicated Redis, on the test's queue."""
    from celery import Celery

    app = Celery("mltop-faults", broker=redis_server.url, set_as_current=False)
    app.conf.update(task_default_queue=processes.queue, broker_connection_retry_on_startup=True)
    yield app
    app.close()
