"""What readers and writers of one workbook family agree on: sheet names, labels, columns."""
