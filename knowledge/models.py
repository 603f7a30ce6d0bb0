"""Knowledge-base articles and FAQ entries (see the knowledge issue)."""
