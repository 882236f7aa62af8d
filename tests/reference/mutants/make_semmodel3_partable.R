# lavaan's parameter tables (parTable() of cfa()/sem() with do.fit = FALSE) for the SEM engine's
# build_table mutation tests (issue 13): defaults (variances, exogenous and outcome covariances, means),
# std.lv, fixed values, NA, labels, c() modifiers, multi-group group.equal / group.partial, fixed.x.
# (c(NA, 1)*x3 is not combined with group.equal = "loadings": lavaan then fixes group 1 too, cmanalytics does not.)
# ceq.simple = TRUE so that equal parameters share one free number (as cmanalytics numbers them).
# Run: Rscript make_semmodel3_partable.R
library(lavaan)
library(jsonlite)
hs <- HolzingerSwineford1939
three <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
cases <- list(
  list(name = "cfa3", fun = "cfa", model = three, opts = list()),
  list(name = "cfa3_stdlv", fun = "cfa", model = three, opts = list(std.lv = TRUE)),
  list(name = "modifiers", fun = "cfa",
       model = "visual =~ NA*x1 + a*x2 + a*x3\nvisual ~~ 1*visual\ntextual =~ x4 + 0.8*x5 + x6\nx4 ~~ 0.5*x4\nx1 ~~ x4\ntextual ~~ visual",
       opts = list()),
  list(name = "intercepts", fun = "cfa",
       model = "visual =~ x1 + x2 + x3\nvisual ~ 1\nx1 ~ 0*1\nx2 ~ b*1\nx3 ~ b*1", opts = list()),
  list(name = "mg_cvec", fun = "cfa",
       model = "visual =~ x1 + c(a, b)*x2 + c(NA, 1)*x3\ntextual =~ x4 + c(l5, l5)*x5 + x6",
       opts = list(group = "school", group.equal = c("intercepts", "residuals"))),
  list(name = "mg_partial", fun = "cfa",
       model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx2 ~~ x3\nx4 ~~ x6",
       opts = list(group = "school",
                   group.equal = c("loadings", "intercepts", "residuals", "residual.covariances"),
                   group.partial = c("x2 ~~ x3", "x1 ~ 1", "visual =~ x3", "x5 ~~ x5"))),
  list(name = "mg_stdlv_loadings", fun = "cfa", model = three,
       opts = list(group = "school", std.lv = TRUE, group.equal = c("loadings", "intercepts"))),
  list(name = "mg_stdlv_lvvar", fun = "cfa", model = three,
       opts = list(group = "school", std.lv = TRUE, group.equal = c("loadings", "lv.variances", "means"))),
  list(name = "mg_structural", fun = "sem",
       model = paste(three, sep = "\n", "textual ~ visual\nspeed ~ visual"),
       opts = list(group = "school",
                   group.equal = c("loadings", "regressions", "lv.variances", "lv.covariances", "means"))),
  list(name = "latent_outcomes", fun = "sem",
       model = paste(three, sep = "\n", "textual ~ visual\nspeed ~ visual"), opts = list()),
  list(name = "observed_outcomes", fun = "sem",
       model = "x4 ~ x1\nx5 ~ x1\nx6 ~ x1 + x2\nx7 ~ x2", opts = list(fixed.x = FALSE)),
  list(name = "observed_outcomes_fixedx", fun = "sem",
       model = "x4 ~ x1\nx5 ~ x1\nx6 ~ x1 + x2\nx7 ~ x2", opts = list(fixed.x = TRUE, meanstructure = TRUE)),
  list(name = "mixed_paths", fun = "sem",
       model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx7 ~ visual + x9\nx8 ~ textual\ntextual ~ visual",
       opts = list(fixed.x = FALSE, meanstructure = TRUE)),
  list(name = "two_exogenous_lv", fun = "sem",
       model = paste(three, sep = "\n", "speed ~ visual + textual"), opts = list())
)
tables <- lapply(cases, function(k) {
  args <- c(list(model = k$model, data = hs, do.fit = FALSE, ceq.simple = TRUE), k$opts)
  fit <- do.call(k$fun, args)
  pt <- parTable(fit)
  list(name = k$name, fun = k$fun, model = k$model, opts = k$opts,
       meanstructure = lavInspect(fit, "meanstructure"), npar = max(pt$free),
       rows = pt[, c("lhs", "op", "rhs", "group", "free", "ustart", "exo", "user")])
})
out <- list(versions = list(R = R.version.string, lavaan = as.character(packageVersion("lavaan"))),
            cases = tables)
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
write_json(out, file.path(here, "semmodel3_partable.json"), digits = NA, auto_unbox = TRUE, pretty = TRUE,
           na = "null")
