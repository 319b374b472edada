"""Stage 1, GATHER: crawl a portal and probe its network, writing a snapshot. Nothing is judged here."""
