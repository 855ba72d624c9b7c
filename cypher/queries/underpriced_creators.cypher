// Under-priced creators: even the low end of the fair rate is above the asked rate
// :params {market: 'ID', min_index: 0, min_evidence: 0, limit: 20}
//
// The fair rate is the one 'creatormatch pricing' computes (docs/pricing.md): expected GMV
// of one shoppable video, learnt from the creator's delivered sales and shrunk toward
// creators of the same size, market and category, divided by the target return on the fee
// (pricing_target_roas). 'creatormatch neo4j push' writes it on every Creator (fair_rate,
// fair_rate_low, value_ratio, underpriced). Optionally only creators whose mean index
// (cooperation, consistency, content success, sales uplift; at least two available) is at
// least min_index. Best value for money (value_ratio) first.
//
// @param market string  market code, e.g. ID
// @param min_index float = 0  lowest mean index (0-100); 0 = no index filter
// @param min_evidence int = 0  at least this many videos of delivered sales behind the estimate
// @param limit int = 20  how many creators
MATCH (c:Creator {market: $market})
WHERE c.underpriced = true AND coalesce(c.pricing_evidence_videos, 0) >= $min_evidence
WITH c, [x IN [c.cooperation_index, c.consistency_index, c.content_success_index, c.sales_uplift_index]
         WHERE x IS NOT NULL] AS scores
WITH c, CASE WHEN size(scores) >= 2 THEN reduce(s = 0.0, x IN scores | s + x) / size(scores) END AS mean_index
WHERE $min_index <= 0 OR mean_index >= $min_index
RETURN c.creator_id AS creator_id, c.handle AS handle, c.followers AS followers,
       c.rate_per_video AS rate_per_video, round(c.fair_rate, 2) AS fair_rate,
       round(c.fair_rate_low, 2) AS fair_rate_low, round(c.value_ratio, 3) AS value_ratio,
       round(c.expected_gmv_per_video, 2) AS expected_gmv_per_video,
       c.pricing_evidence_videos AS evidence_videos, round(mean_index, 1) AS mean_index,
       c.pricing_target_roas AS target_roas
ORDER BY c.value_ratio DESC, creator_id
LIMIT toInteger($limit)
