"""Requester pages of the tickets app, split by concept (filing, following, files)."""
