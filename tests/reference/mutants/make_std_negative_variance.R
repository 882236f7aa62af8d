# lavaan's std.all of covariances beside a negative variance (cov.std = TRUE, its default): a covariance is
# divided by sqrt(|variance_i|) sqrt(|variance_j|), not NaN. Holzinger-Swineford (lavaan's copy) with x3's residual
# variance fixed at -0.05 and a free residual covariance x3 ~~ x6.
# Run: Rscript tests/reference/mutants/make_std_negative_variance.R  (writes std_negative_variance.json beside it)
library(lavaan); library(jsonlite)
out_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(hs, file.path(out_dir, "std_negative_variance_data.csv"), row.names = FALSE)
m1 <- "visual =~ x1 + x2 + x3
       textual =~ x4 + x5 + x6
       x3 ~~ -0.05*x3
       x3 ~~ x6"
take <- function(model) {
  fit <- sem(model, data = hs)
  s <- standardizedSolution(fit)
  p <- parameterEstimates(fit)
  list(lhs = p$lhs, op = p$op, rhs = p$rhs, est = p$est, std_all = s$est.std,
       lavaan = as.character(packageVersion("lavaan")))
}
write_json(list(residual = take(m1)), file.path(out_dir, "std_negative_variance.json"),
           digits = NA, auto_unbox = TRUE)
