// GDS PageRank of every node of the projected graph $graph, with the node's label and key
// (scores to 6 decimals: readable in Browser, and far finer than the engine cross-check's
// tolerance).
// :params {graph: 'creatormatch', damping: 0.85, max_iterations: 100, tolerance: 0.0000000001}
CALL gds.pageRank.stream($graph, {dampingFactor: $damping, maxIterations: toInteger($max_iterations), tolerance: $tolerance})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS n, score
RETURN labels(n)[0] AS label,
       coalesce(n.creator_id, n.brand_id, n.product_id, n.category_id, n.campaign_id) AS key,
       round(score, 6) AS score
