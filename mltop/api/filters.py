"""Query-string filters that reject what they cannot read, instead of quietly ignoring it.

Django's form fields treat an empty value (``?since=``) as "no filter" and turn unknown
booleans into None; a client who sent them made a mistake, so the API answers 400.
"""

import django_filters
from django import forms


class _RejectEmpty:
    def to_python(self, value):
        if value == "":
            raise forms.ValidationError("This parameter cannot be empty; leave it out instead.", code="empty")
        return super().to_python(value)


class StrictDateField(_RejectEmpty, forms.DateField):
    pass


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
