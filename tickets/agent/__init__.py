"""The agent workspace: queue, search and journal selectors, and the services behind the agent pages."""
