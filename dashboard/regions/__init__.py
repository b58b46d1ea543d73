"""The counting region: typed or clicked points, read, checked and drawn."""
