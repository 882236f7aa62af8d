# Reference results for tests/performance/test_models.py: R's lm + sandwich/lmtest (HC3), lme4's lmer
# (REML) and glm (binomial) on models_data.csv (a synthetic bank, seed 3, written by the Python side).
# Run from the repository root: Rscript tests/reference/make_models_reference.R
# Produced with R 4.2.2, sandwich, lmtest, lme4 (Debian bookworm packages).
suppressMessages({library(sandwich); library(lmtest); library(lme4)})
out <- "tests/reference"
d <- read.csv(file.path(out, "models_data.csv"))
tab <- function(ct, ci, model) data.frame(model = model, term = rownames(ct), estimate = ct[, 1],
                                          std_error = ct[, 2], statistic = ct[, 3], p_value = ct[, 4],
                                          ci_low = ci[, 1], ci_high = ci[, 2])
f1 <- lm(appraisal ~ development + team + pay + weekly_hours, data = d)
v <- vcovHC(f1, type = "HC3")
ct <- coeftest(f1, vcov. = v)
r1 <- tab(ct, coefci(f1, vcov. = v), "ols_hc3")
f2 <- lmer(appraisal ~ development + team + (1 | branch_id), data = d, REML = TRUE)
s2 <- summary(f2)$coefficients
vc <- as.data.frame(VarCorr(f2))
r2 <- data.frame(model = "mixed", term = c(rownames(s2), "group_var", "resid_var"),
                 estimate = c(s2[, 1], vc$vcov[1], vc$vcov[2]), std_error = c(s2[, 2], NA, NA),
                 statistic = c(s2[, 3], NA, NA), p_value = NA, ci_low = NA, ci_high = NA)
f3 <- glm(turnover_intention ~ pay + development + support + weekly_hours, family = binomial, data = d)
ct3 <- coef(summary(f3))
r3 <- tab(ct3, confint.default(f3), "logit")
write.csv(rbind(r1, r2, r3), file.path(out, "r_models.csv"), row.names = FALSE)
