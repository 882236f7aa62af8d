# Reference results for cmanalytics' confirmatory engine (cmanalytics/psychometrics/sem), from lavaan.
#
#   Rscript tests/reference/sem/make_sem_reference.R     (from the worktree root)
#
# Writes tests/reference/sem/*.json (one file per case) and the data sets used that are not in
# ../shared/reference as CSV beside them, so that the Python tests read exactly the same data.
# Produced with Debian's r-cran-lavaan (see the "versions" field of each JSON).
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

out <- "tests/reference/sem"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")))

hs <- HolzingerSwineford1939
hs_items <- paste0("x", 1:9)
write.csv(hs[, c("school", hs_items)], file.path(out, "hs_school.csv"), row.names = FALSE)
pd <- PoliticalDemocracy
write.csv(pd, file.path(out, "political_democracy.csv"), row.names = FALSE)

HS3 <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        speed =~ x7 + x8 + x9"

estimates <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, ci = TRUE, level = 0.95)
  if (is.null(pe$group)) pe$group <- 1L
  if (is.null(pe$label)) pe$label <- ""
  keep <- c("lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue", "ci.lower", "ci.upper",
            "std.lv", "std.all")
  as.list(pe[, intersect(keep, names(pe))])
}

r2 <- function(fit) {
  r <- lavInspect(fit, "r2")
  if (is.list(r)) lapply(r, function(v) as.list(v)) else list(as.list(r))
}

mods <- function(fit) {
  mi <- modindices(fit, sort. = FALSE, minimum.value = 0)
  if (is.null(mi$group)) mi$group <- 1L
  as.list(mi[, c("lhs", "op", "rhs", "group", "mi", "epc", "sepc.all")])
}

dump <- function(fit, name, extra = list()) {
  fm <- fitMeasures(fit)
  res <- list(versions = versions, name = name, nobs = lavInspect(fit, "nobs"),
              estimates = estimates(fit), fit = as.list(fm[!is.na(fm)]), r2 = r2(fit))
  res <- c(res, extra)
  writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, pretty = FALSE),
             file.path(out, paste0(name, ".json")))
  invisible(res)
}

matrix_list <- function(m) list(rows = rownames(m), cols = colnames(m), values = unname(as.matrix(m)))

# (a) Holzinger-Swineford, three factors: marker identification, std.lv, observed information, means
fit_a <- cfa(HS3, data = hs)
res_a <- resid(fit_a, type = "raw")
dump(fit_a, "hs_cfa", list(
  modindices = mods(fit_a),
  residuals = list(raw = matrix_list(res_a$cov),
                   normalized = matrix_list(resid(fit_a, type = "normalized")$cov),
                   standardized = matrix_list(resid(fit_a, type = "standardized")$cov),
                   cor_bollen = matrix_list(resid(fit_a, type = "cor.bollen")$cov)),
  timing_seconds = local({
    t <- replicate(20, system.time(cfa(HS3, data = hs))[["elapsed"]])
    list(median = median(t), runs = length(t))
  })))
dump(cfa(HS3, data = hs, std.lv = TRUE), "hs_cfa_stdlv", list(modindices = mods(cfa(HS3, data = hs, std.lv = TRUE))))
dump(cfa(HS3, data = hs, information = "observed"), "hs_cfa_observed")
dump(cfa(HS3, data = hs, meanstructure = TRUE), "hs_cfa_means")

# (b) a cross-loading, a correlated residual and an equality constraint by label
HSX <- "visual =~ x1 + x2 + x3 + x9
        textual =~ x4 + a*x5 + a*x6
        speed =~ x7 + x8 + x9
        x2 ~~ x3"
fit_b <- cfa(HSX, data = hs)
dump(fit_b, "hs_cross", list(modindices = mods(fit_b)))

# (c) the Political Democracy SEM (Bollen 1989) and a second-order model
PD <- "ind60 =~ x1 + x2 + x3
       dem60 =~ y1 + y2 + y3 + y4
       dem65 =~ y5 + y6 + y7 + y8
       dem60 ~ ind60
       dem65 ~ ind60 + dem60
       y1 ~~ y5
       y2 ~~ y4 + y6
       y3 ~~ y7
       y4 ~~ y8
       y6 ~~ y8"
dump(sem(PD, data = pd), "political_democracy")
HS2 <- paste(HS3, "\n g =~ visual + textual + speed")
dump(cfa(HS2, data = hs), "hs_second_order")

# (d) invariance across the two schools
groups <- list(configural = NULL, metric = "loadings", scalar = c("loadings", "intercepts"),
               strict = c("loadings", "intercepts", "residuals"))
fits <- list()
for (step in names(groups)) {
  fits[[step]] <- if (is.null(groups[[step]])) cfa(HS3, data = hs, group = "school")
                  else cfa(HS3, data = hs, group = "school", group.equal = groups[[step]])
  dump(fits[[step]], paste0("hs_invariance_", step))
}
lrt <- lavTestLRT(fits$configural, fits$metric, fits$scalar, fits$strict)
score <- lavTestScore(fits$scalar)
pt <- parTable(fits$scalar)
lab <- function(x) { i <- match(x, pt$plabel); paste(pt$lhs[i], pt$op[i], pt$rhs[i]) }
writeLines(toJSON(list(
  versions = versions,
  lrt = list(model = rownames(lrt), df = lrt$Df, chisq = lrt$Chisq, chisq_diff = lrt[["Chisq diff"]],
             df_diff = lrt[["Df diff"]], pvalue = lrt[["Pr(>Chisq)"]]),
  score_scalar = list(lhs = lab(score$uni$lhs), rhs = lab(score$uni$rhs), x2 = score$uni$X2,
                      df = score$uni$df, pvalue = score$uni$p.value,
                      total_x2 = score$test$X2, total_df = score$test$df)),
  digits = NA, auto_unbox = TRUE), file.path(out, "hs_invariance_tests.json"))
