// The markets at a glance
// :params {}
//
// Per market: creators, brands, invitations sent by its brands, acceptance rate, median
// followers and median rate per video.
//
MATCH (c:Creator)
WITH c.market AS market, count(*) AS creators, percentileCont(c.followers, 0.5) AS median_followers,
     percentileCont(c.rate_per_video, 0.5) AS median_rate
OPTIONAL MATCH (b:Brand {market: market})
WITH market, creators, median_followers, median_rate, collect(b) AS brands
CALL (brands) {
  UNWIND brands AS b
  MATCH (b)-[r:INVITED]->(:Creator)
  RETURN count(r) AS invitations, count(CASE WHEN r.status IN ['accepted', 'completed'] THEN 1 END) AS accepted
}
RETURN market, creators, size(brands) AS brands, invitations,
       CASE WHEN invitations = 0 THEN null ELSE round(1.0 * accepted / invitations, 3) END AS acceptance_rate,
       median_followers, round(median_rate, 2) AS median_rate
ORDER BY creators DESC, market
