"""Date formats for Django's `date` filter and unfiltered dates (FORMAT_MODULE_PATH).

The portal shows dates as dd-mm-jjjj in both languages; numbers, money and percentages go
through hersteld.core.display (the `show` template filter).
"""
