// The collaboration neighbourhood of a brand, as a picture (for Neo4j Browser)
// :params {brand_id: 'B00001', limit: 50}
//
// Paths brand -> creator <- other brand over accepted or completed collaborations; run it
// in Neo4j Browser to see the neighbourhood drawn as a graph.
//
// @param brand_id string  the brand (brand_id)
// @param limit int = 50  how many paths
MATCH p = (b:Brand {brand_id: $brand_id})-[r1:INVITED]->(c:Creator)<-[r2:INVITED]-(other:Brand)
WHERE other <> b AND r1.status IN ['accepted', 'completed'] AND r2.status IN ['accepted', 'completed']
RETURN p
LIMIT toInteger($limit)