dump(cfa(HS3, data = hs, group = "school", group.equal = c("loadings", "intercepts"),
         group.partial = c("x3 ~ 1", "x7 ~ 1")), "hs_invariance_partial")
dump(cfa(HS3, data = hs, group = "school", std.lv = TRUE, group.equal = c("loadings", "intercepts", "means",
         "lv.variances", "lv.covariances", "residuals")), "hs_invariance_stdlv_all")

# (e) GLS and ULS
dump(cfa(HS3, data = hs, estimator = "GLS"), "hs_cfa_gls")
dump(cfa(HS3, data = hs, estimator = "ULS"), "hs_cfa_uls")

# (f) FIML: 12% of the nine scores deleted completely at random (seeded), missing = "ml"
set.seed(20261130)
hs_na <- hs[, hs_items]
hole <- matrix(runif(nrow(hs_na) * 9) < 0.12, ncol = 9)
hole[rowSums(hole) == 9, 1] <- FALSE
hs_na[hole] <- NA
write.csv(hs_na, file.path(out, "hs_missing.csv"), row.names = FALSE, na = "")
fit_f <- cfa(HS3, data = hs_na, missing = "ml")
dump(fit_f, "hs_fiml", list(h1_mean = as.numeric(lavInspect(fit_f, "sampstat.h1")$mean),
                           h1_cov = unname(as.matrix(lavInspect(fit_f, "sampstat.h1")$cov)),
                           missing_share = mean(hole)))
dump(cfa(HS3, data = hs_na, missing = "listwise"), "hs_listwise")

# (g) ordinal: nine 5-point items (three factors), simulated with a seeded rule, WLSMV (lavaan's default
# for ordered items: DWLS, robust standard errors, mean-and-variance adjusted chi-square)
set.seed(20261201)
n_ord <- 600
phi <- matrix(c(1, .4, .3, .4, 1, .5, .3, .5, 1), 3)
eta <- matrix(rnorm(n_ord * 3), n_ord) %*% chol(phi)
lam <- c(.8, .7, .6, .75, .65, .7, .6, .7, .8)
cuts <- rbind(c(-1.6, -.7, .3, 1.2), c(-1.3, -.4, .5, 1.5), c(-1.8, -.9, .1, 1.0))
ord <- sapply(1:9, function(j) {
  ystar <- lam[j] * eta[, (j - 1) %/% 3 + 1] + sqrt(1 - lam[j]^2) * rnorm(n_ord)
  findInterval(ystar, cuts[(j - 1) %% 3 + 1, ]) + 1
})
colnames(ord) <- paste0("u", 1:9)
ord <- as.data.frame(ord)
write.csv(ord, file.path(out, "ordinal_5point.csv"), row.names = FALSE)
ORD <- "f1 =~ u1 + u2 + u3
        f2 =~ u4 + u5 + u6
        f3 =~ u7 + u8 + u9"
fit_g <- cfa(ORD, data = ord, ordered = TRUE)
ss <- lavInspect(fit_g, "sampstat")
dump(fit_g, "ordinal_wlsmv", list(
  polychoric = unname(as.matrix(ss$cov)), thresholds = as.numeric(ss$th),
  gamma = unname(as.matrix(lavInspect(fit_g, "gamma"))),
  wls_v = as.numeric(diag(lavInspect(fit_g, "wls.v")))))
# the same items under a misspecified two-factor model, so that the fit indices are not at their bounds
fit_g2 <- cfa("f1 =~ u1 + u2 + u3
               f2 =~ u4 + u5 + u6 + u7 + u8 + u9", data = ord, ordered = TRUE)
dump(fit_g2, "ordinal_wlsmv_misfit")

# (h) RMSEA-based power and sample size (MacCallum, Browne & Sugawara 1996), semTools
suppressPackageStartupMessages(library(semTools))
grid <- expand.grid(rmsea0 = c(0.05, 0.05), df = c(24, 48, 100), n = c(100, 200, 301, 500), group = c(1, 2))
grid$rmseaA <- rep(c(0.08, 0.01), length.out = nrow(grid))
grid$power <- mapply(findRMSEApower, grid$rmsea0, grid$rmseaA, grid$df, grid$n, group = grid$group)
ss <- expand.grid(df = c(10, 24, 48, 100), rmseaA = c(0.08, 0.01), group = c(1, 2))
ss$n <- mapply(function(df, a, g) findRMSEAsamplesize(0.05, a, df, power = 0.8, group = g), ss$df, ss$rmseaA, ss$group)
writeLines(toJSON(list(versions = c(versions, semTools = as.character(packageVersion("semTools"))),
                       power = as.list(grid), sample_size = as.list(ss)), digits = NA),
           file.path(out, "rmsea_power.json"))

# (i) common-method variance on HS: the single-factor model, and the unmeasured latent method construct
# (ULMC: a method factor on every item with equal loadings, uncorrelated with the traits; std.lv)
dump(cfa("common =~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9", data = hs, std.lv = TRUE), "hs_single_factor")
ULMC <- paste(HS3, "
  method =~ m*x1 + m*x2 + m*x3 + m*x4 + m*x5 + m*x6 + m*x7 + m*x8 + m*x9
  method ~~ 0*visual + 0*textual + 0*speed")
dump(cfa(ULMC, data = hs, std.lv = TRUE), "hs_ulmc")
