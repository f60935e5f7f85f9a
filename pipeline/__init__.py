"""budget-erp: construction budgets from the admin's workbook, through an approver, to the ERP."""

__version__ = "0.1.0"
