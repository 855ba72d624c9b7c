// Before loading videos: per creator, delete VideoLog parts beyond its new number of parts
// and FEATURED edges to products it no longer features.
// Row: {creator_id, parts, product_ids}.
// The far end of each OPTIONAL MATCH has no label on purpose: the planner can then only
// expand from the bound node, never scan a label or index when statistics are stale.
UNWIND $rows AS row
MATCH (c:Creator {creator_id: row.creator_id})
CALL (c, row) {
  OPTIONAL MATCH (c)-[:POSTED]->(v)
  WHERE v.part >= row.parts
  DETACH DELETE v
}
CALL (c, row) {
  OPTIONAL MATCH (c)-[f:FEATURED]->(p)
  WHERE NOT p.product_id IN row.product_ids
  DELETE f
}
RETURN count(*) AS rows
