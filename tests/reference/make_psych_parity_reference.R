# Reference results for the exploratory side's parity with R psych and GPArotation (issue 14), written to
# tests/reference/psych_parity.json (and the bfi items to tests/reference/bfi_complete.csv). Run from the
# repository root:
#   Rscript tests/reference/make_psych_parity_reference.R
# Debian's r-cran-psych and r-cran-gparotation; the versions are written into the JSON.
#
# Data sets that psych (and base R) ship:
#   bfi      psych::bfi, the 25 personality items, complete cases (2436 respondents), raw data;
#   harman   datasets::Harman74.cor, 24 ability tests, n = 145, a correlation matrix;
#   thurstone psych::Thurstone, 9 tests, n = 213, a correlation matrix;
#   ability  datasets::ability.cov as a correlation matrix, 6 tests, n = 112;
#   lsat6    psych::lsat6, 1000 examinees x 5 binary items (tetrachoric correlations);
#   burt     psych::Harman.Burt, 8 emotional traits, a correlation matrix that is not positive definite.
# The team-agreement indices (rwg, rwg(j), awg, ICC(1), ICC(2)) are written out below by hand: the
# `multilevel` package that usually computes them is not in Debian.
suppressMessages({library(psych); library(GPArotation); library(jsonlite)})
out <- "tests/reference"
set.seed(20261130)

mat <- function(m) list(rows = rownames(m), cols = colnames(m), values = unname(lapply(seq_len(nrow(m)), function(i) unname(as.numeric(m[i, ])))))
lmat <- function(l) { m <- unclass(l); mat(m) }

bfi_items <- na.omit(psych::bfi[, 1:25])
write.csv(bfi_items, file.path(out, "bfi_complete.csv"), row.names = FALSE)
bfi_r <- cor(bfi_items)
sets <- list(
  bfi = list(r = bfi_r, n = nrow(bfi_items), k = 5),
  harman = list(r = Harman74.cor$cov, n = Harman74.cor$n.obs, k = 4),
  thurstone = list(r = as.matrix(psych::Thurstone), n = 213, k = 3),
  ability = list(r = cov2cor(ability.cov$cov), n = ability.cov$n.obs, k = 2)
)

fa_out <- function(f, residual = FALSE) {
  o <- list(loadings = lmat(f$loadings), communality = unname(f$communality), objective = unname(f$criteria[["objective"]]),
            chi2 = unname(f$STATISTIC), dof = unname(f$dof), p_value = unname(f$PVAL), rmsea = unname(f$RMSEA[[1]]),
            tli = unname(f$TLI), bic = unname(f$BIC), rms = unname(f$rms), crms = unname(f$crms))
  if (residual) o$residual <- mat(f$residual)
  if (!is.null(f$Phi)) o$phi <- mat(f$Phi)
  o
}

res <- list(versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
                            GPArotation = as.character(packageVersion("GPArotation"))))
