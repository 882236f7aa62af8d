# Reference for tests/psychometrics/test_mutants_semresults_3.py: lavaan's model-implied moments
# (fitted()) of the Holzinger-Swineford three-factor CFA, without and with a mean structure and in two groups.
#
#   Rscript tests/reference/mutants/semres3_make_reference.R      (from the repository root)
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
HS3 <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        speed =~ x7 + x8 + x9"
hs <- HolzingerSwineford1939
moments <- function(f) list(cov = unname(unclass(f$cov)), mean = if (is.null(f$mean)) NULL else unname(unclass(f$mean)),
                            names = colnames(f$cov))
plain <- cfa(HS3, data = hs)
means <- cfa(HS3, data = hs, meanstructure = TRUE)
groups <- cfa(HS3, data = hs, group = "school")
fg <- fitted(groups)
out <- list(
  versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))),
  plain = moments(fitted(plain)),
  means = moments(fitted(means)),
  group_labels = lavInspect(groups, "group.label"),
  groups = lapply(lavInspect(groups, "group.label"), function(g) moments(fg[[g]]))
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "tests/reference/mutants/semres3_reference.json")
