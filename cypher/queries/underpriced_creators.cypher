// Under-priced creators: strong indices, a rate below the market median
// :params {market: 'ID', min_index: 60, limit: 20}
//
// Creators whose mean index (cooperation, consistency, content success, sales uplift;
// at least two available) is at least min_index while their rate per video is below the
// median rate of their market. Best value (mean index per unit of price ratio) first.
//
// @param market string  market code, e.g. ID
// @param min_index float = 60  lowest mean index (0-100)
// @param limit int = 20  how many creators
MATCH (c:Creator {market: $market})
WHERE c.rate_per_video IS NOT NULL
WITH percentileCont(c.rate_per_video, 0.5) AS median_rate, collect(c) AS creators
UNWIND creators AS c
WITH c, median_rate,
     [x IN [c.cooperation_index, c.consistency_index, c.content_success_index, c.sales_uplift_index]
      WHERE x IS NOT NULL] AS scores
WHERE size(scores) >= 2 AND c.rate_per_video < median_rate
WITH c, median_rate, reduce(s = 0.0, x IN scores | s + x) / size(scores) AS mean_index
WHERE mean_index >= $min_index
RETURN c.creator_id AS creator_id, c.handle AS handle, c.followers AS followers,
       round(mean_index, 1) AS mean_index, c.rate_per_video AS rate_per_video,
       round(median_rate, 2) AS market_median_rate,
       round(c.rate_per_video / median_rate, 2) AS price_ratio
ORDER BY mean_index / (c.rate_per_video / median_rate + 0.05) DESC, creator_id
LIMIT toInteger($limit)
