# R references for tests/psychometrics/test_mutants_numerics_3_misc.py: efa's normalize= passed to the rotation.
# Principal components of Holzinger & Swineford's nine tests (psych::principal, 3 components, unrotated),
# rotated by varimax without Kaiser normalization (stats::varimax(normalize = FALSE), the varimax psych
# calls; its default normalizes) and by oblimin with it (GPArotation::oblimin(normalize = TRUE); psych's
# default does not).
# Run from this folder: Rscript numerics3_efa_normalize.R [path of holzinger_swineford_1939.csv]
suppressMessages({library(psych); library(GPArotation); library(jsonlite)})
args <- commandArgs(TRUE)
src <- if (length(args)) args[1] else "../../../../shared/reference/holzinger_swineford_1939.csv"
hs <- read.csv(src)
L <- unclass(principal(hs, 3, rotate = "none")$loadings)
vn <- stats::varimax(L, normalize = FALSE)
on <- oblimin(L, normalize = TRUE, eps = 1e-7, maxit = 10000)
out <- list(GPArotation = as.character(packageVersion("GPArotation")), unrotated = unname(L),
            varimax_raw = unname(unclass(vn$loadings)), oblimin_normalized = unname(unclass(on$loadings)),
            oblimin_normalized_phi = unname(on$Phi))
write_json(out, "numerics3_efa_normalize.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
