# References for tests/psychometrics/test_mutants_sem_fit.py (mutation testing, issue 13, second session),
# written to tests/reference/mutants/sem_fit_power.json. Run from the repository root:
#   Rscript tests/reference/mutants/make_sem_fit_power.R
# (1) lavaan::fitMeasures() of six fits, with the statistics they are computed from (chi-square, df, baseline,
#     N, groups, log-likelihoods, npar, SRMR), so that the fit measures can be recomputed from lavaan's own
#     statistics: the Holzinger-Swineford three-factor model (ML), a saturated model (df = 0), two groups
#     (ML), two groups by GLS (RMSEA on N - G), a simulated one-factor model that fits better than its df
#     (chi-square < df) and simulated independent noise whose baseline chi-square is also below its df (CFI 1
#     by lavaan's rule when both T - d and T_b - d_b are negative);
# (2) the sample and model-implied moments of the three-factor model with a mean structure, and its SRMR;
# (3) semTools::findRMSEApower and findRMSEAsamplesize for the test of exact fit (rmsea0 = 0), of not-close
#     fit, and sample sizes beyond 504 cases (the first block searched), of 505, 1006 and 5 cases;
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})
hs <- HolzingerSwineford1939
HS3 <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        speed =~ x7 + x8 + x9"
set.seed(1); n <- 200
f <- rnorm(n); close <- sapply(1:5, function(i) 0.7 * f + rnorm(n, sd = 0.7)); colnames(close) <- paste0("y", 1:5)
set.seed(1); n <- 150
noise <- matrix(rnorm(n * 4), n); colnames(noise) <- paste0("y", 1:4)
fits <- list(
  hs_cfa = cfa(HS3, data = hs),
  saturated = cfa("f =~ x1 + x2 + x3", data = hs),
  two_groups = cfa(HS3, data = hs, group = "school"),
  two_groups_gls = cfa("t =~ x4 + x5 + x6 + x1", data = hs, group = "school", estimator = "GLS"),
  close_fit = cfa("f =~ y1 + y2 + y3 + y4 + y5", data = as.data.frame(close)),
  noise = cfa("f =~ y1 + y2 + y3 + y4", data = as.data.frame(noise))
)
measures <- lapply(fits, function(fit) {
  fm <- fitMeasures(fit)
  list(estimator = lavInspect(fit, "options")$estimator, ngroups = lavInspect(fit, "ngroups"),
       converged = lavInspect(fit, "converged"), fit = as.list(fm[!is.na(fm)]))
})
fm <- cfa(HS3, data = hs, meanstructure = TRUE)
moments <- list(cov = unname(lavInspect(fm, "sampstat")$cov), mean = unname(lavInspect(fm, "sampstat")$mean),
                sigma = unname(lavInspect(fm, "implied")$cov), mu = unname(lavInspect(fm, "implied")$mean),
                srmr = unname(fitMeasures(fm, "srmr")),
                srmr_nomean = unname(fitMeasures(fm, "srmr_bentler_nomean")))
power <- expand.grid(rmsea0 = 0, rmseaA = c(0.05, 0.08), df = c(10, 24), n = c(100, 300), group = c(1, 2))
power <- rbind(power, expand.grid(rmsea0 = 0.08, rmseaA = c(0.05, 0.02), df = c(10, 24), n = c(100, 300),
                                  group = c(1, 2)))
power$power <- mapply(findRMSEApower, power$rmsea0, power$rmseaA, power$df, power$n, group = power$group)
# the last three: N = 505 and 1006 (the first of the second and third blocks of 500 searched from 5) and N = 5
ss <- data.frame(rmsea0 = c(0.05, 0.05, 0, 0, 0.08, 0.08, 0.05, 0.05, 0),
                 rmseaA = c(0.06, 0.06, 0.05, 0.05, 0.05, 0.05, 0.0882, 0.07616, 0.5),
                 df = c(10, 10, 20, 20, 20, 20, 10, 10, 100), group = c(1, 2, 1, 2, 1, 2, 1, 1, 1),
                 power = c(0.8, 0.8, 0.8, 0.9, 0.8, 0.7, 0.8, 0.8, 0.8),
                 alpha = c(0.05, 0.05, 0.05, 0.01, 0.05, 0.1, 0.05, 0.05, 0.05))
ss$n <- mapply(function(r0, ra, df, g, p, a) findRMSEAsamplesize(r0, ra, df, power = p, alpha = a, group = g),
               ss$rmsea0, ss$rmseaA, ss$df, ss$group, ss$power, ss$alpha)
ss$reported <- as.character(ss$n)  # semTools prints "Sample Size <= 5" when the first N searched has the power
ss$n <- suppressWarnings(as.numeric(ss$reported))
# (4) ULS with two groups (and so a mean structure): parameterEstimates' est and se (lavaan's "standard" ULS
#     information summed over the groups, intercepts included)
uls <- parameterEstimates(cfa(HS3, data = hs, group = "school", estimator = "ULS"))
uls_groups <- as.list(uls[, c("lhs", "op", "rhs", "group", "est", "se")])
res <- list(versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")),
                            semTools = as.character(packageVersion("semTools"))),
            measures = measures, moments = moments, power = as.list(power), sample_size = as.list(ss),
            uls_groups = uls_groups)
write_json(res, "tests/reference/mutants/sem_fit_power.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
