"""Cameras watched for days: the list, the form that adds one, and a camera's
dashboard. The analysis runs in `workers` (on Ray); these pages only submit and show."""
