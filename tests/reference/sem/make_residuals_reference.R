# lavaan's residuals with their standard errors, for cmanalytics.psychometrics.sem.scores.residuals.
#
#   Rscript tests/reference/sem/make_residuals_reference.R     (from the worktree root)
#
# Writes tests/reference/sem/residuals_<case>.json: for each group the raw, normalized, "standardized"
# (lavaan's asymptotic covariance of the residuals) and "standardized.mplus" residuals of the covariances
# and, with a mean structure, of the means. Data: hs_school.csv and political_democracy.csv, written by
# make_sem_reference.R from lavaan's HolzingerSwineford1939 and PoliticalDemocracy.
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

out <- "tests/reference/sem"
versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")))
hs <- read.csv(file.path(out, "hs_school.csv"))
pd <- read.csv(file.path(out, "political_democracy.csv"))

HS3 <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        speed =~ x7 + x8 + x9"
HSX <- "visual =~ x1 + x2 + x3 + x9
        textual =~ x4 + a*x5 + a*x6
        speed =~ x7 + x8 + x9
        x2 ~~ x3"
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

# a symmetric matrix or a vector as plain numbers (NA kept as null)
as_plain <- function(x) if (is.matrix(x)) unname(unclass(x)[, , drop = FALSE]) else unname(as.numeric(x))

one_group <- function(res_by_type, g) {
  pick <- function(r) if (is.null(r$cov)) r[[g]] else r
  lapply(res_by_type, function(r) {
    r <- pick(r)
    o <- list(rows = rownames(r$cov), cov = as_plain(r$cov))
    if (!is.null(r$mean)) o$mean <- as_plain(r$mean)
    o
  })
}

dump_residuals <- function(fit, name) {
  types <- c("raw", "normalized", "standardized", "standardized.mplus")
  res <- lapply(types, function(t) residuals(fit, type = t))
  names(res) <- gsub(".", "_", types, fixed = TRUE)
  ng <- lavInspect(fit, "ngroups")
  groups <- lapply(seq_len(ng), function(g) one_group(res, g))
  js <- list(versions = versions, name = name, nobs = lavInspect(fit, "nobs"), groups = groups)
  writeLines(toJSON(js, digits = NA, auto_unbox = TRUE, pretty = FALSE, na = "null"),
             file.path(out, paste0("residuals_", name, ".json")))
}

dump_residuals(cfa(HS3, data = hs), "hs_cfa")
dump_residuals(cfa(HS3, data = hs, meanstructure = TRUE), "hs_cfa_means")
dump_residuals(cfa(HSX, data = hs), "hs_cross")
dump_residuals(sem(PD, data = pd), "political_democracy")
dump_residuals(cfa(HS3, data = hs, group = "school", group.equal = c("loadings", "intercepts")), "hs_scalar")

# observed predictors with fixed.x (their moments fixed at the sample's): hs_covariates.csv, written by
# make_fixedx_reference.R
hsx <- read.csv(file.path(out, "hs_covariates.csv"))
MIMIC <- "visual =~ x1 + x2 + x3
          textual =~ x4 + x5 + x6
          speed =~ x7 + x8 + x9
          visual ~ ageyr + sex
          speed ~ ageyr + grade"
# the predictors centred (age13, grade7): uncentred, lavaan stops 1e-5 short of the optimum in the residuals
dump_residuals(sem(gsub("grade", "grade7", gsub("ageyr", "age13", MIMIC)), data = hsx), "mimic")
