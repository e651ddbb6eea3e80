"""The CSV importer under hostile files: it never crashes, reports each bad row by line, lands
every good row, and writes nothing at all when the file as a whole cannot be read."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stats.importing import stats_import
from stats.models import StatsSample

pytestmark = pytest.mark.django_db

DB_EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TODAY = dt.date(2025, 1, 1)
HEADER = ["repo", "date", "stars", "forks", "watchers", "open_issues"]

# Any text a cell may hold on one line: markup, quotes, commas, NUL, right-to-left marks, emoji...
cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=40),
    st.sampled_from(
        [
            "2024-02-30",
            "0000-01-01",
            "2024-W01-1",
            "20240101",
            "9999-12-31",
            "2024-1-1",
            "-1",
            "2147483648",
            "1e3",
            "١٢٣",
            "9" * 5000,
            "'; DROP TABLE rankings_statssample; --",
            "<script>alert(1)</script>",
            "octo/alpha/../../etc",
            "https://github.com/octo/alpha?x=1",
        ]
    ),
)
hostile_rows = st.lists(cells, min_size=0, max_size=7)


@pytest.fixture
def catalogue(project_factory):
    return [project_factory(repo_owner="octo", repo_name=name) for name in ("alpha", "beta")]


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def files(draw):
    """Good rows (distinct repository and day) interleaved with hostile ones, in a drawn order."""
    days = draw(st.sets(st.tuples(st.sampled_from(["alpha", "beta"]), st.integers(0, 365)), max_size=8))
    good = [
        [f"octo/{name}", (dt.date(2024, 1, 1) + dt.timedelta(days=offset)).isoformat(), str(offset * 7)]
        for name, offset in sorted(days)
    ]
    bad = draw(st.lists(hostile_rows, max_size=8))
    rows = [(True, row) for row in good] + [(False, row) for row in bad]
    return draw(st.permutations(rows))


@DB_EXAMPLES
@given(rows=files())
def test_good_rows_land_and_bad_rows_are_reported_by_line(catalogue, rows):
    StatsSample.objects.all().delete()
    report = stats_import(io.StringIO(_csv([row for _, row in rows]), newline=""), today=TODAY)

    bad_lines = {line for line, _ in report.errors}
    good_lines = {line for line, (is_good, _) in enumerate(rows, start=2) if is_good}
    assert len(bad_lines) == len(report.errors)  # one reason per bad row
    assert not bad_lines & good_lines, report.errors
    # Every line the report blames is a hostile one; every reason is a sentence, not a traceback.
    assert bad_lines <= {line for line, _ in enumerate(rows, start=2)}
    assert all(reason and len(reason) < 400 for _, reason in report.errors)
    landed = set(StatsSample.objects.values_list("project__repo_name", "captured_on", "stars"))
    for repo, day, stars in (row[:3] for is_good, row in rows if is_good):
        assert (repo.split("/")[1], dt.date.fromisoformat(day), int(stars)) in landed
    # Blank lines (rows with no cell) are skipped by the csv module; every other row is read.
    assert report.read == sum(1 for _, row in rows if row)
    assert report.created + len(report.errors) == report.read
    assert StatsSample.objects.count() == report.created


@DB_EXAMPLES
@given(
    prefix=st.sampled_from([b"", b"repo,date,stars\n", b"\xef\xbb\xbfrepo,date,stars\nocto/alpha,2024-01-01,5\n"]),
    data=st.binary(max_size=600),
)
def test_arbitrary_bytes_give_a_clear_error_or_an_import(catalogue, tmp_path_factory, prefix, data):
    StatsSample.objects.all().delete()
    path = tmp_path_factory.mktemp("csv") / "stats.csv"
    path.write_bytes(prefix + data)
    try:
        call_command("import_stats", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        assert str(exc)
        if "not UTF-8" in str(exc) or "header" in str(exc).lower():
            assert not StatsSample.objects.exists()


def test_a_bad_byte_at_the_end_imports_nothing(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr("stats.importing.BATCH_SIZE", 2)  # batches would have been written before the byte
    rows = "".join(f"octo/alpha,2024-01-{day:02d},{day}\n" for day in range(1, 8))
    path = tmp_path / "stats.csv"
    path.write_bytes(b"repo,date,stars\n" + rows.encode() + b"octo/beta,2024-01-01,\xff\n")
    with pytest.raises(CommandError, match=r"not UTF-8 text \(byte \d+: invalid start byte\); nothing was imported"):
        call_command("import_stats", str(path))
    assert not StatsSample.objects.exists()


def test_a_huge_field_is_a_bad_row_and_the_others_land(catalogue, tmp_path, capsys):
    huge = "x" * (csv.field_size_limit() + 10)
    path = tmp_path / "stats.csv"
    path.write_text(
        f'repo,date,stars\nocto/alpha,2024-01-01,5\nocto/alpha,2024-01-02,"{huge}"\nocto/beta,2024-01-01,7\n'
    )
    with pytest.raises(CommandError, match="3 rows: 2 imported, .* 1 bad"):
        call_command("import_stats", str(path))
    assert "stats.csv:3: not readable as CSV (field larger than field limit" in capsys.readouterr().err
    assert sorted(StatsSample.objects.values_list("project__repo_name", "stars")) == [("alpha", 5), ("beta", 7)]


def test_a_multiline_quoted_field_is_reported_at_its_last_line(catalogue, tmp_path, capsys):
    path = tmp_path / "stats.csv"
    path.write_text('repo,date,stars\n"octo/\nalpha",2024-01-01,5\nocto/beta,2024-01-01,7\n')
    with pytest.raises(CommandError, match="1 bad"):
        call_command("import_stats", str(path))
    assert "stats.csv:3: repo: A GitHub URL cannot contain spaces." in capsys.readouterr().err
    assert list(StatsSample.objects.values_list("project__repo_name", flat=True)) == ["beta"]


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("20240101", "date “20240101” is not YYYY-MM-DD"),
        ("2024-W01-1", "date “2024-W01-1” is not YYYY-MM-DD"),
        ("2024-02-30", "date “2024-02-30” is not YYYY-MM-DD"),
        ("０２０２-01-01", "date “０２０２-01-01” is not YYYY-MM-DD"),
    ],
)
def test_odd_dates_are_bad_rows(catalogue, day, reason):
    report = stats_import(io.StringIO(f"repo,date,stars\nocto/alpha,{day},5\n", newline=""), today=TODAY)
    assert report.errors == [(2, reason)]
    assert not StatsSample.objects.exists()


def test_a_huge_number_is_reported_briefly(catalogue):
    report = stats_import(io.StringIO(f"repo,date,stars\nocto/alpha,2024-01-01,{'9' * 5000}\n", newline=""))
    [(line, reason)] = report.errors
    assert line == 2 and reason.startswith("stars “999") and reason.endswith("…” is not a whole number")
    assert len(reason) < 100


def test_a_file_over_the_limit_is_refused_before_reading(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr("stats.management.commands.import_stats.MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "stats.csv"
    path.write_bytes(b"repo,date,stars\n" + b"octo/alpha,2024-01-01,5\n" * 50_000)
    with pytest.raises(CommandError, match=r"stats.csv is 1\.1 MB; import_stats takes files up to 1 MB\. Split it"):
        call_command("import_stats", str(path))
    assert not StatsSample.objects.exists()
