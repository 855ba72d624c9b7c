// GDS PageRank of every node of the projected graph $graph, with the node's label and key.
CALL gds.pageRank.stream($graph, {dampingFactor: $damping, maxIterations: $max_iterations, tolerance: $tolerance})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS n, score
RETURN labels(n)[0] AS label,
       coalesce(n.creator_id, n.brand_id, n.product_id, n.category_id, n.campaign_id) AS key,
       score
