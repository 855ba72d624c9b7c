// Nodes per label (from the count store; a node with several labels counts under each).
CALL db.labels() YIELD label
CALL (label) { MATCH (n:$(label)) RETURN count(n) AS count }
RETURN label, count
ORDER BY label
