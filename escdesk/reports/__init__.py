"""Printable reports beyond the one-page brief: the weekly portfolio (weekly.py) and the shared output helpers.

Data is gathered by `portfolio.weekly_portfolio` (SQL aggregates through escdesk.store.portfolio) into a frozen
object; `weekly.build_weekly_pdf` renders it with the brief's fonts, escaping and palette.
"""
