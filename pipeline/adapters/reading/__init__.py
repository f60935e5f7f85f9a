"""Reading workbooks people drop or save: the package guard, readers, the parse worker."""
