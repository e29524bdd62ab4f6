"""Pure analytics on frames: point-and-figure charts, relative strength, breadth and statistics.

Modules here take pandas/numpy data and return frames or frozen result objects; they never touch
the network or the store.
"""
