// Creators who featured a product in their videos
// :params {product_id: 'P000001', limit: 20}
//
// From the aggregated FEATURED edges: videos, views, orders and GMV per creator for the
// product, and whether the creator ever collaborated with the product's brand.
//
// @param product_id string  the product (product_id)
// @param limit int = 20  how many creators
MATCH (p:Product {product_id: $product_id})<-[f:FEATURED]-(c:Creator)
OPTIONAL MATCH (b:Brand)-[:SELLS]->(p)
RETURN c.creator_id AS creator_id, c.handle AS handle, c.market AS market, f.videos AS videos,
       f.views AS views, f.orders AS orders, round(f.gmv, 2) AS gmv, f.last_posted_at AS last_posted_at,
       EXISTS { (b)-[:INVITED]->(c) } AS worked_with_brand
ORDER BY gmv DESC, views DESC, creator_id
LIMIT toInteger($limit)
