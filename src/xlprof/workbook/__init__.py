"""Analysis and input workbooks written with XlsxWriter (native formulas with cached values)."""
