"""Query-string filters that reject what they cannot read, instead of quietly ignoring it.

Django's form fields treat an empty value (``?since=``) as "no filter" and turn unknown
booleans into None; a client who sent them made a mistake, so the API answers 400.
"""

import datetime as dt

import django_filters
from django import forms

from . import dates


class _RejectEmpty:
    def to_python(self, value):
        if value == "":
            raise forms.ValidationError(dates.EMPTY, code="empty")
        return super().to_python(value)


class StrictDateField(forms.DateField):
    """YYYY-MM-DD only, worded as the query serializers' dates (``mltop.api.fields.QueryDateField``)."""

    def to_python(self, value):
        if value is None or isinstance(value, dt.date):
            return value
        if value == "":
            raise forms.ValidationError(dates.EMPTY, code="empty")
        day = dates.parse_query_date(str(value))
        if day is None:
            raise forms.ValidationError(dates.INVALID, code="invalid", params={"value": dates.shown(value)})
        return day


class StrictChoiceField(_RejectEmpty, django_filters.fields.ChoiceField):
    pass


class StrictBooleanField(_RejectEmpty, forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error rather than Django's silent 'no filter'."""

    ACCEPTED = {"true", "false", "1", "0", "True", "False"}
    widget = forms.TextInput  # NullBooleanSelect would turn unknown text into None before we see it

    def to_python(self, value):
        if value is not None and str(value) not in self.ACCEPTED:
            # The value goes in params: django-filter %-formats the message, so a '%' sent by
            # the client inside the message itself would be a 500.
            raise forms.ValidationError(
                "Use true or false, not %(value)s.", code="invalid", params={"value": repr(str(value)[:40])}
            )
        return super().to_python(value)


class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceField


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField
