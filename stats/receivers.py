"""The figures app's answers to the catalogue's signals."""

from django.dispatch import receiver

from projects.signals import projects_entered

from . import samples, services


@receiver(projects_entered, dispatch_uid="stats.fetch_entering_projects")
def fetch_entering_projects(sender, *, project_ids: list[int], **kwargs) -> None:
    """New projects get their figures from GitHub once the transaction that added them commits,
    and their past daily stars from GitHub's star history (on the backfill queue)."""
    services.refresh_enqueue(project_ids=project_ids)
    services.backfill_enqueue(project_ids=project_ids)


@receiver(projects_entered, dispatch_uid="stats.first_sample_of_entering_projects")
def sample_entering_projects(sender, *, project_ids: list[int], **kwargs) -> None:
    """Projects that come with figures (discovery's search results) get today's sample from them."""
    samples.first_samples_record(project_ids=project_ids)
