// Project the market graph into the GDS catalog as $graph: node labels $labels, and
// $relationships, a map of relationship type -> {orientation: 'UNDIRECTED'}.
CALL gds.graph.project($graph, $labels, $relationships)
YIELD graphName, nodeCount, relationshipCount
RETURN graphName, nodeCount, relationshipCount
