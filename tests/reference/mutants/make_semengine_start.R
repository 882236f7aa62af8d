# lavaan's start values (parTable(fit)$start) for the SEM engine's start_values mutation tests:
# HolzingerSwineford1939, three-factor CFA with a mean structure. Run: Rscript make_semengine_start.R
library(lavaan)
library(jsonlite)
m <- 'visual =~ x1 + x2 + x3
      textual =~ x4 + x5 + x6
      speed =~ x7 + x8 + x9'
fit <- cfa(m, HolzingerSwineford1939, meanstructure = TRUE)
pt <- parTable(fit)
out <- list(
  versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))),
  lhs = pt$lhs, op = pt$op, rhs = pt$rhs, free = pt$free, start = pt$start
)
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
write_json(out, file.path(here, "semengine_start.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
