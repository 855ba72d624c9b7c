// Project the market graph into the GDS catalog as $graph: node labels $labels, and
// $relationships, a map of relationship type -> {orientation: 'UNDIRECTED'}.
// :params {graph: 'creatormatch', labels: ['Creator', 'Brand', 'Product', 'Category', 'Campaign'], relationships: {INVITED: {orientation: 'UNDIRECTED'}, SELLS: {orientation: 'UNDIRECTED'}, IN_CATEGORY: {orientation: 'UNDIRECTED'}, SUBCATEGORY_OF: {orientation: 'UNDIRECTED'}, MAIN_CATEGORY: {orientation: 'UNDIRECTED'}, PRIMARY_CATEGORY: {orientation: 'UNDIRECTED'}, RUNS: {orientation: 'UNDIRECTED'}, PROMOTES: {orientation: 'UNDIRECTED'}, FEATURED: {orientation: 'UNDIRECTED'}}}
CALL gds.graph.project($graph, $labels, $relationships)
YIELD graphName, nodeCount, relationshipCount
RETURN graphName, nodeCount, relationshipCount
