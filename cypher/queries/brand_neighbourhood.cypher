// The collaboration neighbourhood of a brand
// :params {brand_id: 'B00001', limit: 15}
//
// Brands that worked with the same creators (accepted or completed collaborations on
// both sides), with how many creators they share and a few of them. In Neo4j Browser,
// brand_graph draws the same neighbourhood as a picture.
//
// @param brand_id string  the brand (brand_id)
// @param limit int = 15  how many brands
MATCH (b:Brand {brand_id: $brand_id})-[r1:INVITED]->(c:Creator)<-[r2:INVITED]-(other:Brand)
WHERE other <> b AND r1.status IN ['accepted', 'completed'] AND r2.status IN ['accepted', 'completed']
WITH other, count(DISTINCT c) AS shared_creators, collect(DISTINCT c.handle)[..3] AS examples
RETURN other.brand_id AS brand_id, other.name AS brand, other.market AS market, shared_creators, examples,
       [(other)-[:MAIN_CATEGORY]->(k:Category) | k.name][0] AS main_category
ORDER BY shared_creators DESC, brand_id
LIMIT toInteger($limit)
