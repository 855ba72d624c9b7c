// What the last load and push recorded on the (:DatasetInfo {key: 'dataset'}) node.
OPTIONAL MATCH (d:DatasetInfo {key: 'dataset'})
RETURN d {.*} AS info
