"""Case attachments: uploaded files checked by content (owned by the portal work)."""
