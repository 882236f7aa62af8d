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
