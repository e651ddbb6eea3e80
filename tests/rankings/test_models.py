import pytest
from django.db import IntegrityError, transaction

pytestmark = pytest.mark.django_db


def test_duplicate_rank_in_a_snapshot_is_refused_by_the_database(ranking_snapshot, ranking_entry_factory):
    ranking_entry_factory(snapshot=ranking_snapshot, rank=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ranking_entry_factory(snapshot=ranking_snapshot, rank=1)


def test_same_project_twice_in_a_snapshot_is_refused(ranking_snapshot, project, ranking_entry_factory):
    ranking_entry_factory(snapshot=ranking_snapshot, project=project, rank=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ranking_entry_factory(snapshot=ranking_snapshot, project=project, rank=2)


def test_rank_zero_is_refused(ranking_snapshot, ranking_entry_factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        ranking_entry_factory(snapshot=ranking_snapshot, rank=0)


def test_one_sample_per_project_per_day(project, stats_sample_factory):
    sample = stats_sample_factory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        stats_sample_factory(project=project, captured_on=sample.captured_on)


def test_same_rank_in_different_snapshots_is_fine(ranking_snapshot_factory, ranking_entry_factory, project):
    ranking_entry_factory(snapshot=ranking_snapshot_factory(), project=project, rank=1)
    ranking_entry_factory(snapshot=ranking_snapshot_factory(), project=project, rank=1)


def test_project_in_a_snapshot_cannot_be_deleted(ranking_entry):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        ranking_entry.project.delete()
