"""The rules: one module per check-id prefix (`site.py` holds every `site.*` check). A rule module
imports the registry, the model, the shared helpers and checks/facts/, never another rule module."""
