"""Records found for a request (SPEC §11): the originals as received, the release versions (a record
released as it is, or redacted), redaction that removes what it hides, and its log."""