for (nm in names(sets)) {
  s <- sets[[nm]]
  r <- s$r; n <- s$n; k <- s$k
  d <- list(n = n, k = k, corr = mat(r))
  # --- extraction: every fm, unrotated and oblimin, psych's factor order and signs ---
  for (fm in c("ml", "minres", "pa", "wls", "gls", "uls")) {
    for (rot in c("none", "oblimin")) {
      f <- fa(r, nfactors = k, n.obs = n, fm = fm, rotate = rot, max.iter = 10000, min.err = 1e-12, warnings = FALSE)
      d[[paste0("fa_", fm, "_", rot)]] <- fa_out(f, residual = rot == "none" && fm %in% c("ml", "minres"))
    }
  }
  # psych's WLS and GLS criteria, written out here (psych keeps them inside fa): the value at psych's own
  # solution (its uniquenesses recovered from (R - Psi) L = L diag(L'L)), and the minimum reached by optim
  # with numerical derivatives and a tight tolerance, from psych's start and from 1 - SMC.
  crit <- function(psi, fm) { S <- r; diag(S) <- 1 - psi; e <- eigen(S, symmetric = TRUE)
    ev <- e$values; ev[ev < .Machine$double.eps] <- 100 * .Machine$double.eps
    L <- e$vectors[, 1:k, drop = FALSE] %*% diag(sqrt(ev[1:k]), k); E <- S - L %*% t(L); Ri <- solve(r)
    if (fm == "wls") { w <- 1 / diag(Ri); sum(outer(w, w) * E^2) } else sum((Ri %*% E)^2) }
  for (fm in c("wls", "gls")) {
    L <- unclass(d[[paste0("fa_", fm, "_none")]]$loadings$values); L <- do.call(rbind, L)
    psi <- rowSums((r %*% L - L %*% diag(colSums(L^2), k)) * L) / rowSums(L^2)
    best <- Inf
    for (st in list(smc(r), 1 - smc(r))) {
      o <- optim(st, crit, fm = fm, method = "L-BFGS-B", lower = .005, upper = 1,
                 control = list(factr = 1, pgtol = 0, maxit = 10000, parscale = rep(.01, length(st))))
      best <- min(best, o$value) }
    d[[paste0("criterion_", fm)]] <- list(at_psych = crit(psi, fm), psych_psi = psi, optim_min = best)
  }
  # psych's ML start (its optimizer begins there) for the multi-start test
  for (rot in c("quartimax", "equamax", "varimax", "promax", "geominQ", "geominT", "bifactor",
                "simplimax", "quartimin")) {  # (psych 2.2.9 fails on fa(rotate = "biquartimin"))
    if (rot == "bifactor" && k < 3) next
    f <- fa(r, nfactors = k, n.obs = n, fm = "minres", rotate = rot, warnings = FALSE)
    d[[paste0("fa_minres_", rot)]] <- fa_out(f)
  }
  # --- rotations of one unrotated matrix, GPArotation called directly ---
  A <- unclass(fa(r, nfactors = k, n.obs = n, fm = "minres", rotate = "none")$loadings)
  d$unrotated <- mat(A)
  Target <- ifelse(abs(A %*% GPArotation::Varimax(A)$Th) > 0.3, sign(A %*% GPArotation::Varimax(A)$Th), 0)
  W <- ifelse(abs(A %*% GPArotation::Varimax(A)$Th) > 0.3, 0, 1)   # specify the small loadings only
  rot_one <- function(o) { x <- list(loadings = lmat(o$loadings), f = unname(o$Table[nrow(o$Table), 2]),
                                     convergence = o$convergence, iterations = nrow(o$Table) - 1)
                            if (!is.null(o$Phi)) x$phi <- mat(o$Phi); x }
  d$target <- mat(Target); d$pst_weight <- mat(W)
  d$rot <- list(
    quartimax = rot_one(quartimax(A)), equamax_cf = rot_one(cfT(A, kappa = k / (2 * nrow(A)))),
    quartimax_norm = rot_one(quartimax(A, normalize = TRUE)),
    oblimin_g05 = rot_one(oblimin(A, gam = 0.5)), quartimin = rot_one(quartimin(A)),
    geominT = rot_one(geominT(A)), geominQ = rot_one(geominQ(A)), geominQ_d05 = rot_one(geominQ(A, delta = 0.05)),
    targetT = rot_one(targetT(A, Target = Target)), targetQ = rot_one(targetQ(A, Target = Target)),
    pstT = rot_one(pstT(A, W = W, Target = Target)), pstQ = rot_one(pstQ(A, W = W, Target = Target)),
    simplimax = rot_one(simplimax(A))
  )
  if (k >= 3) {   # psych's bifactor criterion needs two group factors or more
    d$rot$bifactor <- rot_one(psych::bifactor(A)); d$rot$biquartimin <- rot_one(psych::biquartimin(A)) }
  # --- Velicer's MAP: psych's (squared partials) and the revised (fourth powers) written out here ---
  v <- VSS(r, n = min(8, nrow(r) - 1), n.obs = n, plot = FALSE, fm = "minres")
  map4 <- sapply(0:(min(8, nrow(r) - 1)), function(m) {
    if (m == 0) pr <- r else {
      e <- eigen(r); L <- e$vectors[, 1:m, drop = FALSE] %*% diag(sqrt(e$values[1:m]), m)
      C <- r - L %*% t(L); pr <- cov2cor(C) }
    c(sq = (sum(pr^2) - nrow(r)) / (nrow(r) * (nrow(r) - 1)), fourth = (sum(pr^4) - nrow(r)) / (nrow(r) * (nrow(r) - 1)))
  })
  d$map <- list(psych_map = unname(v$map), by_hand_squared = unname(map4["sq", ]), by_hand_fourth = unname(map4["fourth", ]))
  # --- omega ---
  for (nf in unique(c(2, 3, k))) {
    om <- omega(r, nfactors = nf, n.obs = n, plot = FALSE)
    d[[paste0("omega_", nf)]] <- list(omega_h = om$omega_h, omega_total = om$omega.tot, omega_lim = om$omega.lim,
                                      alpha = om$alpha, G6 = om$G6, ECV = unname(om$ECV), key = unname(om$key),
                                      sl = mat(om$schmid$sl), group = mat(as.matrix(om$omega.group)),
                                      gloading = unname(as.numeric(om$schmid$gloading)))
  }
  # --- Guttman's lambdas and split halves ---
  sh <- splitHalf(r, raw = FALSE, brute = nrow(r) <= 16, n.sample = 10000)
  g <- guttman(r)
  d$guttman <- list(lambda1 = g$lambda.1, lambda2 = g$lambda.2, lambda3 = g$lambda.3, lambda4 = g$lambda.4,
                    lambda5 = g$lambda.5, lambda6 = g$lambda.6, glb = g$glb)
  d$split_half <- list(max = sh$maxrb, min = sh$minrb, mean = sh$meanr, alpha = sh$alpha, lambda2 = sh$lambda2,
                       lambda6 = sh$lambda6, brute = nrow(r) <= 16)
  res[[nm]] <- d
}

