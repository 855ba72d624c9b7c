// The creatormatch graph schema: a uniqueness constraint for every node key, indexes for
// the common filters. Every statement is idempotent (IF NOT EXISTS); apply with
// `creatormatch neo4j schema` (`neo4j load` applies it first). See docs/graph-model.md.

CREATE CONSTRAINT creator_id IF NOT EXISTS FOR (n:Creator) REQUIRE n.creator_id IS UNIQUE;
CREATE CONSTRAINT brand_id IF NOT EXISTS FOR (n:Brand) REQUIRE n.brand_id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.product_id IS UNIQUE;
CREATE CONSTRAINT category_id IF NOT EXISTS FOR (n:Category) REQUIRE n.category_id IS UNIQUE;
CREATE CONSTRAINT campaign_id IF NOT EXISTS FOR (n:Campaign) REQUIRE n.campaign_id IS UNIQUE;
// Videos are kept per creator in parts (see docs/graph-model.md): (creator_id, part) is the key.
CREATE CONSTRAINT video_log_key IF NOT EXISTS FOR (n:VideoLog) REQUIRE (n.creator_id, n.part) IS UNIQUE;
// One INVITED relationship per collaboration.
CREATE CONSTRAINT invited_collaboration_id IF NOT EXISTS FOR ()-[r:INVITED]-() REQUIRE r.collaboration_id IS UNIQUE;
CREATE CONSTRAINT dataset_info_key IF NOT EXISTS FOR (n:DatasetInfo) REQUIRE n.key IS UNIQUE;

CREATE INDEX creator_market IF NOT EXISTS FOR (n:Creator) ON (n.market);
CREATE INDEX creator_followers IF NOT EXISTS FOR (n:Creator) ON (n.followers);
CREATE INDEX creator_rate IF NOT EXISTS FOR (n:Creator) ON (n.rate_per_video);
CREATE INDEX brand_market IF NOT EXISTS FOR (n:Brand) ON (n.market);
CREATE INDEX invited_status IF NOT EXISTS FOR ()-[r:INVITED]-() ON (r.status);
CREATE INDEX invited_at IF NOT EXISTS FOR ()-[r:INVITED]-() ON (r.invited_at);
CREATE INDEX match_rank IF NOT EXISTS FOR ()-[r:MATCH]-() ON (r.rank);
CREATE FULLTEXT INDEX name_search IF NOT EXISTS FOR (n:Creator|Brand|Product|Category) ON EACH [n.handle, n.name];
