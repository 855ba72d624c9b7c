// Category leaders by index
// :params {category_id: 'beauty', index: 'cooperation', market: '', limit: 20}
//
// Creators active in a category (its subcategories included) -- by primary category or
// by featuring its products -- ranked by one creator index written by
// `creatormatch neo4j push`: cooperation, consistency, diligence, content_volume,
// content_success or sales_uplift (any other name gives no rows). An empty market means
// every market.
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
  AND (EXISTS { (c)-[:PRIMARY_CATEGORY]->(k) WHERE k IN categories }
       OR EXISTS { (c)-[:FEATURED]->(:Product)-[:IN_CATEGORY]->(k) WHERE k IN categories })
WITH c, CASE $index
          WHEN 'cooperation' THEN [c.cooperation_index, c.cooperation_evidence]
          WHEN 'consistency' THEN [c.consistency_index, c.consistency_evidence]
          WHEN 'diligence' THEN [c.diligence_index, c.diligence_evidence]
          WHEN 'content_volume' THEN [c.content_volume_index, c.content_volume_evidence]
          WHEN 'content_success' THEN [c.content_success_index, c.content_success_evidence]
          WHEN 'sales_uplift' THEN [c.sales_uplift_index, c.sales_uplift_evidence]
        END AS picked
WHERE picked[0] IS NOT NULL
RETURN c.creator_id AS creator_id, c.handle AS handle, c.market AS market, c.followers AS followers,
       round(picked[0], 1) AS index_score, picked[1] AS evidence, c.top_category_id AS top_category
ORDER BY index_score DESC, evidence DESC, creator_id
LIMIT toInteger($limit)
