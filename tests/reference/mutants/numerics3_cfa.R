# lavaan references for tests/psychometrics/test_mutants_numerics_3_validity.py: cma.cfa's arguments passed
# through to the engine (std_lv, estimator, missing, group, group_equal, group_partial, meanstructure,
# information, ordered), each against lavaan::cfa with the same option, and fitMeasures' aic, bic and RMSEA
# interval. Data: Holzinger & Swineford's nine tests (../../../../shared/reference/holzinger_swineford_1939.csv)
# with a group column g (the first 150 rows "a", the rest "b"), a copy with cells missing, and four items cut
# into three ordered categories; all written to numerics3_cfa_data.csv so both sides read the same numbers.
# Run from this folder: Rscript numerics3_cfa.R [path of holzinger_swineford_1939.csv]
suppressMessages({library(lavaan); library(jsonlite)})
args <- commandArgs(TRUE)
src <- if (length(args)) args[1] else "../../../../shared/reference/holzinger_swineford_1939.csv"
hs <- read.csv(src)
n <- nrow(hs)
d <- hs
d$g <- ifelse(seq_len(n) <= 150, "a", "b")
# a copy with missing cells: row i, column j (1-based) missing when (7 i + 3 j) %% 23 == 0
m <- hs
for (j in 1:9) m[(7 * seq_len(n) + 3 * j) %% 23 == 0, j] <- NA
names(m) <- paste0("m", 1:9)
# ordered copies of x4..x7: three categories cut at fixed points
cuts <- list(c(2.5, 3.5), c(3.5, 5), c(1.5, 2.5), c(3.5, 4.5))
for (j in 1:4) d[[paste0("o", j)]] <- as.integer(cut(hs[[3 + j]], c(-Inf, cuts[[j]], Inf)))
d <- cbind(d, m)
write.csv(d, "numerics3_cfa_data.csv", row.names = FALSE, na = "")

model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
mmodel <- "visual =~ m1 + m2 + m3\ntextual =~ m4 + m5 + m6\nspeed =~ m7 + m8 + m9"
omodel <- "f =~ o1 + o2 + o3 + o4"
pe <- function(fit) {
  p <- parameterEstimates(fit)
  list(lhs = p$lhs, op = p$op, rhs = p$rhs, group = if (is.null(p$group)) rep(1L, nrow(p)) else p$group,
       est = p$est, se = p$se)
}
fm <- function(fit) as.list(fitMeasures(fit))
out <- list(lavaan = as.character(packageVersion("lavaan")))
f <- cfa(model, d)
out$default <- list(fit = fm(f), pe = pe(f))
f <- cfa(model, d, std.lv = TRUE)
out$std_lv <- list(pe = pe(f))
f <- cfa(model, d, estimator = "ULS")
out$uls <- list(fit = fm(f))
f <- cfa(mmodel, d, missing = "ml")
out$fiml <- list(fit = fm(f), pe = pe(f))
f <- cfa(model, d, group = "g", group.equal = c("loadings", "intercepts"), group.partial = c("visual=~x2"))
out$group <- list(fit = fm(f), pe = pe(f))
f <- cfa(model, d, meanstructure = TRUE)
out$meanstructure <- list(fit = fm(f), pe = pe(f))
f <- cfa(model, d, information = "observed")
out$observed <- list(pe = pe(f))
f <- cfa(omodel, d, ordered = TRUE)
out$ordered <- list(fit = fm(f), pe = pe(f))
write_json(out, "numerics3_cfa.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
