# References for tests/psychometrics/test_mutants_sem_ordinal_3.py (mutation tests of sem.categorical's robust
# indices, sem.polyserial's polyserial correlation and sem.mixed's std_lv): lavaan 0.6-14.
#
#   Rscript tests/reference/mutants/make_semord3_reference.R     (from the repository root)
#
# Data (written beside this script): semord3_indep.csv, four 3-category items drawn independently (so both the
# model's and the baseline's catML statistics fall below their expected values: cfi.robust takes its t2 = 0
# branch); semord3_groups.csv, two groups of 250 cases of four 4-category items cut from one factor (loadings .7);
# semord3_polyserial.csv, a continuous y and a 5-category x cut from a bivariate normal with correlation -.4.
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
out <- "tests/reference/mutants"
robust <- c("cfi.robust", "tli.robust", "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust",
            "rmsea.pvalue.robust", "chisq", "df", "chisq.scaled", "cfi.scaled")
pick <- function(fit) as.list(fitMeasures(fit)[robust])
# the baseline's catML statistic minus its expected value: -N log|R| - tr(Gamma_rr)
base_excess <- function(fit) {
  n <- lavInspect(fit, "nobs")
  r <- lavInspect(fit, "sampstat")$cov
  g <- lavInspect(fit, "gamma")
  nt <- length(lavInspect(fit, "sampstat")$th)
  -n * log(det(r)) - sum(diag(g)[-(1:nt)])
}

set.seed(20261201)
n <- 400
indep <- data.frame(u1 = sample(1:3, n, TRUE, c(.3, .4, .3)), u2 = sample(1:3, n, TRUE, c(.2, .5, .3)),
                    u3 = sample(1:3, n, TRUE, c(.4, .3, .3)), u4 = sample(1:3, n, TRUE, c(.25, .25, .5)))
write.csv(indep, file.path(out, "semord3_indep.csv"), row.names = FALSE)
one <- "f =~ u1 + u2 + u3 + u4"
fit_indep <- cfa(one, data = indep, ordered = TRUE)
# fixed loadings .8 and factor variance 1: implied correlations of .64 among independent items, a model worse
# than the baseline (cfi.robust 0)
fixed <- "f =~ 0.8*u1 + 0.8*u2 + 0.8*u3 + u4\nf ~~ 1*f"
fit_fixed <- cfa(fixed, data = indep, ordered = TRUE)

set.seed(7)
lat <- rnorm(500)
ys <- sapply(1:4, function(j) 0.7 * lat + sqrt(1 - 0.49) * rnorm(500))
cuts <- list(c(-1, 0, 1), c(-0.5, 0.3, 1.2), c(-1.2, -0.2, 0.6), c(-0.8, 0.1, 0.9))
groups <- as.data.frame(sapply(1:4, function(j) findInterval(ys[, j], cuts[[j]]) + 1))
names(groups) <- paste0("u", 1:4)
groups$g <- rep(c("a", "b"), each = 250)
write.csv(groups, file.path(out, "semord3_groups.csv"), row.names = FALSE)
fit_ld <- cfa(one, data = groups, ordered = TRUE, group = "g", group.equal = "loadings")
fit_th <- cfa(one, data = groups, ordered = TRUE, group = "g", group.equal = "thresholds")

set.seed(11)
z <- MASS::mvrnorm(300, c(0, 0), matrix(c(1, -0.4, -0.4, 1), 2))
ps <- data.frame(y = 10 + 2 * z[, 1], x = findInterval(z[, 2], c(-1.3, -0.4, 0.5, 1.4)) + 1)
write.csv(ps, file.path(out, "semord3_polyserial.csv"), row.names = FALSE)
rho_ps <- lavCor(ps, ordered = "x")[1, 2]
# x an exact cut of y: the likelihood rises to the bound, lavaan's +.995
edge <- data.frame(y = ps$y, x = findInterval(ps$y, c(8, 10, 12)) + 1)
rho_edge <- lavCor(edge, ordered = "x")[1, 2]

hs <- read.csv("tests/reference/sem/hs_mixed.csv")
HS3 <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        speed =~ x7 + x8 + x9"
fit_mix <- cfa(HS3, data = hs, ordered = c("x4", "x5", "x6"), std.lv = TRUE)
pe <- parameterEstimates(fit_mix)[, c("lhs", "op", "rhs", "est", "se")]

js <- list(
  versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))),
  indep = c(pick(fit_indep), base_excess = base_excess(fit_indep)),
  fixed = c(pick(fit_fixed), base_excess = base_excess(fit_fixed)),
  groups_loadings = pick(fit_ld),
  groups_thresholds = pick(fit_th),
  groups_thresholds_score = list(uni = as.list(lavTestScore(fit_th)$uni),
                                 test = as.list(lavTestScore(fit_th)$test)),
  polyserial = rho_ps,
  polyserial_edge = rho_edge,
  mixed_stdlv = list(estimates = as.list(pe), chisq = fitMeasures(fit_mix)[["chisq"]],
                     chisq.scaled = fitMeasures(fit_mix)[["chisq.scaled"]], npar = fitMeasures(fit_mix)[["npar"]])
)
writeLines(toJSON(js, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(out, "semord3_reference.json"))
