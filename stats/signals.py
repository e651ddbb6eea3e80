"""What the figures app tells the apps to its right, which it cannot import (see DESIGN.md, "Shape")."""

from django.dispatch import Signal

# Sent by every writer of samples after each batch, inside the writing transaction, with
# ``project_ids`` (list of ints): those whose samples were inserted or changed. The rankings
# app listens: it recomputes those projects' kept figures in the same transaction, so a
# build of today never reads figures older than the samples they came from.
samples_written = Signal()
