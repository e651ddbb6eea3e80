"""Admin autocomplete widgets that survive a tampered form.

Django's AutocompleteSelect looks the submitted ids up again when it redraws a form with
errors; an id that is not a number (a hand-edited or fuzzed POST) makes that lookup raise,
so the editor got a 500 instead of "Select a valid choice". These widgets drop such values
before the lookup: the field's own validation has already reported them. The bounded fields
refuse ids past any primary key before the database driver overflows on them.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

BIGINT = 2**63


class _KnownKeysOnly:
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._is_key(v)], attr)

    def _is_key(self, value) -> bool:
        pk = self.field.remote_field.model._meta.pk
        try:
            key = pk.to_python(value)
        except (ValidationError, TypeError, ValueError):
            return False
        return not isinstance(key, int) or -BIGINT <= key < BIGINT


def _out_of_range(value) -> bool:
    """A whole number no primary key can be: the database driver would overflow on it (a 500)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    return not -BIGINT <= number < BIGINT


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if _out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:40]}
                )
        return super()._check_values(value)


class SafeAutocompleteSelect(_KnownKeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KnownKeysOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For ModelAdmin and inlines: their autocomplete_fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", BoundedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
