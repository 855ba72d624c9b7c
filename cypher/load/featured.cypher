// Aggregated shoppable videos: one (:Creator)-[:FEATURED]->(:Product) per creator and
// product, with videos (count), views, likes, comments, shares, orders, gmv (sums) and
// first_posted_at / last_posted_at. Row: {creator_id, product_id, props, first_posted_at,
// last_posted_at (ISO datetimes)}.
UNWIND $rows AS row
MATCH (c:Creator {creator_id: row.creator_id})
MATCH (p:Product {product_id: row.product_id})
MERGE (c)-[f:FEATURED]->(p)
SET f += row.props, f.first_posted_at = datetime(row.first_posted_at),
    f.last_posted_at = datetime(row.last_posted_at)
RETURN count(*) AS rows
