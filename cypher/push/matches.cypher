// Replace each brand's matches: delete all its MATCH edges, then create the new top-K as
// (:Brand)-[:MATCH {rank, score, mf, graph, category_fit, cooperation, consistency, uplift,
// reasons, model, yes_if_invited}]->(:Creator); a property without a value is left out
// (yes_if_invited exists only with the learned ranker). One transaction holds whole
// brands, so after a crash each brand has either its old or its new matches, never a mix.
// Row: {brand_id, matches: [{creator_id, props}]}.
UNWIND $rows AS row
MATCH (b:Brand {brand_id: row.brand_id})
CALL (b) {
  MATCH (b)-[old:MATCH]->(:Creator)
  DELETE old
}
CALL (b, row) {
  UNWIND row.matches AS m
  MATCH (c:Creator {creator_id: m.creator_id})
  CREATE (b)-[r:MATCH]->(c)
  SET r = m.props
}
RETURN count(*) AS rows, sum(COUNT { (b)-[:MATCH]->(:Creator) }) AS edges
