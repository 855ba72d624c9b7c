// How a brand's campaigns did
// :params {brand_id: 'B00001', limit: 20}
//
// Per campaign of the brand: invitations sent, accepted or completed, acceptance rate,
// fees paid, sales (GMV) and GMV per unit of fee.
//
// @param brand_id string  the brand (brand_id)
// @param limit int = 20  how many campaigns
MATCH (b:Brand {brand_id: $brand_id})-[:RUNS]->(k:Campaign)
OPTIONAL MATCH (b)-[r:INVITED {campaign_id: k.campaign_id}]->(:Creator)
WITH k, count(r) AS invitations,
     count(CASE WHEN r.status IN ['accepted', 'completed'] THEN 1 END) AS accepted,
     sum(coalesce(r.fee, 0.0)) AS fees, sum(coalesce(r.gmv, 0.0)) AS gmv
RETURN k.campaign_id AS campaign_id, k.start_date AS start_date, k.end_date AS end_date,
       [(k)-[:PROMOTES]->(p:Product) | p.name][0] AS product, k.budget AS budget,
       invitations, accepted,
       CASE WHEN invitations = 0 THEN null ELSE round(1.0 * accepted / invitations, 3) END AS acceptance_rate,
       round(fees, 2) AS fees, round(gmv, 2) AS gmv,
       CASE WHEN fees = 0 THEN null ELSE round(gmv / fees, 2) END AS gmv_per_fee
ORDER BY start_date DESC, campaign_id
LIMIT toInteger($limit)
