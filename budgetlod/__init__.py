"""budgetlod: Chinese public budget disclosures as linked open data."""

__version__ = "0.1.0"
