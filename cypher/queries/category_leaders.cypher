// Category leaders by index
//
// Creators active in a category (its subcategories included) -- by primary category or
// by featuring its products -- ranked by one creator index written by
// `creatormatch neo4j push`: cooperation, consistency, diligence, content_volume,
// content_success or sales_uplift. An empty market means every market.
//
// @param category_id string  the category (category_id), e.g. beauty
// @param index string = cooperation  which index to rank by
// @param market string = ""  market code (empty: all markets)
// @param limit int = 20  how many creators
MATCH (top:Category {category_id: $category_id})
MATCH (k:Category)-[:SUBCATEGORY_OF*0..]->(top)
WITH collect(k) AS categories
MATCH (c:Creator)
WHERE ($market = '' OR c.market = $market)
  AND c[$index + '_index'] IS NOT NULL
  AND (EXISTS { (c)-[:PRIMARY_CATEGORY]->(k) WHERE k IN categories }
       OR EXISTS { (c)-[:FEATURED]->(:Product)-[:IN_CATEGORY]->(k) WHERE k IN categories })
RETURN c.creator_id AS creator_id, c.handle AS handle, c.market AS market, c.followers AS followers,
       round(c[$index + '_index'], 1) AS index_score, c[$index + '_evidence'] AS evidence,
       c.top_category_id AS top_category
ORDER BY index_score DESC, evidence DESC, creator_id
LIMIT $limit
