# psych references for tests/psychometrics/test_mutants_results_3.py (the printed summaries of the result
# classes). attitude = R's datasets::attitude (../shared/reference/attitude.csv beside the repository); hs = lavaan's
# HolzingerSwineford1939 x1..x9 (../shared/reference/holzinger_swineford_1939.csv).
# Run from this folder: Rscript make_results_3.R  (writes results_3.json)
suppressMessages({library(psych); library(GPArotation); library(jsonlite)})
att <- datasets::attitude
hs <- read.csv("../../../../shared/reference/holzinger_swineford_1939.csv")
mat <- function(m) list(rows = rownames(m), cols = colnames(m), values = unname(unclass(as.matrix(m))))
f <- fa(att, 2, fm = "minres", rotate = "oblimin")
f0 <- fa(att, 2, fm = "minres", rotate = "none")
res <- f$residual; diag(res) <- NA; low <- res[lower.tri(res)]
bart <- cortest.bartlett(cor(att), n = 30)
k <- KMO(att)
a <- alpha(hs)
sh <- splitHalf(hs, raw = TRUE)
g <- guttman(hs)
ic <- ICC(att[, 1:3])
v <- VSS(att, n = 6, rotate = "none", fm = "pc", plot = FALSE)
# Velicer's MAP written out: partial correlations after the first m principal components, averaged
# off the diagonal as squares (Velicer 1976) and fourth powers (Velicer, Eaton & Fava 2000), m = 0..p-1.
R <- cor(att); e <- eigen(R); p <- ncol(R)
map_by_hand <- t(sapply(0:(p - 1), function(m) {
  C <- if (m == 0) R else R - e$vectors[, 1:m, drop = FALSE] %*% diag(e$values[1:m], m) %*% t(e$vectors[, 1:m, drop = FALSE])
  P <- C / sqrt(outer(diag(C), diag(C))); off <- P[upper.tri(P)]
  c(mean(off^2), mean(off^4))
}))
om <- omega(hs, nfactors = 3, plot = FALSE)
out <- list(
  psych = as.character(packageVersion("psych")),
  efa = list(chi2 = unname(f$STATISTIC), df = f$dof, p = f$PVAL, rmsea = unname(f$RMSEA[1]), tli = f$TLI,
             bic = f$BIC, rms = f$rms, crms = f$crms, objective = f$objective, criterion = sum(res^2, na.rm = TRUE),
             n_above = sum(abs(low) > 0.05), n_resid = length(low),
             loadings = mat(unclass(f$loadings)), phi = mat(f$Phi), structure = mat(unclass(f$Structure)),
             communality = unname(f$communality), smc = unname(smc(att)), eigen = eigen(cor(att))$values,
             vaccounted = mat(f$Vaccounted), unrotated = mat(unclass(f0$loadings))),
  bartlett = list(chi2 = bart$chisq, df = bart$df, p = bart$p.value, det = det(cor(att))),
  kmo = list(overall = k$MSA, msa = unname(k$MSAi), anti_cov = mat(solve(cor(att)) / 1)),
  alpha = list(raw = a$total$raw_alpha, std = a$total$std.alpha, average_r = a$total$average_r,
               feldt = unname(unlist(a$feldt$lower.ci)), feldt_upper = unname(unlist(a$feldt$upper.ci))),
  split = list(max = sh$maxrb, min = sh$minrb, mean = sh$meanr, alpha = sh$alpha, lambda2 = sh$lambda2,
               lambda6 = sh$lambda6, av_r = sh$av.r, n_splits = length(sh$raw), best = sh$maxAB$A),
  guttman = list(l1 = g$lambda.1, l2 = g$lambda.2, l3 = g$lambda.3, l4 = g$lambda.4, l5 = g$lambda.5, l6 = g$lambda.6),
  icc = list(results = mat(ic$results[, 2:8])),
  map = v$map, map_squared = map_by_hand[, 1], map_fourth = map_by_hand[, 2],
  omega = list(omega_h = om$omega_h, omega_total = om$omega.tot, omega_lim = om$omega.lim, alpha = om$alpha,
               g6 = om$G6, ecv = om$ECV, schmid = mat(unclass(om$schmid$sl)), group = mat(om$omega.group))
)
write_json(out, "results_3.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
