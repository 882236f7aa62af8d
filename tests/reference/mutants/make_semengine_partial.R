# lavaan's chi-square and df for group.partial naming a regression and a residual variance (SEM engine's
# _canonical mutation tests): HolzingerSwineford1939 by school. Run: Rscript make_semengine_partial.R
library(lavaan)
library(jsonlite)
m <- 'visual =~ x1 + x2 + x3
      textual =~ x4 + x5 + x6
      speed =~ x7 + x8 + x9
      speed ~ visual'
fm <- function(fit) as.list(fitMeasures(fit, c("chisq", "df")))
hs <- HolzingerSwineford1939
out <- list(
  versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))),
  regressions = fm(sem(m, hs, group = "school", group.equal = c("loadings", "regressions"))),
  regressions_partial = fm(sem(m, hs, group = "school", group.equal = c("loadings", "regressions"),
                               group.partial = "speed ~ visual")),
  strict = fm(sem(m, hs, group = "school", group.equal = c("loadings", "intercepts", "residuals"))),
  strict_partial = fm(sem(m, hs, group = "school", group.equal = c("loadings", "intercepts", "residuals"),
                          group.partial = "x1 ~~ x1"))
)
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
write_json(out, file.path(here, "semengine_partial.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE)
