"""The medical-term guard (docs/features.md P8): free text by non-medical users is checked for medical terms."""
