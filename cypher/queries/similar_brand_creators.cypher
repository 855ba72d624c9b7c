// Creators who worked with similar brands but not with this one
//
// Similar brands share the brand's main category or a category of its products. Lists
// creators in the brand's market who accepted or completed collaborations with them and
// were never invited by the brand, most similar brands first, then most sales.
//
// @param brand_id string  the brand (brand_id)
// @param limit int = 20  how many creators
MATCH (b:Brand {brand_id: $brand_id})
CALL (b) {
  MATCH (b)-[:MAIN_CATEGORY]->(k:Category) RETURN k
  UNION
  MATCH (b)-[:SELLS]->(:Product)-[:IN_CATEGORY]->(k:Category) RETURN k
}
WITH b, collect(DISTINCT k) AS categories
MATCH (other:Brand)-[r:INVITED]->(c:Creator)
WHERE other <> b AND c.market = b.market AND r.status IN ['accepted', 'completed']
  AND (EXISTS { (other)-[:MAIN_CATEGORY]->(k) WHERE k IN categories }
       OR EXISTS { (other)-[:SELLS]->(:Product)-[:IN_CATEGORY]->(k) WHERE k IN categories })
  AND NOT EXISTS { (b)-[:INVITED]->(c) }
WITH c, count(DISTINCT other) AS similar_brands, collect(DISTINCT other.name)[..3] AS examples,
     sum(coalesce(r.gmv, 0.0)) AS gmv_with_them, avg(r.rating) AS avg_rating
RETURN c.creator_id AS creator_id, c.handle AS handle, c.followers AS followers,
       c.rate_per_video AS rate_per_video, similar_brands, examples,
       round(gmv_with_them, 2) AS gmv_with_them, round(avg_rating, 2) AS avg_rating
ORDER BY similar_brands DESC, gmv_with_them DESC, creator_id
LIMIT $limit
