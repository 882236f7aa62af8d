# Reference for tests/psychometrics/test_mutants_reliability.py: psych::alpha (with its Feldt interval,
# psych::alpha.ci), psych::splitHalf, psych::guttman and psych::ICC on small data sets typed in below.
# Run from the repository root: Rscript tests/reference/mutants/make_reliability_reference.R
# (writes reliability_reference.json beside this script; the data are written into it too).
suppressMessages({library(psych); library(jsonlite)})
out <- "tests/reference/mutants/reliability_reference.json"

# 10 respondents x 5 items (answers 1-5); i4 runs the other way.
d <- data.frame(i1 = c(4, 5, 3, 4, 2, 5, 3, 4, 2, 3), i2 = c(3, 5, 3, 4, 2, 4, 2, 5, 1, 3),
                i3 = c(4, 4, 2, 5, 3, 5, 3, 3, 2, 2), i4 = c(2, 1, 4, 2, 4, 1, 3, 2, 5, 3),
                i5 = c(3, 4, 3, 5, 2, 4, 2, 4, 3, 2))
# the same with holes (psych::alpha's default use = "pairwise")
dna <- d[, 1:4]
dna$i1[3] <- NA; dna$i2[7] <- NA; dna$i3[c(1, 9)] <- NA
# 7 targets x 4 judges, one target with a missing rating: psych::ICC refuses it and asks for na.omit, which
# cmanalytics's icc does itself
ratings <- data.frame(j1 = c(9, 6, 8, 7, 10, 6, 5), j2 = c(2, 1, 4, 1, 5, 2, NA),
                      j3 = c(5, 3, 6, 2, 6, 4, 4), j4 = c(8, 2, 8, 6, 9, 7, 6))

alpha_out <- function(a) {
  list(total = as.list(a$total), drop = as.list(a$alpha.drop), item = as.list(a$item.stats),
       feldt = list(lower = a$feldt$lower.ci[[1]], upper = a$feldt$upper.ci[[1]]))
}
a4 <- alpha(d[, 1:4], check.keys = FALSE, warnings = FALSE)
a3 <- alpha(d[, 1:3], check.keys = FALSE, warnings = FALSE)
a2 <- alpha(d[, c("i1", "i4")], check.keys = FALSE, warnings = FALSE)
ak <- alpha(d[, 1:4], keys = c("i4"), warnings = FALSE)
apw <- alpha(dna, check.keys = FALSE, warnings = FALSE)
f90 <- alpha.ci(a3$total$raw_alpha, n.obs = 10, n.var = 3, p.val = 0.10)

split_out <- function(s) list(max = s$maxrb, min = s$minrb, mean = s$meanr, alpha = s$alpha, lambda2 = s$lambda2,
                              lambda6 = s$lambda6, average_r = s$av.r, best = s$maxAB$A, worst = s$minAB$A)
s5 <- suppressWarnings(splitHalf(cor(d), brute = TRUE))
s4 <- suppressWarnings(splitHalf(cor(d[, 1:4]), brute = TRUE))
s4n <- splitHalf(cor(d[, 1:4]), brute = TRUE, check.keys = FALSE)
s3 <- splitHalf(cor(d[, 1:3]), brute = TRUE)
g4 <- suppressWarnings(guttman(cor(d[, 1:4])))
g5 <- suppressWarnings(guttman(cor(d[, c(1, 2, 3, 5)])))
gut_out <- function(g) list(lambda1 = g$lambda.1, lambda2 = g$lambda.2, lambda3 = g$lambda.3, lambda4 = g$lambda.4,
                            lambda5 = g$lambda.5, lambda5p = g$lambda.5p, lambda6 = g$lambda.6)

icc_out <- function(i) { r <- i$results
  list(type = r$type, rows = rownames(r), ICC = r$ICC, F = r$F, df1 = r$df1, df2 = r$df2, p = r$p, lower = r[["lower bound"]],
       upper = r[["upper bound"]], n_obs = i$n.obs, n_judge = i$n.judge) }
i95 <- ICC(na.omit(ratings), lmer = FALSE)
i90 <- ICC(na.omit(ratings), alpha = 0.10, lmer = FALSE)

res <- list(
  data = as.list(d), data_missing = lapply(as.list(dna), function(v) ifelse(is.na(v), "NA", v)),
  ratings = lapply(as.list(ratings), function(v) ifelse(is.na(v), "NA", v)),
  alpha4 = alpha_out(a4), alpha3 = alpha_out(a3), alpha2 = alpha_out(a2), alpha_keyed = alpha_out(ak),
  alpha_pairwise = alpha_out(apw), feldt90 = list(lower = f90$lower.ci, upper = f90$upper.ci),
  split5 = split_out(s5), split4 = split_out(s4), split4_unkeyed = split_out(s4n), split3 = split_out(s3),
  guttman4 = gut_out(g4), guttman_1235 = gut_out(g5),
  icc95 = icc_out(i95), icc90 = icc_out(i90),
  psych_version = as.character(packageVersion("psych")), r_version = R.version.string
)
write_json(res, out, digits = NA, pretty = TRUE, auto_unbox = TRUE, na = "string")
