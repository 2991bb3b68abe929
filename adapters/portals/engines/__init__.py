"""Portal engines: one adapter driven by a catalog entry's configuration."""
