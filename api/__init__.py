"""The intake HTTP API: the portal submits dossiers, officers upload batches, both read status and results."""
