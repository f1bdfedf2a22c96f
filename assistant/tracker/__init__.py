"""The recommendation tracker: accounts, status updates (PLANES_UPDATES_DB) and the read model
that joins them to the recommendations of the index."""
