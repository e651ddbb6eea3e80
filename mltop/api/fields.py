"""Serializer fields for query strings, shared by the apps' APIs."""

from rest_framework import serializers
from rest_framework.fields import empty


class PresentMeansGiven:
    """In a query string, ``?since=`` is a mistake to report, not a parameter left out (DRF's default)."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)


class QueryDateField(PresentMeansGiven, serializers.DateField):
    pass


class QueryChoiceField(PresentMeansGiven, serializers.ChoiceField):
    pass
