"""Every cross-app hook of Hersteld, declared in one place.

A lower app announces; a higher app listens (connected in its `AppConfig.ready()`), so
no app imports one above it. Receivers run inside the sender's transaction.
"""

from django.dispatch import Signal

# organisations -> people: a department is about to end on `end_date`. A receiver answers an
# error code (the department may not end) or None. Arguments: department, end_date.
department_ending = Signal()
