import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import TestCase
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rankings.models import RankingSnapshot
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # API users authenticate by token; their passwords only need hashing, not slow hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client():
    return APIClient()


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def editor(db):
    """A non-staff API user holding exactly the permissions the editors' endpoints need."""
    user = factories.StaffUserFactory(is_staff=False, is_superuser=False)
    codenames = ["add_project", "change_project", "change_rankingsnapshot"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor_client(editor):
    return _token_client(editor)


@pytest.fixture
def reader_client(db):
    """Authenticated with a valid token, but without any model permission."""
    return _token_client(factories.StaffUserFactory(is_staff=False, is_superuser=False))


def make_published_snapshot(*, taken_at, projects, title="", origin=RankingSnapshot.Origin.COMPUTED):
    """A published snapshot ranking ``projects`` in that order, published through the real service."""
    from rankings.services import snapshot_publish

    title = title or f"Top {taken_at:%Y-%m-%d}"
    snapshot = factories.RankingSnapshotFactory(taken_at=taken_at, origin=origin, title=title)
    for rank, project in enumerate(projects, start=1):
        factories.RankingEntryFactory(
            snapshot=snapshot,
            project=project,
            rank=rank,
            score=1.0 / rank,
            breakdown={
                "popularity": {"value": 0.5, "weight": 0.4, "contribution": 0.2},
                "momentum": {"value": 1.0 / rank, "weight": 0.6, "contribution": 0.6 / rank},
            },
            stars=1000 - rank,
            stars_gained_30d=50 - rank,
            stars_gained_365d=500 - rank,
            blurb=f"Number {rank}.",
        )
    with TestCase.captureOnCommitCallbacks(execute=True):  # as after a real commit: the generation moves on
        return snapshot_publish(snapshot=snapshot)


def make_credited_projects(n: int, *, authors_each: int = 2, topics_each: int = 2) -> list:
    """``n`` projects, each with authors in credit order and topics, so N+1 queries would show."""
    projects = []
    for _ in range(n):
        project = factories.ProjectFactory()
        for position in range(authors_each):
            factories.AuthorshipFactory(project=project, position=position)
        project.topics.add(*(factories.TopicFactory(slug=f"t{i}") for i in range(topics_each)))
        projects.append(project)
    return projects


@pytest.fixture
def jan_feb(db):
    """Two published monthly snapshots: a, b, c in January; b, d, a in February (c left, d entered)."""
    a, b, c, d = make_credited_projects(4)
    january = make_published_snapshot(taken_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), projects=[a, b, c])
    february = make_published_snapshot(taken_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), projects=[b, d, a])
    return {"january": january, "february": february, "a": a, "b": b, "c": c, "d": d}
