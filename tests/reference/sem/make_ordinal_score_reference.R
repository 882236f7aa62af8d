# Reference score tests (lavTestScore) of the equality constraints of multi-group ordinal fits
# (cmanalytics/psychometrics/sem/scores.py, ordinal_release_tests), from lavaan.
#
#   Rscript tests/reference/sem/make_ordinal_score_reference.R     (from the worktree root)
#
# Reads the two data sets make_ordinal_groups_reference.R wrote (hs_ordinal.csv, ordinal_groups.csv) and, for the
# thresholds and the thresholds + loadings models (WLSMV, delta parameterization), writes lavTestScore(fit):
# the total test and the univariate test of each "==" constraint. For WLSMV lavTestScore warns that se is not
# "standard" and gives the ordinary score test (N s' J^+ s with the expected information); that is the number
# stored. Each constraint's labels (lhs, rhs: lavaan's plabels) are mapped back to the parameter table rows
# they name (param_lhs / param_rhs as "lhs op rhs", with their groups) so that tests need not know lavaan's
# labelling.
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})

out <- "tests/reference/sem"
versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")))

score_tests <- function(fit) {
  st <- suppressWarnings(lavTestScore(fit))
  pt <- parTable(fit)
  row_of <- function(lab) match(lab, pt$plabel)
  name <- function(k) trimws(paste(pt$lhs[k], pt$op[k], pt$rhs[k]))
  kl <- row_of(st$uni$lhs)
  kr <- row_of(st$uni$rhs)
  list(total = list(x2 = st$test$X2, df = st$test$df, p_value = st$test$p.value),
       uni = list(lhs = st$uni$lhs, rhs = st$uni$rhs,
                  param_lhs = name(kl), group_lhs = pt$group[kl],
                  param_rhs = name(kr), group_rhs = pt$group[kr],
                  x2 = st$uni$X2, df = st$uni$df, p_value = st$uni$p.value))
}

run <- function(file, model, stem) {
  data <- read.csv(file.path(out, file))
  th <- cfa(model, data = data, group = "g", ordered = TRUE, group.equal = "thresholds")
  ld <- cfa(model, data = data, group = "g", ordered = TRUE, group.equal = c("thresholds", "loadings"))
  res <- list(versions = versions, thresholds = score_tests(th), loadings = score_tests(ld))
  writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, pretty = FALSE),
             file.path(out, paste0(stem, "_score.json")))
}

run("hs_ordinal.csv", "visual =~ x1 + x2 + x3
                       textual =~ x4 + x5 + x6
                       speed =~ x7 + x8 + x9", "hs_ordinal")
run("ordinal_groups.csv", "f1 =~ u1 + u2 + u3
                           f2 =~ u4 + u5 + u6
                           f3 =~ u7 + u8 + u9", "ordinal_groups")
