"""Generic writers for documents and tables: plain report data in, file bytes out."""
