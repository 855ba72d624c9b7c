// The fingerprint and content digest recorded by the last complete load.
OPTIONAL MATCH (d:DatasetInfo {key: 'dataset'})
RETURN d.fingerprint AS fingerprint, d.content_digest AS content_digest, d.load_complete AS load_complete
