"""Simplified Chinese formats: Django's, with figures grouped in thousands.

Django's zh_Hans formats group nothing (THOUSAND_SEPARATOR ""), so ``intcomma`` printed
11248 on Chinese pages and 11,248 on English ones. Chinese sites print star counts with a
comma every three digits, as GitHub does in Chinese.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 - Django's formats, two overridden

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
