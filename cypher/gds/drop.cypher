// Drop the projected graph $graph from the GDS catalog (no error if it does not exist).
// :params {graph: 'creatormatch'}
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName
