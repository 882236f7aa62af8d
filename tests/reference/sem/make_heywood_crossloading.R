# Reference for tests/psychometrics/sem/test_heywood_crossloading.py: a model of Holzinger-Swineford (hs_school.csv)
# with a cross-loading, a regression and a factor covariance, whose ML solution is a Heywood case (x1's residual
# variance -0.072). lavaan's nlminb converges in 49 iterations; cmanalytics's scoring used to crawl into another
# basin and its BFGS fallback failed. Run: Rscript make_heywood_crossloading.R (from this folder).
library(lavaan)
library(jsonlite)
d <- read.csv("hs_school.csv")
m <- "
visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9 + x1
textual ~ visual
x2 ~~ x3
speed ~~ textual
"
f <- sem(m, d)
pe <- parameterEstimates(f)
out <- list(
  model = m,
  converged = lavInspect(f, "converged"),
  chisq = unname(fitMeasures(f, "chisq")),
  df = unname(fitMeasures(f, "df")),
  lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est,
  lavaan_version = as.character(packageVersion("lavaan"))
)
write_json(out, "heywood_crossloading.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
