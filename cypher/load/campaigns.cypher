// Load campaigns: (:Brand)-[:RUNS]->(:Campaign)-[:PROMOTES]->(:Product) and
// (:Campaign)-[:IN_CATEGORY]->(:Category).
// Row: {campaign_id, props: {budget}, start_date, end_date (ISO dates), brand_id, product_id,
// category_id}.
// The far end of each OPTIONAL MATCH has no label on purpose: the planner can then only
// expand from the bound node, never scan a label or index when statistics are stale.
UNWIND $rows AS row
MERGE (k:Campaign {campaign_id: row.campaign_id})
SET k += row.props, k.start_date = date(row.start_date), k.end_date = date(row.end_date)
WITH k, row
CALL (k, row) {
  OPTIONAL MATCH (k)<-[old:RUNS]-(b)
  WHERE row.brand_id IS NULL OR b.brand_id <> row.brand_id
  DELETE old
}
CALL (k, row) {
  OPTIONAL MATCH (k)-[old:PROMOTES]->(p)
  WHERE row.product_id IS NULL OR p.product_id <> row.product_id
  DELETE old
}
CALL (k, row) {
  OPTIONAL MATCH (k)-[old:IN_CATEGORY]->(c)
  WHERE row.category_id IS NULL OR c.category_id <> row.category_id
  DELETE old
}
CALL (k, row) {
  MATCH (b:Brand {brand_id: row.brand_id})
  MERGE (b)-[:RUNS]->(k)
}
CALL (k, row) {
  MATCH (p:Product {product_id: row.product_id})
  MERGE (k)-[:PROMOTES]->(p)
}
CALL (k, row) {
  MATCH (c:Category {category_id: row.category_id})
  MERGE (k)-[:IN_CATEGORY]->(c)
}
RETURN count(*) AS rows
