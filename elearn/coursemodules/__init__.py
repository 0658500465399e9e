"""Course modules: discovery, validation, rendering and syncing into the database."""
