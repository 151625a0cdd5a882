"""The local runtime: the stack's services as plain host processes, with no Docker."""
