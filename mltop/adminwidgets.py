"""Admin autocomplete widgets that survive a tampered form.

Django's AutocompleteSelect looks the submitted ids up again when it redraws a form with
errors; an id that is not a number (a hand-edited or fuzzed POST) makes that lookup raise,
so the editor got a 500 instead of "Select a valid choice". These widgets drop such values
before the lookup: the field's own validation has already reported them.
"""

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


class SafeAutocompleteSelect(_KnownKeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KnownKeysOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For ModelAdmin and inlines: their autocomplete_fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
