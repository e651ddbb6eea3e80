"""build_snapshot and import_stats, run as editors run them."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from rankings.models import RankingSnapshot
from stats.models import StatsSample

pytestmark = pytest.mark.django_db


def _history(project, days=10, start=1000, step=20, end=dt.date(2025, 6, 30)):
    StatsSample.objects.bulk_create(
        StatsSample(
            project=project,
            captured_on=end - dt.timedelta(days=days - i),
            captured_at=dt.datetime.combine(end - dt.timedelta(days=days - i), dt.time(6), tzinfo=dt.UTC),
            stars=start + step * i,
        )
        for i in range(days + 1)
    )


def test_build_snapshot_prints_the_new_id(project_factory, capsys):
    for project in project_factory.create_batch(3):
        _history(project)
    call_command("build_snapshot", "--as-of", "2025-06-30", "--top", "2")
    out = capsys.readouterr()
    snapshot = RankingSnapshot.objects.get()
    assert out.out.strip() == str(snapshot.pk)
    assert "Building the ranking as of 2025-06-30" in out.err
    assert snapshot.entries.count() == 2 and snapshot.status == RankingSnapshot.Status.DRAFT
    assert snapshot.parameters["as_of"] == "2025-06-30"


def test_build_snapshot_publish(project_factory, capsys):
    _history(project_factory())
    call_command("build_snapshot", "--as-of", "2025-06-30", "--publish")
    assert RankingSnapshot.objects.get().status == RankingSnapshot.Status.PUBLISHED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "30/06/2025"], "YYYY-MM-DD, not “30/06/2025”"),
        (["--as-of", "2025-02-30"], "YYYY-MM-DD"),
        (["--as-of", "2999-01-01"], "in the future"),
        (["--as-of", "2025-06-30", "--top", "0"], "between 1 and"),
        (["--as-of", "2010-01-01"], "No project is eligible"),
    ],
)
def test_build_snapshot_bad_input_is_a_clear_error(project_factory, args, message):
    _history(project_factory())
    with pytest.raises(CommandError, match=message):
        call_command("build_snapshot", *args)
    assert not RankingSnapshot.objects.exists()


CSV = """repo,date,stars,forks,watchers,open_issues
octo/alpha,2024-01-01,100,10,5,1
https://github.com/octo/alpha,2024-01-02,110,,,
OCTO/Beta,2024-01-01,50,1,1,0
octo/unknown,2024-01-01,5,,,
octo/alpha,2024-13-01,5,,,
octo/alpha,2024-01-03,-4,,,
octo/alpha,2024-01-04,many,,,
octo/alpha,2999-01-01,5,,,
octo/alpha,2024-01-01,100,10,5,1
not a repo!,2024-01-01,5,,,
octo/beta,2024-01-02,60,1,1,0,extra
"""


@pytest.fixture
def catalogue(project_factory):
    return {
        "alpha": project_factory(repo_owner="octo", repo_name="alpha"),
        "beta": project_factory(repo_owner="octo", repo_name="beta"),
    }


def _import(path, capsys):
    try:
        call_command("import_stats", str(path))
        error = None
    except CommandError as exc:
        error = str(exc)
    return error, capsys.readouterr()


def test_import_stats_lands_good_rows_and_reports_bad_ones_by_line(catalogue, tmp_path, capsys):
    path = tmp_path / "stats.csv"
    path.write_text(CSV)
    error, out = _import(path, capsys)

    assert sorted(StatsSample.objects.values_list("project__repo_name", "captured_on", "stars", "forks", "source")) == [
        ("alpha", dt.date(2024, 1, 1), 100, 10, "import"),
        ("alpha", dt.date(2024, 1, 2), 110, None, "import"),
        ("beta", dt.date(2024, 1, 1), 50, 1, "import"),
    ]
    assert (
        error
        == "11 rows: 3 imported, 0 already there, 0 kept (that day was already recorded with other figures), 8 bad."
    )
    for expected in [
        ":5: repository octo/unknown is not in the catalogue",
        ":6: date “2024-13-01” is not YYYY-MM-DD",
        ":7: stars cannot be negative",
        ":8: stars “many” is not a whole number",
        ":9: date 2999-01-01 is in the future",
        ":10: the same repository and date as line 2",
        ":11: repo: ",
        ":12: more values than columns",
    ]:
        assert expected in out.err
    assert "11 rows read, 3 imported, 8 bad" in out.err  # progress


def test_importing_the_same_file_again_changes_nothing(catalogue, tmp_path, capsys):
    path = tmp_path / "stats.csv"
    path.write_text("repo,date,stars\nocto/alpha,2024-01-01,100\nocto/beta,2024-01-01,7\n")
    _import(path, capsys)
    before = list(StatsSample.objects.order_by("pk").values())
    error, out = _import(path, capsys)
    assert error is None
    assert "2 rows: 0 imported, 2 already there" in out.out
    assert list(StatsSample.objects.order_by("pk").values()) == before


def test_import_never_overwrites_a_recorded_day(catalogue, tmp_path, capsys, stats_sample_factory):
    stats_sample_factory(project=catalogue["alpha"], captured_on=dt.date(2024, 1, 1), stars=999)
    path = tmp_path / "stats.csv"
    path.write_text("repo,date,stars\nocto/alpha,2024-01-01,100\n")
    error, out = _import(path, capsys)
    assert "1 kept" in out.out
    assert StatsSample.objects.get().stars == 999


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("repo,stars\nocto/alpha,5\n", "missing: date"),
        ("repo,date,stars,likes\n", "Unknown columns: likes"),
        ("", "missing: repo, date, stars"),
    ],
)
def test_import_stats_refuses_a_bad_header(catalogue, tmp_path, content, message):
    path = tmp_path / "stats.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_stats", str(path))


def test_import_stats_missing_file():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_stats", "/nonexistent/stats.csv")


def test_import_stats_in_batches_with_progress(catalogue, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("stats.importing.BATCH_SIZE", 2)
    rows = "".join(f"octo/alpha,2024-01-{day:02d},{day}\n" for day in range(1, 6))
    path = tmp_path / "stats.csv"
    path.write_text("repo,date,stars\n" + rows)
    error, out = _import(path, capsys)
    assert error is None and StatsSample.objects.count() == 5
    assert "2 rows read, 2 imported" in out.err and "4 rows read, 4 imported" in out.err
