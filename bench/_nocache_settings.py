"""The production settings with a cache that keeps nothing: the web benchmark's "miss" mode.

Every cache read misses (Django's DummyCache), so each request computes its response in
full: the data, the HTML, the rankings generation, with no copies kept in the process
either. bench/web.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench._nocache_settings
for that mode.
"""

from mltop.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
CACHE_LOCAL_COPIES = False
