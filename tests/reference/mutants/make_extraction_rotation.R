# References for tests/psychometrics/test_mutants_extraction.py and test_mutants_rotation.py (mutation testing,
# issue 13), written to tests/reference/mutants/extraction_rotation.json. Run from the repository root:
#   Rscript tests/reference/mutants/make_extraction_rotation.R
#
# wls_starts: psych's WLS criterion (written out as in tests/reference/make_psych_parity_reference.R: S = R with
#   1 - psi on the diagonal, eigenvalues below machine epsilon raised to 100 eps, M its best rank-k part,
#   f = sum(outer(w, w) * (S - M)^2) with w = 1 / diag(R^-1)) minimized by optim's L-BFGS-B (numerical
#   derivatives, a tight tolerance) from each start separately: psych's start SMC and 1 - SMC. On ability.cov and
#   Thurstone with 2 factors the two starts end at different optima.
# slow_varimax: stats::varimax on a 4 x 2 matrix on which it has not converged when it stops at its 1000
#   iterations (the SVD update alternates between two rotations that draw together slowly).
# rotations: GPArotation and psych on Thurstone's minres loadings (3 factors, as make_psych_parity_reference.R):
#   quartimax and oblimin stopped after maxit = 5 iterations (unconverged); psych::Promax (varimax with
#   stats::varimax's own normalization, no outer Kaiser step: the package's promax(normalize=False));
#   quartimax and oblimin of the same matrix with one loading set to exactly 0; quartimax of its first two
#   columns beside a third of zeros; cfQ with kappa = 0.2.
suppressMessages({library(psych); library(GPArotation); library(jsonlite)})
out <- "tests/reference/mutants"

res <- list(versions = list(R = R.version.string, psych = as.character(packageVersion("psych"))))

crit <- function(psi, r, k) {
  S <- r; diag(S) <- 1 - psi; e <- eigen(S, symmetric = TRUE)
  ev <- e$values; ev[ev < .Machine$double.eps] <- 100 * .Machine$double.eps
  L <- e$vectors[, 1:k, drop = FALSE] %*% diag(sqrt(ev[1:k]), k); E <- S - L %*% t(L)
  w <- 1 / diag(solve(r)); sum(outer(w, w) * E^2)
}
sets <- list(ability = cov2cor(ability.cov$cov), thurstone = as.matrix(psych::Thurstone))
res$wls_starts <- list()
for (nm in names(sets)) {
  r <- sets[[nm]]; k <- 2
  one <- function(st) {
    o <- optim(st, crit, r = r, k = k, method = "L-BFGS-B", lower = .005, upper = 1,
               control = list(factr = 1, pgtol = 0, maxit = 10000, parscale = rep(.01, length(st))))
    list(value = o$value, psi = o$par)
  }
  res$wls_starts[[nm]] <- list(corr = unname(lapply(seq_len(nrow(r)), function(i) unname(r[i, ]))), k = k,
                               from_smc = one(smc(r)), from_one_minus_smc = one(1 - smc(r)))
}

A <- matrix(c(-0.690, 0.892,
              -0.105, -0.759,
              -0.134, -0.906,
               0.190, 1.129), ncol = 2, byrow = TRUE)
v <- varimax(A)
# the same loop run on to convergence (stats::varimax's code with the cap raised), for contrast
sc <- sqrt(rowSums(A^2)); x <- A / sc; TT <- diag(2); d <- 0
for (i in 1:5000) {
  z <- x %*% TT
  B <- t(x) %*% (z^3 - z %*% diag(drop(rep(1, 4) %*% z^2)) / 4)
  sB <- La.svd(B); TT <- sB$u %*% sB$vt; dpast <- d; d <- sum(sB$d)
  if (d < dpast * (1 + 1e-5)) break
}
res$slow_varimax <- list(a = unname(lapply(1:4, function(i) A[i, ])),
                         loadings = unname(lapply(1:4, function(i) unname(unclass(v$loadings)[i, ]))),
                         converged_after = i,
                         converged_loadings = unname(lapply(1:4, function(j) unname((x %*% TT * sc)[j, ]))))
lst <- function(m) unname(lapply(seq_len(nrow(m)), function(i) unname(as.numeric(m[i, ]))))
gpa <- function(o) { x <- list(loadings = lst(unclass(o$loadings)), f = unname(o$Table[nrow(o$Table), 2]),
                               convergence = o$convergence, iterations = nrow(o$Table) - 1)
                     if (!is.null(o$Phi)) x$phi <- lst(o$Phi); x }
At <- unclass(fa(as.matrix(psych::Thurstone), nfactors = 3, n.obs = 213, fm = "minres", rotate = "none")$loadings)
A0 <- At; A0[1, 2] <- 0
pm <- Promax(At)
res$rotations <- list(a = lst(At), a_zero = lst(A0),
                      quartimax_maxit5 = gpa(quartimax(At, maxit = 5)), oblimin_maxit5 = gpa(oblimin(At, maxit = 5)),
                      promax_raw = list(loadings = lst(unclass(pm$loadings)), phi = lst(pm$Phi)),
                      a_zero_column = lst(cbind(At[, 1:2], 0)), quartimax_zero_column = gpa(quartimax(cbind(At[, 1:2], 0))),
                      quartimax_zero = gpa(quartimax(A0)), oblimin_zero = gpa(oblimin(A0)),
                      cfq_02 = gpa(cfQ(At, kappa = 0.2)))
write_json(res, file.path(out, "extraction_rotation.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
