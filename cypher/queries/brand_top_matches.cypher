// A brand's top matches, with the reasons behind each score
// :params {brand_id: 'B00001', limit: 10}
//
// Which creators should this brand invite first, and why? Reads the MATCH edges that
// `creatormatch neo4j push` wrote: rank, score (0-1: with the learned ranker the probability
// of a collaboration within its horizon, else the blend), the chance of a yes if the brand
// invites the creator (learned ranker only; null otherwise), the six components (each
// normalised to 0-1; missing = not available) and the plain-language reasons.
//
// @param brand_id string  the brand (brand_id)
// @param limit int = 10  how many matches
MATCH (b:Brand {brand_id: $brand_id})-[m:MATCH]->(c:Creator)
RETURN m.rank AS rank, c.creator_id AS creator_id, c.handle AS handle, c.market AS market,
       c.followers AS followers, c.rate_per_video AS rate_per_video, round(m.score, 3) AS score,
       round(m.yes_if_invited, 3) AS yes_if_invited,
       {mf: round(m.mf, 3), graph: round(m.graph, 3), category_fit: round(m.category_fit, 3),
        cooperation: round(m.cooperation, 3), consistency: round(m.consistency, 3), uplift: round(m.uplift, 3)}
         AS components,
       m.reasons AS reasons, m.model AS model
ORDER BY rank
LIMIT toInteger($limit)
