from django.core.management.base import BaseCommand

from projects.categories import categories_ensure_defaults
from projects.discovery import discovery_rules_ensure_defaults
from rankings.schedules import ensure_default_schedules
from rankings.seeding import seed_load


class Command(BaseCommand):
    help = "Load the first published ranking (Mybridge Top 10, February 2018). Safe to run again."

    def handle(self, *args, **options):
        result = seed_load()
        entries = result.snapshot.entries.count()
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Seeded “{result.snapshot}” with {entries} entries."))
        else:
            self.stdout.write(f"“{result.snapshot}” is already there ({entries} entries); nothing changed.")
        for name in ensure_default_schedules():
            self.stdout.write(f"Scheduled “{name}” (change it in admin: Periodic tasks).")
        for name in discovery_rules_ensure_defaults():
            self.stdout.write(f"Added the discovery rule “{name}” (change it in admin: Discovery rules).")
        for slug in categories_ensure_defaults():
            self.stdout.write(f"Added the category “{slug}” (change it in admin: Categories).")
