"""What every page shares: words, links, the count charts' style and the cards."""
