"""Hyperion: a big-data pipeline over Disney-family animated films."""
