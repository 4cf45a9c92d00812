"""API keys: scopes, profiles, and the dependencies that check them."""
