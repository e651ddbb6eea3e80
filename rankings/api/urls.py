from django.urls import path

from .views import CurrentRankingView

urlpatterns = [
    path("rankings/current/", CurrentRankingView.as_view(), name="api-ranking-current"),
]
