"""Fetched files: checked to be documents, then read into facts with confidences."""