# --- ML local optima on Harman74 with 7 and 9 factors: psych's start against factanal's best of 50 random
# starts (stats::factanal, control nstart; its seed set above) ---
hr <- Harman74.cor$cov
res$ml_local <- lapply(c(seven = 7, nine = 9), function(k) {
  f <- fa(hr, nfactors = k, n.obs = 145, fm = "ml", rotate = "none", warnings = FALSE)
  fl <- factanal(covmat = hr, factors = k, n.obs = 145, rotation = "none", control = list(nstart = 50, lower = .005))
  list(k = k, psych_objective = unname(f$criteria[["objective"]]), psych_uniquenesses = unname(f$uniquenesses),
       factanal_objective = unname(fl$criteria[["objective"]]), factanal_uniquenesses = unname(fl$uniquenesses))
})

# --- bfi raw data: alpha with item-dropped statistics, factor scores, parallel-free checks ---
a <- alpha(bfi_items[, 1:5], check.keys = FALSE, warnings = FALSE)
a_keyed <- alpha(bfi_items[, 1:5], keys = c("A1"), warnings = FALSE)
alpha_out <- function(a) list(total = as.list(a$total), drop = lapply(as.list(a$alpha.drop), unname),
                              item = lapply(as.list(a$item.stats), unname))
res$bfi_alpha <- list(agreeableness = alpha_out(a), agreeableness_keyed = alpha_out(a_keyed))
for (rot in c("varimax", "oblimin")) {
  f <- fa(bfi_items, nfactors = 5, fm = "minres", rotate = rot, warnings = FALSE)
  sc <- list()
  for (m in c("Thurstone", "tenBerge", "Anderson", "Bartlett")) {
    s <- factor.scores(bfi_items, f, method = m)
    sc[[m]] <- list(weights = mat(s$weights), r_scores = mat(s$r.scores), R2 = unname(s$R2),
                    first_rows = mat(s$scores[1:5, ]))
  }
  res[[paste0("bfi_scores_", rot)]] <- list(loadings = lmat(f$loadings), phi = if (is.null(f$Phi)) NULL else mat(f$Phi), scores = sc)
}

# --- cor.smooth on an indefinite matrix (psych::burt) and tetrachoric correlations ---
res$burt <- list(r = mat(as.matrix(psych::Harman.Burt)), smoothed = mat(suppressWarnings(cor.smooth(as.matrix(psych::Harman.Burt)))))
ab <- psych::lsat6   # Bock & Lieberman's LSAT section 6: 1000 examinees, 5 right/wrong items
write.csv(ab, file.path(out, "lsat6.csv"), row.names = FALSE)
tc <- tetrachoric(ab)
res$tetrachoric <- list(rho = mat(tc$rho), tau = unname(tc$tau), n = nrow(ab),
                        ordinal_alpha = alpha(tc$rho, warnings = FALSE)$total$std.alpha)

