"""Web plumbing shared by every app's views and API: form pages, paging, errors, schemas.

It sits low in the layers (above core and privacy): apps import it, it imports no app.
"""
