// The installed Graph Data Science version.
// :params {}
RETURN gds.version() AS version
