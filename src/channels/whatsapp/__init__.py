"""WhatsApp Business Cloud API: webhook in (signature, parsing, storing), Graph API out."""
