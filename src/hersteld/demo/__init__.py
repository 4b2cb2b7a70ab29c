"""Fictional demo data for `hersteld demo-data`: kept out of the product's apps.

Nothing in the product imports this package; it needs the `demo` extra (Faker).
"""
