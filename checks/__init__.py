"""Stage 2, AUDIT: pure functions over the snapshot. One module per rule family, listed in library.py."""
