# Reference results for tests/psychometrics/test_psych_reference.py, produced by R's psych on data the
# tests did not see when the engine was written. Run from the repository root:
#   Rscript tests/reference/make_reference.R
# Produced with R 4.2.2, psych 2.2.9, GPArotation 2022.10-2 (Debian bookworm packages).
suppressMessages({library(psych); library(GPArotation)})
out <- "tests/reference"
x <- read.csv(file.path(out, "likert_missing.csv"))
res <- list()
for (policy in c("pairwise", "listwise")) {
  d <- if (policy == "listwise") na.omit(x) else x
  k <- KMO(d)
  b <- cortest.bartlett(d)                       # raw data: correlations pairwise, n = rows
  a <- alpha(d, warnings = FALSE)
  ci <- alpha.ci(a$total$raw_alpha, nrow(d), ncol(d), digits = 12)
  f <- fa(d, nfactors = 2, fm = "minres", rotate = "oblimin", max.iter = 10000, min.err = 1e-12)
  pc <- principal(d, nfactors = 2, rotate = "varimax")
  write.csv(data.frame(kmo = k$MSA, bartlett_chi2 = b$chisq, bartlett_df = b$df, raw_alpha = a$total$raw_alpha,
                       std_alpha = a$total$std.alpha, feldt_lower = ci$lower, feldt_upper = ci$upper, n = nrow(d)),
            file.path(out, paste0("psych_", policy, "_scalars.csv")), row.names = FALSE)
  write.csv(data.frame(msa = k$MSAi, r_drop = a$item.stats$r.drop, alpha_drop = a$alpha.drop$raw_alpha,
                       mean = a$item.stats$mean, sd = a$item.stats$sd),
            file.path(out, paste0("psych_", policy, "_items.csv")))
  write.csv(unclass(f$loadings), file.path(out, paste0("psych_", policy, "_minres_oblimin.csv")))
  write.csv(f$Phi, file.path(out, paste0("psych_", policy, "_minres_oblimin_phi.csv")))
  write.csv(unclass(pc$loadings), file.path(out, paste0("psych_", policy, "_pca_varimax.csv")))
}
o <- read.csv(file.path(out, "ordinal_300x8.csv"))
p <- polychoric(o, correct = 0)
write.csv(p$rho, file.path(out, "psych_polychoric_rho.csv"))
write.csv(p$tau, file.path(out, "psych_polychoric_tau.csv"))
# psych's own defaults and the continuity correction.
# psych::polychoric takes every item's thresholds from its own answers (global = TRUE, its default whenever
# the items have the same number of categories) and then applies NO correction: psych:::polyc adds correct
# to empty cells only when global = FALSE. ordinal_300x8 has pairs whose tables have an empty cell, so the
# two runs below show it: they are identical, and cma.polychoric's default (correct = 0) gives them.
# likert_missing has missing answers: psych::polychoric is pairwise (thresholds from each item's answers,
# each table from the pair's), cma.polychoric(missing = "pairwise"); the listwise default is na.omit.
# psych::tetrachoric does apply correct = 0.5 (psych:::tetrac, with the global thresholds): tetra_zero_cell
# has a pair whose 2 x 2 table has an empty cell, where the correction moves rho far from the boundary.
rho_table <- function(p) list(rho = unname(p$rho), tau = unname(p$tau), names = colnames(p$rho))
set.seed(13)
z <- matrix(rnorm(200 * 4), 200) %*% chol(matrix(c(1, .5, .4, .3, .5, 1, .45, .35, .4, .45, 1, .3, .3, .35, .3, 1), 4))
b <- (z > matrix(c(-.2, .3, 0, .6), 200, 4, byrow = TRUE)) * 1
b[b[, 1] == 0, 2] <- 0                          # no one with item 1 wrong has item 2 right: an empty cell
colnames(b) <- paste0("b", 1:4)
write.csv(b, file.path(out, "tetra_zero_cell.csv"), row.names = FALSE)
tet <- function(t) list(rho = unname(t$rho), tau = unname(t$tau))
defaults <- list(
  ordinal_correct_half = rho_table(polychoric(o)),
  ordinal_correct_zero = rho_table(polychoric(o, correct = 0)),
  likert_pairwise = c(rho_table(polychoric(x)), n = nrow(x)),
  likert_listwise = c(rho_table(polychoric(na.omit(x))), n = nrow(na.omit(x))),
  tetra_correct_half = tet(suppressMessages(tetrachoric(b))),
  tetra_correct_zero = tet(suppressMessages(tetrachoric(b, correct = 0)))
)
writeLines(jsonlite::toJSON(defaults, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           file.path(out, "psych_polychoric_defaults.json"))
