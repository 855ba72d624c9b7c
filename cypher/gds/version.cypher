// The installed Graph Data Science version.
RETURN gds.version() AS version
