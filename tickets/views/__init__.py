"""Pages of the tickets app, split by concept: filing, the requester's tickets, the agent workspace, files, links."""
