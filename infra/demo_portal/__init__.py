"""Demo supplier portals: real aiohttp apps on 127.0.0.1 for the demo and tests."""
