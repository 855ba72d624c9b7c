// Load brands and their main category: (:Brand)-[:MAIN_CATEGORY]->(:Category).
// Row: {brand_id, props: {name, market}, category_id}.
// The far end of each OPTIONAL MATCH has no label on purpose: the planner can then only
// expand from the bound node, never scan a label or index when statistics are stale.
UNWIND $rows AS row
MERGE (b:Brand {brand_id: row.brand_id})
SET b += row.props
WITH b, row
CALL (b, row) {
  OPTIONAL MATCH (b)-[old:MAIN_CATEGORY]->(k)
  WHERE row.category_id IS NULL OR k.category_id <> row.category_id
  DELETE old
}
CALL (b, row) {
  MATCH (k:Category {category_id: row.category_id})
  MERGE (b)-[:MAIN_CATEGORY]->(k)
}
RETURN count(*) AS rows
