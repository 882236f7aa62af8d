# Reference for tests/psychometrics/test_mutants_dispatch.py: stats::varimax without Kaiser normalization.
# Run: Rscript make_varimax_raw.R (writes varimax_raw.json beside this script).
library(jsonlite)
# a simple structure with unequal item lengths, turned by 0.5 radian, so that the rotation has work to do
# and Kaiser's normalization changes the answer
simple <- matrix(c(0.85, 0.40, 0.70, 0.10, 0.05, 0.15,
                   0.10, 0.05, 0.20, 0.30, 0.75, 0.60), ncol = 2)
turn <- matrix(c(cos(0.5), -sin(0.5), sin(0.5), cos(0.5)), 2)
a <- round(simple %*% turn, 4)
v <- varimax(a, normalize = FALSE, eps = 1e-5)
out <- list(
  a = a,
  loadings = unclass(v$loadings),
  rotmat = v$rotmat,
  r_version = R.version.string
)
write_json(out, "varimax_raw.json", digits = NA, pretty = TRUE, matrix = "rowmajor")
