"""Reports: the tables and pages that ``make reports`` rebuilds from nothing."""