# --- intraclass correlations: Shrout & Fleiss (1979) Table 2 (6 targets, 4 judges) and attitude ---
sf <- matrix(c(9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7), ncol = 4, byrow = TRUE)
icc_out <- function(x) { i <- ICC(x, lmer = FALSE)$results
  list(type = i$type, ICC = i$ICC, F = i$F, df1 = i$df1, df2 = i$df2, p = i$p, lower = i[["lower bound"]], upper = i[["upper bound"]]) }
res$icc <- list(shrout_fleiss = list(data = sf, icc = icc_out(sf)), attitude = icc_out(as.matrix(attitude)))

# --- team-level agreement, by hand: bfi agreeableness items A2-A5 (1-6 scale) grouped by education ---
agr <- na.omit(psych::bfi[, c("A2", "A3", "A4", "A5", "education")])
write.csv(agr, file.path(out, "bfi_agreement.csv"), row.names = FALSE)
A_opts <- 6
sigma_eu <- (A_opts^2 - 1) / 12                          # James, Demaree & Wolf (1984): uniform null variance
groups <- split(agr[, 1:4], agr$education)
per_group <- lapply(groups, function(g) {
  g <- as.matrix(g); nk <- nrow(g); J <- ncol(g)
  s2 <- apply(g, 2, var)
  rwg_item <- 1 - s2[1] / sigma_eu                         # rwg of item A2
  sbar <- mean(s2)
  rwgj <- J * (1 - sbar / sigma_eu) / (J * (1 - sbar / sigma_eu) + sbar / sigma_eu)
  # Brown & Hauenstein (2005): awg of each item, 1 - 2 s^2 / {[(H + L) M - M^2 - H L] k / (k - 1)}, averaged
  M <- colMeans(g); H <- A_opts; L <- 1
  awg_items <- 1 - 2 * s2 / (((H + L) * M - M^2 - H * L) * nk / (nk - 1))
  c(n = nk, rwg_A2 = unname(rwg_item), rwg_j = rwgj, awg = mean(awg_items), awg_A2 = unname(awg_items[1]))
})
pg <- do.call(rbind, per_group)
# Bliese (2000): ICC(1) and ICC(2) of the scale mean from a one-way ANOVA by group; k = N / groups
score <- rowMeans(agr[, 1:4]); grp <- factor(agr$education)
av <- anova(lm(score ~ grp)); msb <- av[["Mean Sq"]][1]; msw <- av[["Mean Sq"]][2]
kbar <- nrow(agr) / nlevels(grp)
# a stated (slightly skewed) null: the variance of answers distributed .05 .10 .20 .30 .20 .15 over 1..6
pnull <- c(.05, .10, .20, .30, .20, .15); sigma_skew <- sum(pnull * (1:6)^2) - sum(pnull * (1:6))^2
rwg_skew <- sapply(groups, function(g) 1 - var(g[, 1]) / sigma_skew)
res$agreement <- list(per_group = list(group = rownames(pg), n = unname(pg[, "n"]), rwg_A2 = unname(pg[, "rwg_A2"]),
                                       rwg_j = unname(pg[, "rwg_j"]), awg = unname(pg[, "awg"]), awg_A2 = unname(pg[, "awg_A2"]),
                                       rwg_A2_skewed_null = unname(rwg_skew)),
                      icc1 = (msb - msw) / (msb + (kbar - 1) * msw), icc2 = (msb - msw) / msb, msb = msb, msw = msw,
                      kbar = kbar, sigma_skewed = sigma_skew)

# --- CR and AVE as semTools 0.5-6 computes them by default (compRelSEM, AVE; obs.var = TRUE) ---
suppressMessages({library(lavaan); library(semTools)})
hs_model <- "visual =~ x1 + x2 + x3\n textual =~ x4 + x5 + x6\n speed =~ x7 + x8 + x9"
hs_fit <- cfa(hs_model, HolzingerSwineford1939, std.lv = TRUE)
pe <- parameterEstimates(hs_fit, standardized = TRUE); pe <- pe[pe$op == "=~", ]
res$semtools <- list(version = as.character(packageVersion("semTools")), factor = pe$lhs, item = pe$rhs,
                     est = pe$est, std = pe$std.all, sample_cov = mat(lavInspect(hs_fit, "sampstat")$cov),
                     cr = as.list(compRelSEM(hs_fit)), ave = as.list(AVE(hs_fit)))

writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, null = "null", na = "null"), file.path(out, "psych_parity.json"))
