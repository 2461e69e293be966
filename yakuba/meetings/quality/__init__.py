"""Connection quality in meetings: `scoring` (plain functions), `selectors` (reads),
`services` (thresholds and the private nudges), `forms` and `views`."""
