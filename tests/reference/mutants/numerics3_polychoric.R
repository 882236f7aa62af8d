# psych::polychoric references for tests/psychometrics/test_mutants_numerics_3.py: polychoric correlations of
# tables with empty cells. 150 respondents, five items with five categories each, cut from normal variables
# whose correlations run from -0.85 to 0.9 (so most pair tables have empty cells, one pair is nearly
# degenerate); written to numerics3_polychoric.csv. psych's default (global thresholds, no correction) and
# global = FALSE with correct = 0.5 (0.5 added to the empty cells). Run from this folder:
# Rscript numerics3_polychoric.R
suppressMessages({library(psych); library(MASS); library(jsonlite)})
set.seed(20261201)
s <- matrix(c(1, .9, .6, -.85, .3,
              .9, 1, .5, -.7, .2,
              .6, .5, 1, -.5, .1,
              -.85, -.7, -.5, 1, -.2,
              .3, .2, .1, -.2, 1), 5)
z <- mvrnorm(150, rep(0, 5), s)
cuts <- list(c(-1.2, -.4, .3, 1.1), c(-1, 0, .5, 1.4), c(-.8, -.1, .6, 1.5), c(-1.5, -.6, .2, .9), c(-1.1, -.3, .4, 1.2))
x <- sapply(1:5, function(j) as.integer(cut(z[, j], c(-Inf, cuts[[j]], Inf))))
colnames(x) <- paste0("i", 1:5)
write.csv(x, "numerics3_polychoric.csv", row.names = FALSE)
empty <- sapply(combn(5, 2, simplify = FALSE), function(p) sum(table(factor(x[, p[1]], 1:5), factor(x[, p[2]], 1:5)) == 0))
a <- polychoric(x)
b <- polychoric(x, global = FALSE, correct = 0.5)
out <- list(psych = as.character(packageVersion("psych")), empty_cells = empty, rho = unname(a$rho),
            tau = unname(a$tau), rho_correct = unname(b$rho))
write_json(out, "numerics3_polychoric.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
