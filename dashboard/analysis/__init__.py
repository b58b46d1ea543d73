"""What to run: the model catalogue and the sidebar's analysis settings."""
