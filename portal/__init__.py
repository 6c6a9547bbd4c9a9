"""« Observatoire »: the coordinator's web portal (login, uploads, results, reports, quality)."""
