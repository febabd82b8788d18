"""Letters: templates, rendering to PDF and DOCX, numbering, approval, delivery."""
