"""Built-in screen definitions (TOML), read with importlib.resources by the screens."""
