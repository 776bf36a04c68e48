"""claimlint: a compliance linter for ketamine, esketamine and SSRI marketing copy."""

__version__ = "0.1.0"
