# References for tests/psychometrics/test_mutants_extraction_rotation_2.py (mutation testing, issue 13, second
# session), written to tests/reference/mutants/extraction_rotation_2.json. Run from the repository root:
#   Rscript tests/reference/mutants/make_extraction_rotation_2.R
# GPArotation on a 6 x 2 loading matrix A: oblimin with Kaiser normalization (gam = 0.3), oblimin with gam = 1 stopped after maxit = 20
# (no normalization), GPFoblq from a given start Tmat stopped after maxit = 3, and oblimin with eps = 1e-3
# (its iteration count), cfT and cfQ with kappa = 0.2, simplimax with k = 3, and pstQ with
# a target Tg and weights W, each with loadings, Phi, Th, f, convergence and the number of iterations.
suppressMessages({library(GPArotation); library(jsonlite)})
A <- matrix(c(0.7, 0.6, 0.65, 0.3, 0.2, 0.25,
              0.2, 0.3, 0.15, 0.6, 0.7, 0.55), ncol = 2)
Tg <- matrix(c(1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1), ncol = 2)
W <- matrix(c(0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1), ncol = 2)
T0 <- matrix(c(0.8, 0.6, -0.28, 0.96), 2)
pack <- function(x) list(loadings = unclass(x$loadings), Phi = x$Phi, Th = x$Th, f = x$Table[nrow(x$Table), 2],
                         convergence = x$convergence, iterations = nrow(x$Table) - 1)
res <- list(versions = list(R = R.version.string, GPArotation = as.character(packageVersion("GPArotation"))),
            A = A, T0 = T0,
            oblimin_norm = pack(oblimin(A, gam = 0.3, normalize = TRUE)),
            oblimin_gam1 = pack(oblimin(A, gam = 1, normalize = FALSE, maxit = 20)),
            start_maxit3 = pack(GPFoblq(A, Tmat = T0, method = "oblimin", maxit = 3)),
            eps3 = pack(oblimin(A, eps = 1e-3)),
            cfT = pack(cfT(A, kappa = 0.2)), cfQ = pack(cfQ(A, kappa = 0.2)),
            simplimax3 = pack(simplimax(A, k = 3)),
            Target = Tg, W = W, pstQ = pack(pstQ(A, W = W, Target = Tg)))
write_json(res, "tests/reference/mutants/extraction_rotation_2.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
