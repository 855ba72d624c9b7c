// Find creators, brands, products and categories by name or handle
// :params {text: 'glow*', limit: 20}
//
// Full-text search (index name_search) over creator handles and brand, product and
// category names. The text uses Lucene syntax: words, "quoted phrases", prefix* and
// fuzzy~ terms.
//
// @param text string  what to look for, e.g. glow*
// @param limit int = 20  how many results
CALL db.index.fulltext.queryNodes('name_search', $text) YIELD node, score
RETURN labels(node)[0] AS kind,
       coalesce(node.creator_id, node.brand_id, node.product_id, node.category_id) AS id,
       coalesce(node.handle, node.name) AS name, node.market AS market, round(score, 3) AS score
ORDER BY score DESC, id
LIMIT toInteger($limit)
