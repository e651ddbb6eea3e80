"""What the catalogue tells the apps to its right, which it cannot import (see DESIGN.md, "Shape")."""

from django.dispatch import Signal

# Sent by the catalogue's services when projects enter it (added by an editor, tracked, or found
# by discovery), with ``project_ids`` (list of ints). The figures app listens: it queues their
# first fetch and their star history once the transaction commits.
projects_entered = Signal()
