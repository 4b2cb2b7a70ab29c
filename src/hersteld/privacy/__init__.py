"""The medical-term guard (features.md P8): free text by non-medical users is checked for medical terms."""
