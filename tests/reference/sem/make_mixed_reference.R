# lavaan's WLSMV with ordinal and continuous indicators together (ordered = some of the items), for
# cmanalytics.psychometrics.sem.polyserial (sample statistics: thresholds, means, variances, polyserial and
# Pearson covariances, polychoric correlations; their asymptotic covariance Gamma) and the fit.
#
#   Rscript tests/reference/sem/make_mixed_reference.R     (from the worktree root)
#
# Data: HolzingerSwineford1939 with x4, x5, x6 cut at their 25th, 50th and 75th (x6: 33rd, 67th) percentiles
# into ordered categories (hs_mixed.csv); the other six stay continuous.
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

out <- "tests/reference/sem"
versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")))
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
cutq <- function(x, probs) as.integer(cut(x, unique(c(-Inf, quantile(x, probs), Inf)), labels = FALSE))
hs$x4 <- cutq(hs$x4, c(.25, .5, .75))
hs$x5 <- cutq(hs$x5, c(.25, .5, .75))
hs$x6 <- cutq(hs$x6, c(1 / 3, 2 / 3))
write.csv(hs, file.path(out, "hs_mixed.csv"), row.names = FALSE)

HS3 <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        speed =~ x7 + x8 + x9"
dump <- function(fit, name) {
  ss <- lavInspect(fit, "sampstat")
  pe <- parameterEstimates(fit, standardized = TRUE)
  keep <- c("lhs", "op", "rhs", "est", "se", "z", "pvalue", "std.lv", "std.all")
  fm <- fitMeasures(fit)
  js <- list(versions = versions,
             ov = lavNames(fit, "ov"),
             wls_obs = as.numeric(lavInspect(fit, "wls.obs")),
             wls_names = names(lavInspect(fit, "wls.obs")),
             gamma = unname(lavInspect(fit, "gamma")),
             wls_v = as.numeric(diag(lavInspect(fit, "wls.v"))),
             cov = unname(unclass(ss$cov)), mean = as.numeric(ss$mean), th = as.numeric(ss$th),
             estimates = as.list(pe[, keep]), fit = as.list(fm[!is.na(fm)]))
  writeLines(toJSON(js, digits = NA, auto_unbox = TRUE, pretty = FALSE, na = "null"),
             file.path(out, paste0(name, ".json")))
}

dump(cfa(HS3, data = hs, ordered = c("x4", "x5", "x6")), "mixed_wlsmv")
# factor variances fixed to 1, a residual covariance between a continuous and an ordinal item, and a binary
# item (x9 split at its median)
hs2 <- hs
hs2$x9 <- as.integer(hs2$x9 > median(hs2$x9))
write.csv(hs2, file.path(out, "hs_mixed_binary.csv"), row.names = FALSE)
dump(cfa(paste(HS3, "\n x3 ~~ x5"), data = hs2, ordered = c("x4", "x5", "x6", "x9"), std.lv = TRUE),
     "mixed_wlsmv_stdlv")
