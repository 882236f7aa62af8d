# Reference for tests/psychometrics/test_numerics_boundary.py: an indefinite pairwise correlation matrix
# (tests/reference/pairwise_indefinite.csv, 40 rows, each third of the rows missing one item) and
# psych::cor.smooth of it; KMO and Bartlett of the smoothed matrix.
# Run from the repository root: Rscript tests/reference/make_smoothing_reference.R
library(psych)
library(jsonlite)
x <- read.csv("tests/reference/pairwise_indefinite.csv")
r <- cor(x, use = "pairwise")
s <- suppressWarnings(cor.smooth(r))
k <- KMO(s)
b <- cortest.bartlett(s, n = nrow(x))
out <- list(
  pairwise = unname(r), eigen_pairwise = eigen(r)$values,
  smoothed = unname(s), kmo = k$MSA, msa = unname(k$MSAi), bartlett_chi2 = b$chisq, bartlett_df = b$df,
  r_version = R.version.string, psych_version = as.character(packageVersion("psych"))
)
write_json(out, "tests/reference/pairwise_indefinite_smoothed.json", digits = NA, pretty = TRUE)
