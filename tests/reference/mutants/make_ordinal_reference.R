# psych::polychoric reference for tests/psychometrics/test_mutants_ordinal.py: ordinal_negative.csv (200 rows;
# a and b correlate about -0.99, all three with 5 categories). Run: Rscript make_ordinal_reference.R
suppressMessages({library(psych); library(jsonlite)})
x <- read.csv("ordinal_negative.csv")
pc <- polychoric(x)
out <- list(psych = as.character(packageVersion("psych")), rho = unname(pc$rho), names = colnames(pc$rho),
            tau = unname(pc$tau))
write_json(out, "ordinal_reference.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
