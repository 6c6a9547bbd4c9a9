"""« Rapport dialogue de gestion »: the Excel workbook reviewed with the funders."""

from report.build import build_report, report_path

__all__ = ["build_report", "report_path"]
