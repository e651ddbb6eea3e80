"""The rankings app's answers to the figures app's signals."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from stats.models import StatsSample
from stats.signals import samples_written

from .kept_figures import figures_update


@receiver(samples_written, dispatch_uid="rankings.keep_figures_of_written_samples")
def keep_figures_of_written_samples(sender, *, project_ids: list[int], **kwargs) -> None:
    """Those projects' kept figures, recomputed as of today in the writing transaction (a lock, a statement)."""
    figures_update(project_ids=project_ids)


@receiver(post_delete, sender=StatsSample, dispatch_uid="rankings.keep_figures_of_deleted_sample")
def keep_figures_of_deleted_sample(sender, *, instance: StatsSample, **kwargs) -> None:
    """A sample deleted one by one (admin): its project's kept figures, recomputed."""
    figures_update(project_ids=[instance.project_id])
