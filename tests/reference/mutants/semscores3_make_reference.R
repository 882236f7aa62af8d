# References for tests/psychometrics/test_mutants_sem_scores_3.py (mutation testing of sem/scores.py, issue 13),
# written to tests/reference/mutants/semscores3_reference.json. Run from the repository root:
#   Rscript tests/reference/mutants/semscores3_make_reference.R
# (1) lavaan::modindices() (all rows, unsorted) of: the three-factor model with a residual covariance written
#     "x3 ~~ x2", by school, configural and metric (group.equal = "loadings"); a regression model with observed
#     predictors (fixed.x);
# (2) lavaan::lavTestScore() of the metric model (the univariate tests named by their parameters, and the total);
#     and of a two-factor model whose second factor has two items (f =~ x1 + x2 + x3, g =~ x4 + x5: lavaan leaves
#     out the candidates f =~ x4, f =~ x5 and x4 ~~ x5, whose score test is undefined);
# (3) lavaan::resid() of the scalar model (group.equal = c("loadings", "intercepts")): raw, cor.bollen and
#     normalized, covariances and means per group.
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
hs <- read.csv("tests/reference/sem/hs_school.csv")
cv <- read.csv("tests/reference/sem/hs_covariates.csv")
MG <- "visual =~ x1 + x2 + x3
       textual =~ x4 + x5 + x6
       speed =~ x7 + x8 + x9
       x3 ~~ x2"
REG <- "visual =~ x1 + x2 + x3
        textual =~ x4 + x5 + x6
        textual ~ visual + age13
        visual ~ sex"
mods <- function(fit) {
  mi <- modindices(fit, sort. = FALSE, minimum.value = 0)
  if (is.null(mi$group)) mi$group <- 1L
  as.list(mi[, c("lhs", "op", "rhs", "group", "mi", "epc", "sepc.all")])
}
configural <- cfa(MG, data = hs, group = "school")
metric <- cfa(MG, data = hs, group = "school", group.equal = "loadings")
reg <- sem(REG, data = cv)
scalar <- cfa(MG, data = hs, group = "school", group.equal = c("loadings", "intercepts"))
two <- cfa("f =~ x1 + x2 + x3\ng =~ x4 + x5", data = hs)
score <- lavTestScore(metric)
pt <- parTable(metric)
lab <- function(x) { i <- match(x, pt$plabel); paste(pt$lhs[i], pt$op[i], pt$rhs[i]) }
grp <- function(x) pt$group[match(x, pt$plabel)]
res <- function(type) lapply(resid(scalar, type = type), function(b)
  list(rows = rownames(b$cov), cov = unclass(b$cov), mean = as.numeric(b$mean)))
out <- list(
  versions = list(lavaan = as.character(packageVersion("lavaan")), R = R.version.string),
  modindices = list(configural = mods(configural), metric = mods(metric), regression = mods(reg), two_items = mods(two)),
  chisq = list(configural = fitMeasures(configural, "chisq")[[1]], metric = fitMeasures(metric, "chisq")[[1]],
               regression = fitMeasures(reg, "chisq")[[1]], scalar = fitMeasures(scalar, "chisq")[[1]]),
  score_metric = list(lhs = lab(score$uni$lhs), rhs = lab(score$uni$rhs), rhs_group = grp(score$uni$rhs),
                      x2 = score$uni$X2, df = score$uni$df, pvalue = score$uni$p.value,
                      total_x2 = score$test$X2, total_df = score$test$df, total_pvalue = score$test$p.value),
  residuals = list(groups = names(resid(scalar)), raw = unname(res("raw")), cor = unname(res("cor.bollen")),
                   normalized = unname(res("normalized")))
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, matrix = "rowmajor"),
           "tests/reference/mutants/semscores3_reference.json")
