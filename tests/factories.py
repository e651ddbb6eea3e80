import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from projects.models import Author, Authorship, Project, Topic
from rankings.models import RankingEntry, RankingSnapshot
from stats.models import StatsSample


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.SelfAttribute("slug")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    kind = Author.Kind.PERSON


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    repo_owner = factory.Sequence(lambda n: f"owner{n}")
    repo_name = factory.Sequence(lambda n: f"repo{n}")
    status = Project.Status.TRACKED
    stars = 100


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(AuthorFactory)
    position = 0


class StatsSampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatsSample

    project = factory.SubFactory(ProjectFactory)
    captured_on = factory.LazyFunction(lambda: timezone.now().date())
    captured_at = factory.LazyAttribute(lambda o: dt.datetime.combine(o.captured_on, dt.time(12), tzinfo=dt.UTC))
    stars = 100


class RankingSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingSnapshot

    title = factory.Sequence(lambda n: f"Snapshot {n}")
    taken_at = factory.LazyFunction(timezone.now)
    origin = RankingSnapshot.Origin.COMPUTED
    status = RankingSnapshot.Status.DRAFT


class RankingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingEntry

    snapshot = factory.SubFactory(RankingSnapshotFactory)
    project = factory.SubFactory(ProjectFactory)
    rank = factory.Sequence(lambda n: n + 1)
    stars = 100


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    is_staff = True
    is_superuser = True
    password = factory.django.Password("correct horse battery staple")
