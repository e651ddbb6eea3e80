import django_filters
from django import forms
from django.db.models import F, Q
from django_filters.fields import BaseCSVField

from mltop.api.filters import StrictBooleanFilter, StrictChoiceFilter

from ..models import Author, Project


class OrderingCSVField(BaseCSVField):
    """Comma-separated orderings with no empty item: django-filter lets ``stars,`` through as
    ['stars', ''] (an empty choice is "not given" to a form), and the '' then has no field."""

    def clean(self, value):
        if value is not None and "" in value:
            raise forms.ValidationError(
                "Leave no item empty in %(value)s: name fields separated by commas.",
                code="invalid",
                params={"value": repr(",".join(value)[:80])},
            )
        return super().clean(value)


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Orderings with projects never fetched (no stars yet) last on every database, ties broken by id."""

    base_field_class = OrderingCSVField

    def filter(self, qs, value):
        if not value:
            return qs
        expressions = []
        for param in value:
            field = self.param_map[param.lstrip("-")]
            expression = F(field).desc(nulls_last=True) if param.startswith("-") else F(field).asc(nulls_last=True)
            expressions.append(expression)
        return qs.order_by(*expressions, "pk")


class ProjectFilter(django_filters.FilterSet):
    status = StrictChoiceFilter(
        choices=Project.Status.choices,
        help_text="tracked, excluded, or candidate (discovery's queue: only for editors, "
        "with a token whose user may view projects; others get an empty list).",
    )
    topic = django_filters.CharFilter(field_name="topics__slug", help_text="A topic's slug.")
    author = django_filters.CharFilter(field_name="authors__slug", help_text="An author's slug.")
    archived = StrictBooleanFilter()
    q = django_filters.CharFilter(
        method="search", max_length=200, help_text="Words in the name, description or owner/name."
    )
    ordering = NullsLastOrderingFilter(
        fields=(("stars", "stars"), ("stars_gained_30d", "growth_30d"), ("name", "name")),
        help_text="stars, growth_30d (stars gained in 30 days) or name; prefix '-' for descending.",
    )

    class Meta:
        model = Project
        fields = ["status", "topic", "author", "archived", "q", "ordering"]

    def search(self, queryset, name, value):
        for word in value.split():
            owner, _, repo = word.partition("/")
            match = Q(name__icontains=word) | Q(description__icontains=word) | Q(repo_name__icontains=word)
            match |= Q(repo_owner__iexact=owner, repo_name__iexact=repo) if repo else Q(repo_owner__icontains=word)
            queryset = queryset.filter(match)
        return queryset


class AuthorFilter(django_filters.FilterSet):
    kind = StrictChoiceFilter(choices=Author.Kind.choices)
    q = django_filters.CharFilter(method="search", max_length=200, help_text="Words in the name or affiliation.")

    class Meta:
        model = Author
        fields = ["kind", "q"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(affiliation__icontains=word))
        return queryset
