// Load products: (:Brand)-[:SELLS]->(:Product)-[:IN_CATEGORY]->(:Category).
// Row: {product_id, props: {name, price}, brand_id, category_id}.
// The far end of each OPTIONAL MATCH has no label on purpose: the planner can then only
// expand from the bound node, never scan a label or index when statistics are stale.
UNWIND $rows AS row
MERGE (p:Product {product_id: row.product_id})
SET p += row.props
WITH p, row
CALL (p, row) {
  OPTIONAL MATCH (p)<-[old:SELLS]-(b)
  WHERE row.brand_id IS NULL OR b.brand_id <> row.brand_id
  DELETE old
}
CALL (p, row) {
  OPTIONAL MATCH (p)-[old:IN_CATEGORY]->(k)
  WHERE row.category_id IS NULL OR k.category_id <> row.category_id
  DELETE old
}
CALL (p, row) {
  MATCH (b:Brand {brand_id: row.brand_id})
  MERGE (b)-[:SELLS]->(p)
}
CALL (p, row) {
  MATCH (k:Category {category_id: row.category_id})
  MERGE (p)-[:IN_CATEGORY]->(k)
}
RETURN count(*) AS rows
