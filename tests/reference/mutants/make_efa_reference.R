# psych references for tests/psychometrics/test_mutants_efa.py: attitude (R's datasets, the same numbers as
# /work/shared/reference/attitude.csv). Run: Rscript make_efa_reference.R  (writes efa_reference.json)
suppressMessages({library(psych); library(GPArotation); library(jsonlite)})
x <- datasets::attitude
mat <- function(m) list(rows = rownames(m), cols = colnames(m), values = unname(unclass(as.matrix(m))))
pc_rot <- principal(x, 2, rotate = "varimax")
pc_none <- principal(x, 2, rotate = "none")
pa_vari <- fa(x, 2, fm = "pa", rotate = "varimax")
mr_obl <- fa(x, 2, fm = "minres", rotate = "oblimin")
mr_vari <- fa(x, 2, fm = "minres", rotate = "varimax")
out <- list(
  psych = as.character(packageVersion("psych")),
  eigenvalues = eigen(cor(x))$values,
  smc = unname(smc(x)),
  pc_varimax = list(loadings = mat(unclass(pc_rot$loadings)), vaccounted = mat(pc_rot$Vaccounted)),
  pc_none = list(loadings = mat(unclass(pc_none$loadings)), vaccounted = mat(pc_none$Vaccounted)),
  pa_varimax = list(loadings = mat(unclass(pa_vari$loadings)), vaccounted = mat(pa_vari$Vaccounted)),
  minres_varimax = list(loadings = mat(unclass(mr_vari$loadings)), vaccounted = mat(mr_vari$Vaccounted),
                        fit = list(objective = mr_vari$objective, chi2 = unname(mr_vari$STATISTIC),
                                   df = mr_vari$dof, p_value = mr_vari$PVAL, rmsea = unname(mr_vari$RMSEA[1]),
                                   tli = mr_vari$TLI, bic = mr_vari$BIC, null_chi2 = mr_vari$null.chisq,
                                   null_df = mr_vari$null.dof, rmsr = mr_vari$rms, crms = mr_vari$crms)),
  minres_oblimin = list(loadings = mat(unclass(mr_obl$loadings)), phi = mat(mr_obl$Phi),
                        structure = mat(unclass(mr_obl$Structure)))
)
write_json(out, "efa_reference.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
