// Campaigns known only by id (campaigns.csv absent, ids taken from references). Row: {campaign_id}.
UNWIND $rows AS row
MERGE (k:Campaign {campaign_id: row.campaign_id})
RETURN count(*) AS rows
