"""Template tags of the boards: a field's name and description in the reader's language."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def category_name(category) -> str:
    return category.name_in(get_language())


@register.simple_tag
def category_description(category) -> str:
    return category.description_in(get_language())
