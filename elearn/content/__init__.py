"""Course content as versioned data: models, packages, rendering, sync."""
