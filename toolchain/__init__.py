"""Compare and publish successive drafts of a policy document."""

__version__ = "0.1.0"
