"""Loading, validating and quote-checking brief files."""
