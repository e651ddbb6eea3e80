"""An index whose NULLs sit where the queries that read it put them, on every database."""

from django.db import models
from django.db.models import OrderBy


class NullsPlacedIndex(models.Index):
    """``models.Index`` over ``F(...).desc(nulls_last=True)`` (or ``asc(nulls_first=True)``).

    PostgreSQL needs the NULLs' place spelled out for an ``ORDER BY … NULLS LAST`` to read the
    index. SQLite refuses the words in an index, and needs none: its NULLs are the smallest
    values, so they come last descending and first ascending anyway.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = self.clone()
        plain.expressions = tuple(
            OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e for e in self.expressions
        )
        return models.Index.create_sql(plain, model, schema_editor, using=using, **kwargs)
