// Creators who worked with similar brands but not with this one
// :params {brand_id: 'B00001', limit: 20}
//
// Similar brands share the brand's main category or a category of its products. Lists
// creators who accepted or completed collaborations with them and were never invited by
// the brand, most similar brands first, then most sales. When no creator of the brand's
// market qualifies, it widens step by step and says in the column similar_by which step
// it used: 'category' (the brand's own categories, its market), 'parent category' (every
// category under the same parent, its market), 'all markets' (every category under the
// same parent, creators of any market).
//
// @param brand_id string  the brand (brand_id)
// @param limit int = 20  how many creators
MATCH (b:Brand {brand_id: $brand_id})
CALL (b) {
  MATCH (b)-[:MAIN_CATEGORY]->(k:Category) RETURN k
  UNION
  MATCH (b)-[:SELLS]->(:Product)-[:IN_CATEGORY]->(k:Category) RETURN k
}
WITH b, collect(DISTINCT k) AS own
CALL (own) {
  UNWIND own AS k
  OPTIONAL MATCH (k)-[:SUBCATEGORY_OF]->(parent:Category)
  WITH coalesce(parent, k) AS top
  MATCH (family:Category)-[:SUBCATEGORY_OF*0..]->(top)
  RETURN collect(DISTINCT family) AS family
}
MATCH (other:Brand)
WHERE other <> b
WITH b, other,
     CASE WHEN EXISTS { (other)-[:MAIN_CATEGORY]->(k) WHERE k IN own }
               OR EXISTS { (other)-[:SELLS]->(:Product)-[:IN_CATEGORY]->(k) WHERE k IN own } THEN 1
          WHEN EXISTS { (other)-[:MAIN_CATEGORY]->(k) WHERE k IN family }
               OR EXISTS { (other)-[:SELLS]->(:Product)-[:IN_CATEGORY]->(k) WHERE k IN family } THEN 2
     END AS closeness
WHERE closeness IS NOT NULL
MATCH (other)-[r:INVITED]->(c:Creator)
WHERE r.status IN ['accepted', 'completed'] AND NOT EXISTS { (b)-[:INVITED]->(c) }
// 1 = category, 2 = parent category (both in the brand's market), 3 = another market
WITH other, r, c, CASE WHEN c.market = b.market THEN closeness ELSE 3 END AS level
WITH collect({other: other, r: r, c: c, level: level}) AS pairs, min(level) AS best
UNWIND [p IN pairs WHERE p.level = best] AS p
WITH best, p.c AS c, p.other AS other, p.r AS r
WITH best, c, count(DISTINCT other) AS similar_brands, collect(DISTINCT other.name)[..3] AS examples,
     sum(coalesce(r.gmv, 0.0)) AS gmv_with_them, avg(r.rating) AS avg_rating
RETURN c.creator_id AS creator_id, c.handle AS handle, c.market AS market, c.followers AS followers,
       c.rate_per_video AS rate_per_video, similar_brands, examples, round(gmv_with_them, 2) AS gmv_with_them,
       round(avg_rating, 2) AS avg_rating, ['category', 'parent category', 'all markets'][best - 1] AS similar_by
ORDER BY similar_brands DESC, gmv_with_them DESC, creator_id
LIMIT toInteger($limit)
