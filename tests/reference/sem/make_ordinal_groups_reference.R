# Reference results for multi-group WLSMV and ordinal measurement invariance (cmanalytics/psychometrics/sem),
# from lavaan.
#
#   Rscript tests/reference/sem/make_ordinal_groups_reference.R     (from the worktree root)
#
# Two data sets, each written to CSV beside the JSON so that the Python tests read exactly what lavaan saw:
#  * hs_ordinal.csv: the nine Holzinger-Swineford tests cut into 5 categories at fixed breaks of their
#    standardized scores (-1.2, -0.4, 0.4, 1.2), grouped by school;
#  * ordinal_groups.csv: nine 5-point items simulated with a seeded rule in two groups (400 and 500 cases),
#    group B with a higher factor mean, a larger factor variance and shifted thresholds on u3 (a partial
#    non-invariance the threshold step can find).
# Also, on the simulated data, equal loadings with free thresholds. For each: the configural, thresholds, and thresholds + loadings models (lavaan's delta parameterization,
# its default), one partial model, and lavTestLRT on the sequence (for WLSMV its default method
# "satorra.2000", scaled.shifted).
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

out <- "tests/reference/sem"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")))

estimates <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, ci = FALSE)
  keep <- c("lhs", "op", "rhs", "group", "est", "se", "std.all")
  as.list(pe[, keep])
}

dump <- function(fit, name, extra = list()) {
  fm <- fitMeasures(fit)
  res <- list(versions = versions, name = name, nobs = lavInspect(fit, "nobs"),
              estimates = estimates(fit), fit = as.list(fm[!is.na(fm)]))
  res <- c(res, extra)
  writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, pretty = FALSE),
             file.path(out, paste0(name, ".json")))
  invisible(fit)
}

lrt <- function(...) {
  t <- lavTestLRT(...)
  list(df = t$Df, chisq = t$Chisq, chisq_diff = t[["Chisq diff"]], df_diff = t[["Df diff"]],
       p_value = t[["Pr(>Chisq)"]])
}

sequence <- function(data, model, stem, partial) {
  conf <- dump(cfa(model, data = data, group = "g", ordered = TRUE), paste0(stem, "_configural"))
  th <- dump(cfa(model, data = data, group = "g", ordered = TRUE, group.equal = "thresholds"),
             paste0(stem, "_thresholds"))
  ld <- dump(cfa(model, data = data, group = "g", ordered = TRUE, group.equal = c("thresholds", "loadings")),
             paste0(stem, "_loadings"))
  dump(cfa(model, data = data, group = "g", ordered = TRUE, group.equal = c("thresholds", "loadings"),
           group.partial = partial), paste0(stem, "_partial"))
  writeLines(toJSON(list(versions = versions, lrt = lrt(conf, th, ld)), digits = NA, auto_unbox = TRUE),
             file.path(out, paste0(stem, "_lrt.json")))
}

# (a) Holzinger-Swineford, cut into five categories, by school
hs <- HolzingerSwineford1939
items <- paste0("x", 1:9)
hs_ord <- data.frame(g = as.character(hs$school))
for (v in items) hs_ord[[v]] <- findInterval(as.numeric(scale(hs[[v]])), c(-1.2, -0.4, 0.4, 1.2)) + 1L
write.csv(hs_ord, file.path(out, "hs_ordinal.csv"), row.names = FALSE)
HS3 <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        speed =~ x7 + x8 + x9"
sequence(hs_ord, HS3, "hs_ordinal", c("x3 | t1", "visual =~ x3"))
dump(cfa(HS3, data = hs_ord, group = "g", ordered = TRUE, group.equal = c("thresholds", "loadings"),
         std.lv = TRUE), "hs_ordinal_loadings_stdlv")

# (b) simulated, two groups
set.seed(20261130)
make_group <- function(n, mean, var, shift) {
  phi <- matrix(c(1, .4, .3, .4, 1, .5, .3, .5, 1), 3) * var
  eta <- matrix(rnorm(n * 3), n) %*% chol(phi) + matrix(mean, n, 3, byrow = TRUE)
  lam <- c(.8, .7, .6, .75, .65, .7, .6, .7, .8)
  cuts <- rbind(c(-1.6, -.7, .3, 1.2), c(-1.3, -.4, .5, 1.5), c(-1.8, -.9, .1, 1.0))
  sapply(1:9, function(j) {
    ystar <- lam[j] * eta[, (j - 1) %/% 3 + 1] + sqrt(1 - lam[j]^2) * rnorm(n)
    findInterval(ystar, cuts[(j - 1) %% 3 + 1, ] + (if (j == 3) shift else 0)) + 1
  })
}
sim <- rbind(make_group(400, c(0, 0, 0), 1, 0), make_group(500, c(.3, .2, -.2), 1.3, .5))
colnames(sim) <- paste0("u", 1:9)
sim <- data.frame(g = rep(c("A", "B"), c(400, 500)), sim)
write.csv(sim, file.path(out, "ordinal_groups.csv"), row.names = FALSE)
ORD3 <- "f1 =~ u1 + u2 + u3
         f2 =~ u4 + u5 + u6
         f3 =~ u7 + u8 + u9"
sequence(sim, ORD3, "ordinal_groups", c("u3 | t1", "u3 | t2", "u3 | t3", "u3 | t4"))
# loadings equal, thresholds free (deltas stay 1, latent means 0 in every group)
dump(cfa(ORD3, data = sim, group = "g", ordered = TRUE, group.equal = "loadings"), "ordinal_groups_loadings_only")

# residual correlations of the thresholds + loadings model on the simulated data (lavaan's resid()$cov)
fit_r <- cfa(ORD3, data = sim, group = "g", ordered = TRUE, group.equal = c("thresholds", "loadings"))
res <- lapply(resid(fit_r), function(r) unname(as.matrix(r$cov)))
writeLines(toJSON(list(versions = versions, resid = res), digits = NA),
           file.path(out, "ordinal_groups_resid.json"))
