// Lookalikes of a creator
// :params {creator_id: 'C0000042', limit: 10}
//
// Creators in the same market who worked with the same brands (accepted or completed) or
// featured products of the same categories, ranked by shared brands, then shared
// categories, then closeness in followers.
//
// @param creator_id string  the creator (creator_id)
// @param limit int = 10  how many creators
MATCH (me:Creator {creator_id: $creator_id})
CALL (me) {
  MATCH (me)<-[r1:INVITED]-(b:Brand)-[r2:INVITED]->(other:Creator)
  WHERE other <> me AND other.market = me.market
    AND r1.status IN ['accepted', 'completed'] AND r2.status IN ['accepted', 'completed']
  RETURN other, count(DISTINCT b) AS brands, 0 AS categories
  UNION ALL
  MATCH (me)-[:FEATURED]->(:Product)-[:IN_CATEGORY]->(k:Category)<-[:IN_CATEGORY]-(:Product)<-[:FEATURED]-(other:Creator)
  WHERE other <> me AND other.market = me.market
  RETURN other, 0 AS brands, count(DISTINCT k) AS categories
}
WITH me, other, sum(brands) AS shared_brands, sum(categories) AS shared_categories
RETURN other.creator_id AS creator_id, other.handle AS handle, other.followers AS followers,
       other.rate_per_video AS rate_per_video, shared_brands, shared_categories,
       round(abs(log10(other.followers + 1.0) - log10(me.followers + 1.0)), 2) AS follower_gap
ORDER BY shared_brands DESC, shared_categories DESC, follower_gap, creator_id
LIMIT toInteger($limit)
