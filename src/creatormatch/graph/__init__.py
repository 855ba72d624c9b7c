"""Sparse graph building and (personalised) PageRank over the whole market."""

from .pagerank import PageRankDidNotConverge, pagerank, transition_matrix

__all__ = ["PageRankDidNotConverge", "pagerank", "transition_matrix"]
