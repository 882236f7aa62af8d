# lavaan with observed exogenous predictors (fixed.x = TRUE, its default, and fixed.x = FALSE), for the
# fixed_x option of cmanalytics.psychometrics.sem.
#
#   Rscript tests/reference/sem/make_fixedx_reference.R     (from the worktree root)
#
# Writes tests/reference/sem/fixedx_<case>.json (estimates as parameterEstimates(), fitMeasures()) and
# hs_covariates.csv: lavaan's HolzingerSwineford1939 with its covariates (sex, age in years, grade; grade has
# one missing value, which listwise deletion drops; age13 and grade7 the two centred).
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

out <- "tests/reference/sem"
versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")))
hs <- HolzingerSwineford1939[, c("school", "sex", "ageyr", "grade", paste0("x", 1:9))]
hs$age13 <- hs$ageyr - 13
hs$grade7 <- hs$grade - 7
write.csv(hs, file.path(out, "hs_covariates.csv"), row.names = FALSE)
pd <- read.csv(file.path(out, "political_democracy.csv"))

MIMIC <- "visual =~ x1 + x2 + x3
          textual =~ x4 + x5 + x6
          speed =~ x7 + x8 + x9
          visual ~ ageyr + sex
          speed ~ ageyr + grade"
PATH <- "y1 ~ x1 + x2
         y5 ~ y1 + x1"

dump <- function(fit, name) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  if (is.null(pe$group)) pe$group <- 1L
  keep <- c("lhs", "op", "rhs", "group", "est", "se", "z", "pvalue", "std.lv", "std.all")
  fm <- fitMeasures(fit)
  js <- list(versions = versions, name = name, nobs = lavInspect(fit, "nobs"),
             estimates = as.list(pe[, keep]), fit = as.list(fm[!is.na(fm)]))
  writeLines(toJSON(js, digits = NA, auto_unbox = TRUE, pretty = FALSE, na = "null"),
             file.path(out, paste0("fixedx_", name, ".json")))
}

dump(sem(MIMIC, data = hs), "mimic")
dump(sem(MIMIC, data = hs, fixed.x = FALSE), "mimic_free_x")
dump(sem(MIMIC, data = hs, meanstructure = TRUE), "mimic_means")
# two groups, with the predictors centred (age13 = ageyr - 13, grade7 = grade - 7): uncentred, the intercepts
# and the paths from ageyr (mean 13) are nearly collinear and lavaan stops 1.5e-4 short of the optimum in them
# (a tighter nlminb rel.tol does not converge)
MIMIC_C <- gsub("grade", "grade7", gsub("ageyr", "age13", MIMIC))
dump(sem(MIMIC_C, data = hs, group = "school", group.equal = "loadings"), "mimic_groups")
dump(sem(PATH, data = pd), "path")
dump(sem(PATH, data = pd, fixed.x = FALSE), "path_free_x")

# FIML with observed predictors: 15% of the items' values missing completely at random (seeded), and three
# cases with a missing age, which lavaan drops under fixed.x (with a warning)
set.seed(20261130)
hsm <- hs
items <- paste0("x", 1:9)
for (v in items) hsm[runif(nrow(hsm)) < 0.15, v] <- NA
hsm$age13[c(5, 50, 150)] <- NA
write.csv(hsm[, c("school", "sex", "age13", "grade7", items)], file.path(out, "hs_covariates_missing.csv"),
          row.names = FALSE)
dump(sem(MIMIC_C, data = hsm, missing = "ml"), "mimic_fiml")
dump(sem(MIMIC_C, data = hsm, missing = "ml", fixed.x = FALSE), "mimic_fiml_free_x")
