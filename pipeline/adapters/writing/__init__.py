"""Writing the workbooks people open: review, handed-back, template and annotated copies."""
