"""PostgreSQL restarted in the middle of a refresh: the worker reconnects, retries, loses nothing.

A PostgreSQL cluster of the test's own (never the shared server) holds the catalogue; a
real worker refreshes it through the fake GitHub, which holds one repository's answer
while the server is restarted (pg_ctl restart -m fast cuts every connection). The batch
then fails on its dead connection, is retried as a transient error, and writes exactly one
sample per project, with GitHub's figures.
"""

import subprocess
import sys

import psycopg
import pytest

from .conftest import ROOT, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration]


def manage(env, *args):
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)


def query(cluster, sql, params=()):
    with psycopg.connect(cluster.url().replace("postgres://", "postgresql://"), connect_timeout=2) as conn:
        return conn.execute(sql, params).fetchall()


def samples(cluster):
    """(project id, stars) of every sample fetched from GitHub; None while the server is away."""
    try:
        return query(cluster, "SELECT project_id, stars FROM rankings_statssample WHERE source = 'observed'")
    except psycopg.OperationalError:
        return None


def test_a_postgresql_restart_during_a_refresh_is_retried_without_duplicating_or_losing_samples(
    postgres_cluster, redis_server, processes, broker, fake_github
):
    env = processes.env(
        database_url=postgres_cluster.url(),
        redis_url=redis_server.url,
        GITHUB_API_URL=fake_github.url,
        REFRESH_DB_RETRY_SECONDS=0.5,
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed")
    projects = query(
        postgres_cluster, "SELECT id, repo_owner, repo_name FROM projects_project WHERE status = 'tracked' ORDER BY id"
    )
    stars, repos = {}, {}
    for i, (pk, owner, name) in enumerate(projects):
        full_name = f"{owner}/{name}".lower()  # folders of one repository share it
        if full_name not in repos:
            repos[full_name] = fake_github.add_repo(full_name, stars=30_000 + i)
        stars[pk] = repos[full_name].stars
    release = fake_github.hold_next(paths=(f"/repos/{projects[3][1]}/{projects[3][2]}",))
    worker = processes.worker(env)

    broker.send_task("stats.refresh_all")
    assert wait_for(lambda: fake_github.pending_injections() == 0, timeout=60), "the batch never reached GitHub"
    postgres_cluster.restart()  # while the batch holds an open connection, waiting for GitHub
    release.set()

    assert wait_for(lambda: samples(postgres_cluster) and len(samples(postgres_cluster)) == len(projects), timeout=60)
    assert "lost its database connection" in worker.output
    assert "Retry in" in worker.output
    rows = samples(postgres_cluster)
    assert sorted(rows) == sorted(stars.items())  # one sample per project, GitHub's figures
    assert query(postgres_cluster, "SELECT count(*) FROM projects_project WHERE fetch_error <> ''") == [(0,)]
    assert wait_for(lambda: not redis_server.client().keys("mltop:*refresh:run-lock"), timeout=10)  # run over
    assert worker.proc.poll() is None
