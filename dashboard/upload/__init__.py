"""Analysing an uploaded video: the page's state, the background job and the queue."""
