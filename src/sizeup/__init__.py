"""sizeup."""
