"""UWV documents (P12): drafts, finals, PDFs, signed scans and the re-integratieverslag."""
