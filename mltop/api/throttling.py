"""Throttling of anonymous clients, with the rate read from settings at each request.

DRF's own throttles copy DEFAULT_THROTTLE_RATES when the class is defined, so a rate
changed in settings (or by a test) would not be seen; this one reads API_ANON_THROTTLE_RATE.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousClientThrottle(AnonRateThrottle):
    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
