"""A browser session's files, and the cleanup after users who left."""
